// The `foundry` CLI (dist/cli.js) as a real child process against a real `--listen` sidecar:
// what it creates, sends and prints is what another client of the same sidecar sees pushed,
// `watch` prints pushes as they arrive, and with no sidecar running it starts one that exits on
// its own once idle. Synchronisation is on output lines, notifications and process exits only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { PROTOCOL_VERSION, Requests } from '../../shared/protocol.ts';
import { agentText, cleanup, makeRepo, root, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';

const cliJs = join(root, 'dist', 'cli.js');
const settings = { agentIdleStopMs: 60_000, changesDebounceMs: 100 };

/** Start `node dist/cli.js --data-dir D ...args`; `lines` fills as stdout lines arrive. */
function startCli(dataDir, args, { env = {}, node = process.execPath } = {}) {
  const child = spawn(node, [cliJs, ...(dataDir ? ['--data-dir', dataDir] : []), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, lines: [], stdout: '', stderr: '', listeners: new Set() };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    run.lines.push(line);
    for (const l of [...run.listeners]) l();
  });
  run.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout: run.stdout, stderr: run.stderr })));
  /** Resolve with the first line (from `from` on) for which `pred(line)` is truthy. */
  run.waitLine = (pred, what = 'a line', from = 0, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const i = run.lines.findIndex((l, n) => n >= from && pred(l));
        if (i >= 0) done(null, { line: run.lines[i], index: i });
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}; stdout: ${run.stdout}\nstderr: ${run.stderr}`)), timeoutMs);
      const done = (err, v) => { clearTimeout(timer); run.listeners.delete(check); err ? reject(err) : resolve(v); };
      run.listeners.add(check);
      run.exited.then(() => setImmediate(() => check() ?? done(new Error(`the CLI exited while waiting for ${what}; stdout: ${run.stdout}\nstderr: ${run.stderr}`))));
      check();
    });
  return run;
}

/** Run the CLI to completion. */
const cli = (dataDir, args, opts) => startCli(dataDir, args, opts).exited;

async function ok(dataDir, args, opts) {
  const r = await cli(dataDir, args, opts);
  assert.equal(r.code, 0, `foundry ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('create, then tasks: the task is listed and a second client sees it pushed; the repository keeps its setup script; log shows history and setup output', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startListening({ dataDir, settings });
  try {
    assert.equal(sc.report.ready, true, sc.stderr);
    const other = await sc.connect({ clientInfo: { name: 'window' } });
    // The repository's setup script, set by another client: the CLI's create must keep it.
    await other.request(Requests.AddRepo.method, { path: repoPath, setupScript: 'echo set-up-by-the-window' });

    const taskId = (await ok(dataDir, ['create', '--repo', repoPath, '--title', 'From the CLI', 'hello from the cli'])).trim();
    assert.match(taskId, /^task_[0-9a-f]{12}$/);
    const pushed = await other.waitFor(() => other.state.tasks.get(taskId), 'the CLI task pushed to the other client');
    assert.equal(pushed.title, 'From the CLI');
    assert.match(sc.stderr, /client \d+ \(foundry-cli \d+\.\d+\.\d+\) initialized/);
    await sc.waitForLog(/client \d+ \(foundry-cli [^)]*\) disconnected/);

    const wb = JSON.parse(await ok(dataDir, ['tasks', '--json']));
    const listed = wb.tasks.find((t) => t.id === taskId);
    assert.equal(listed?.title, 'From the CLI');
    assert.equal(wb.repos.find((r) => r.id === listed.repoId)?.path, repoPath);
    assert.equal(wb.repos[0].setupScript, 'echo set-up-by-the-window', 'create sent no setupScript');

    const idle = await other.waitTask(taskId, 'idle');
    const table = await ok(dataDir, ['tasks']);
    assert.match(table.split('\n')[0], /^ID\s+STATUS\s+TITLE\s+BRANCH\s+REPO\s+CHANGES\s+SESSIONS$/);
    const row = table.split('\n').find((l) => l.startsWith(taskId));
    assert.match(row, new RegExp(`^${taskId}\\s+idle\\s+From the CLI\\s+${idle.branch}\\s+repo\\s+\\+0 -0\\s+1 \\(1 unread\\)$`));

    const log = await ok(dataDir, ['log', taskId]);
    assert.match(log, /^History:\n/);
    assert.match(log, /created/);
    assert.match(log, /stage_finished\s+init_create_sandbox\s+\(\d+ ms\)/);
    assert.match(log, /Setup output:\n.*set-up-by-the-window/s);
    const logJson = JSON.parse(await ok(dataDir, ['log', taskId, '--json']));
    assert.deepEqual(logJson, await other.request(Requests.GetTaskLog.method, { taskId }));
    await other.disconnect();
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

test('send starts a turn whose agent text a subscribed client sees; a task id means its first open session; bad input exits 1 with the server\'s message', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startListening({ dataDir, settings });
  try {
    const watcher = await sc.connect({ clientInfo: { name: 'window' } });
    const repo = await watcher.request(Requests.AddRepo.method, { path: repoPath });
    const task = await watcher.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'first' });
    await watcher.waitTask(task.id, 'idle');
    const sessionId = task.sessions[0].id;
    await watcher.request(Requests.SubscribeSession.method, { sessionId });

    const endOf = (turnId) =>
      watcher.waitFor(
        () => (watcher.transcripts.get(sessionId) ?? []).find((e) => e.sender === 'foundry' && e.payload.turnId === turnId && e.payload.kind === 'turn_ended'),
        `end of turn ${turnId}`,
      );
    const turnId = (await ok(dataDir, ['send', sessionId, 'echo this from the command line'])).trim();
    assert.match(turnId, /^turn_[0-9a-f]{12}$/);
    await endOf(turnId);
    assert.match(agentText(watcher.transcripts.get(sessionId)), /echo this from the command line/);
    await watcher.waitSession(task.id, sessionId, 'ready');

    const viaTask = JSON.parse(await ok(dataDir, ['send', task.id, 'sent to the task', '--json']));
    assert.equal(viaTask.sessionId, sessionId);
    await endOf(viaTask.turnId);
    assert.match(agentText(watcher.transcripts.get(sessionId)), /sent to the task/);
    await watcher.waitSession(task.id, sessionId, 'ready');

    const empty = await cli(dataDir, ['send', sessionId, '']);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /^foundry: .*text: text must not be empty\n$/);
    assert.equal(empty.stdout, '');
    const unknown = await cli(dataDir, ['send', 'ses_000000000000', 'hello']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /ses_000000000000/);
    const badBranch = await cli(dataDir, ['create', '--repo', repoPath, '--branch', 'a..b', 'x']);
    assert.equal(badBranch.code, 1);
    assert.match(badBranch.stderr, /branch: branch must not contain "\.\."/);
    await watcher.disconnect();
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

test('watch --json prints each pushed change as one JSON line while another client creates a task, and stops on SIGINT; a lost sidecar ends it with exit 1', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startListening({ dataDir, settings });
  try {
    const w = startCli(dataDir, ['watch', '--json']);
    // The status every client gets on attach: the watcher is now subscribed to every push.
    const first = JSON.parse((await w.waitLine(() => true, 'the status on attach')).line);
    assert.deepEqual(first, { event: 'serverStatus', quiescent: true, jobs: 0, turns: 0 });

    const other = await sc.connect();
    const repo = await other.request(Requests.AddRepo.method, { path: repoPath });
    const task = await other.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'watched' });
    const isTask = (status) => (l) => {
      const e = JSON.parse(l);
      return e.event === 'task' && e.task.id === task.id && e.task.status === status;
    };
    await w.waitLine((l) => JSON.parse(l).event === 'repo', 'the repository');
    const created = await w.waitLine((l) => JSON.parse(l).task?.id === task.id, 'the new task');
    const idle = await w.waitLine(isTask('idle'), 'the task idle', created.index);
    const events = w.lines.slice(0, idle.index + 1).map((l) => JSON.parse(l));
    const statuses = events.filter((e) => e.event === 'task').map((e) => e.task.status);
    assert.ok(statuses.includes('init_create_sandbox'), `a stage was pushed: ${statuses}`);
    const versions = events.filter((e) => e.event === 'task').map((e) => e.version);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'in push order');
    assert.ok(events.some((e) => e.event === 'serverStatus' && e.quiescent === false), 'busy was pushed');
    await w.waitLine((l) => JSON.parse(l).event === 'serverStatus' && JSON.parse(l).quiescent, 'quiescent again', idle.index);

    w.child.kill('SIGINT');
    const { code, stderr } = await w.exited;
    assert.equal(code, 0, stderr);
    await sc.waitForLog(/client \d+ \(foundry-cli [^)]*\) disconnected/);

    // Text mode: one line per summary.
    const t = startCli(dataDir, ['watch']);
    await t.waitLine((l) => l === 'server quiescent', 'the status on attach');
    await other.request(Requests.RenameTask.method, { taskId: task.id, title: 'Renamed while watched' });
    await t.waitLine((l) => l === `task ${task.id} idle Renamed while watched`, 'the renamed task');
    // A repository action's rows, as they move: this repository has no origin to fetch from.
    const { actionId } = await other.request(Requests.RunRepoAction.method, { repoId: repo.id, kind: 'fetch' });
    await t.waitLine((l) => l === `action ${actionId} fetch queued ${repo.id}`, 'the queued fetch');
    await t.waitLine((l) => l.startsWith(`action ${actionId} fetch failed ${repo.id} - `) && /origin/.test(l), 'the failed fetch and why');
    t.child.kill('SIGINT');
    assert.equal((await t.exited).code, 0);
    await other.disconnect();

    // The sidecar goes away under a watcher: it says so and exits 1.
    const lost = startCli(dataDir, ['watch']);
    await lost.waitLine((l) => l === 'server quiescent', 'the status on attach');
    await sc.kill();
    const end = await lost.exited;
    assert.equal(end.code, 1);
    assert.match(end.stderr, /^foundry: the sidecar closed the connection/);
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

/** Resolve once `file` in `dir` is gone (fs.watch on its folder). */
function fileGone(dir, name) {
  return new Promise((resolve) => {
    const w = watch(dir, () => check());
    const check = () => {
      if (!existsSync(join(dir, name))) {
        w.close();
        resolve();
      }
    };
    check();
  });
}

/** Resolve once `file` matches `re` (fs.watch on the file). */
function fileMatches(file, re) {
  return new Promise((resolve) => {
    const w = watch(file, () => check());
    const check = () => {
      if (re.test(readFileSync(file, 'utf8'))) {
        w.close();
        resolve();
      }
    };
    check();
  });
}

/** Whether a process that is not our child still runs (a zombie has exited). */
function running(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

test('with no sidecar running the CLI starts one, which serves the next CLI and exits on its own once idle (FOUNDRY_SIDECAR_IDLE_EXIT_SECONDS)', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const env = { FOUNDRY_SIDECAR_IDLE_EXIT_SECONDS: '1' };
  try {
    assert.equal(existsSync(join(dataDir, 'sidecar.json')), false);
    // watch holds its connection, so the new sidecar cannot go idle while the test looks at it.
    const w = startCli(dataDir, ['watch', '--verbose'], { env });
    await w.waitLine((l) => l === 'server quiescent', 'the status on attach');
    assert.match(w.stderr, /starting the sidecar: .* --listen --data-dir .* --idle-exit-seconds 1/);
    const info = JSON.parse(readFileSync(join(dataDir, 'sidecar.json'), 'utf8'));
    assert.equal(info.protocolVersion, PROTOCOL_VERSION);
    assert.equal(info.runtime, process.execPath);
    assert.ok(running(info.pid));
    assert.match(w.stderr, new RegExp(`started the sidecar pid ${info.pid} `));

    // The next CLI finds the same sidecar; its task shows in the watcher's stream.
    const second = await cli(dataDir, ['create', '--verbose', '--repo', repoPath, 'hello'], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`found the sidecar pid ${info.pid} `));
    await w.waitLine((l) => l.startsWith(`task ${second.stdout.trim()} idle `), 'the task idle');

    w.child.kill('SIGINT');
    assert.equal((await w.exited).code, 0);
    // No client, nothing running: it exits after 1 s, removing sidecar.json.
    await fileGone(dataDir, 'sidecar.json');
    await fileMatches(join(dataDir, 'logs', 'sidecar.log'), /no client and nothing running: exiting in 1 s[^]*exiting \(idle\)/);
    // Its last log line comes just before process.exit: a process we did not spawn gives no exit
    // event, so this one check retries (bounded) until the kernel has it gone.
    for (const until = Date.now() + 5000; running(info.pid) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    assert.equal(running(info.pid), false, 'the sidecar exited');
  } finally {
    cleanup(dir);
  }
});

test('a sidecar of another protocol version is refused with a clear message', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'fake.sock');
  // A fake sidecar that answers initialize with protocol 999.
  const server = createServer((s) => {
    const conn = createMessageConnection(new SocketMessageReader(s), new SocketMessageWriter(s));
    conn.onRequest('initialize', () => ({ capabilities: {}, foundry: { protocolVersion: 999, version: '9.9.9', pid: process.pid, dataDir, mode: 'listen' } }));
    conn.onRequest('shutdown', () => null);
    conn.onNotification('exit', () => s.end());
    conn.listen();
  });
  server.listen(socket);
  await once(server, 'listening');
  try {
    execFileSync('mkdir', ['-p', dataDir]);
    writeFileSync(join(dataDir, 'sidecar.json'), JSON.stringify({ pid: process.pid, socket, version: '9.9.9', protocolVersion: 999, runtime: process.execPath, startedAt: Date.now() }));
    const r = await cli(dataDir, ['tasks']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`speaks protocol 999, but this CLI \\(version [^)]+\\) speaks protocol ${PROTOCOL_VERSION}`));
  } finally {
    server.close();
    cleanup(dir);
  }
});

test('usage errors exit 2 with the usage on stderr; --help and --version exit 0', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  try {
    for (const [args, message] of [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['tasks', '--bogus'], /unknown flag --bogus for "tasks"/],
      [['create', 'a prompt'], /--repo PATH is required/],
      [['send', 'ses_1'], /missing TEXT/],
      [['log', 'a', 'b'], /too many arguments/],
      [['create', '--repo'], /--repo needs a value/],
      [[], /no command given/],
    ]) {
      const r = await cli(dataDir, args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: foundry /);
      assert.equal(r.stdout, '');
    }
    assert.equal(existsSync(dataDir), false, 'a usage error starts no sidecar');
    assert.match(await ok(null, ['--help']), /^usage: foundry COMMAND/);
    assert.match(await ok(null, ['create', '--help']), /^usage: foundry create --repo PATH/);
    assert.match(await ok(null, ['--version']), new RegExp(`^foundry \\d+\\.\\d+\\.\\d+ \\(protocol ${PROTOCOL_VERSION}\\)\\n$`));
  } finally {
    cleanup(dir);
  }
});

/** A Node older than 22 on this machine, if any (the sidecar cannot run on it; the CLI can). */
function oldNode() {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const major = Number(execFileSync(candidate, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
      if (major < 22) return candidate;
    } catch {}
  }
  return undefined;
}

test('on a Node older than 22 with no sidecar to reuse, the CLI says what to install', { skip: oldNode() ? false : 'no Node older than 22 here' }, async () => {
  const dir = tempDir();
  try {
    const r = await cli(join(dir, 'data'), ['tasks'], { node: oldNode() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /needs Node\.js 22 or newer, but this CLI runs on Node\.js 2?\d\.[^]*Install Node\.js 22 or newer/);
  } finally {
    cleanup(dir);
  }
});
