// The loopback Daytona itself, driven by the real @daytonaio/sdk 0.218: the semantics the Daytona
// provider's tests rely on (labels, real commands and files in the sandbox's folder, a real
// sandbox-agent reached through the preview proxy and its token, stop/start/delete, faults).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import { Daytona } from '@daytonaio/sdk';
import { startFakeDaytona } from '../fixtures/fakeDaytona.mjs';
import { cleanup, tempDir } from './harness.mjs';
import { freePort, sandboxAgentBin } from './sandboxAgent.mjs';

let dir, fake, daytona, sandbox, agentPort, agentPid;

/** Polls `check` (a health endpoint, /proc) until it holds or the deadline passes. */
async function until(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // polling with a deadline: nothing to wait on
  }
}

/** A process is gone once /proc no longer lists it, or lists it as a zombie awaiting its reaper. */
const processGone = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
};

const health = async (token) => {
  const { url } = await sandbox.getPreviewLink(agentPort);
  return fetch(`${url}/v1/health`, { headers: token === undefined ? {} : { 'x-daytona-preview-token': token } });
};

before(async () => {
  dir = tempDir('fake-daytona-');
  fake = await startFakeDaytona({ root: dir });
  daytona = new Daytona({ apiKey: fake.apiKey, apiUrl: fake.apiUrl, target: fake.target });
});
after(async () => {
  await daytona?.[Symbol.asyncDispose]();
  await fake?.stop();
  cleanup(dir);
});

test('a sandbox created with labels is the one a list by those labels finds, with its settings', async () => {
  await daytona.create({ labels: { foundry: 'other' } });
  sandbox = await daytona.create({ labels: { foundry: 'task', task: 't1' }, autoStopInterval: 30 }, { timeout: 10 });
  assert.equal(sandbox.state, 'started');
  const found = [];
  for await (const s of daytona.list({ labels: { task: 't1' } })) found.push(s.id);
  assert.deepEqual(found, [sandbox.id]);
  await sandbox.setAutostopInterval(45);
  const mine = fake.sandboxes().find((s) => s.id === sandbox.id);
  assert.equal(mine.autoStopInterval, 45);
  assert.equal(mine.labels.task, 't1');
  assert.equal((await daytona.get(sandbox.id)).autoStopInterval, 45);
});

/** A shell script as one command for Daytona's daemon, which execs without a shell. */
const sh = (script) => `sh -c '${script}'`;

test('the work dir and home are a real folder of the sandbox, where commands run', async () => {
  const home = await sandbox.getUserHomeDir();
  assert.equal(await sandbox.getWorkDir(), home);
  assert.ok(home.startsWith(join(dir, sandbox.id)), home);
  const pwd = await sandbox.process.executeCommand(sh('pwd; echo "$HOME $GREETING"'), undefined, { GREETING: 'hi' }, 10);
  assert.equal(pwd.exitCode, 0);
  assert.equal(pwd.result, `${home}\n${home} hi\n`);
  const failed = await sandbox.process.executeCommand(sh('echo nope >&2; exit 3'), home, undefined, 10);
  assert.equal(failed.exitCode, 3);
  assert.equal(failed.result, 'nope\n');
  const literal = await sandbox.process.executeCommand('echo a && echo "$HOME"', home);
  assert.equal(literal.result, 'a && echo $HOME\n', 'no shell runs a bare command, as on Daytona');
  const missing = await sandbox.process.executeCommand('no-such-binary', home);
  assert.equal(missing.exitCode, -1);
  await assert.rejects(sandbox.process.executeCommand('sleep 30', home, undefined, 1), (e) => e.statusCode === 408 && /timed out/.test(e.message));
});

test('uploaded files come back byte-equal, a 1 MB binary included', async () => {
  const home = await sandbox.getUserHomeDir();
  const blob = randomBytes(1024 * 1024);
  await sandbox.fs.uploadFile(blob, `${home}/data/blob.bin`);
  await sandbox.fs.uploadFiles([
    { source: Buffer.from('one\n'), destination: `${home}/a.txt` },
    { source: Buffer.from('two\n'), destination: 'rel/b.txt' },
  ]);
  assert.ok(blob.equals(await sandbox.fs.downloadFile(`${home}/data/blob.bin`)));
  assert.equal((await sandbox.fs.downloadFile(`${home}/a.txt`)).toString(), 'one\n');
  assert.equal(readFileSync(join(home, 'rel', 'b.txt'), 'utf8'), 'two\n', 'a relative path lands in the work dir');
  await assert.rejects(sandbox.fs.downloadFile(`${home}/missing.txt`));
});

test('a backgrounded sandbox-agent answers through the preview link and its token, and only with it', async () => {
  const home = await sandbox.getUserHomeDir();
  await sandbox.fs.uploadFile(sandboxAgentBin, `${home}/bin/sandbox-agent`);
  agentPort = await freePort();
  const started = Date.now();
  const run = await sandbox.process.executeCommand(
    sh(`chmod +x bin/sandbox-agent && nohup bin/sandbox-agent server --host 127.0.0.1 --port ${agentPort} --no-token --no-telemetry >agent.log 2>&1 & echo $! > agent.pid`),
    home,
    undefined,
    10,
  );
  assert.equal(run.exitCode, 0, run.result);
  assert.ok(Date.now() - started < 3000, 'a backgrounded command returns at once');
  agentPid = Number(readFileSync(join(home, 'agent.pid'), 'utf8'));
  const { token } = await sandbox.getPreviewLink(agentPort);
  await until(async () => (await health(token)).ok, 'sandbox-agent health through the preview proxy');
  const { token: newer } = await sandbox.getPreviewLink(agentPort);
  assert.notEqual(newer, token, 'each preview link has a new token');
  assert.equal((await health(newer)).status, 200);
  assert.equal((await health(token)).status, 200, 'an older token still works while the sandbox runs');
  assert.equal((await health(undefined)).status, 401);
  assert.equal((await health('wrong')).status, 401);
});

test('the preview proxy streams SSE chunk by chunk, unbuffered', async () => {
  let send;
  const sse = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: one\n\n');
    send = (text) => res.end(`data: ${text}\n\n`);
  });
  await new Promise((r) => sse.listen(0, '127.0.0.1', r));
  try {
    const { url, token } = await sandbox.getPreviewLink(sse.address().port);
    const res = await fetch(`${url}/events`, { headers: { 'x-daytona-preview-token': token } });
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.equal(first, 'data: one\n\n', 'the first event arrives while the stream is still open');
    send('two');
    let rest = '';
    for (let c = await reader.read(); !c.done; c = await reader.read()) rest += new TextDecoder().decode(c.value);
    assert.equal(rest, 'data: two\n\n');
  } finally {
    sse.closeAllConnections();
    await new Promise((r) => sse.close(r));
  }
});

test('stop kills the sandbox processes and the preview answers 502; start makes it started again', async () => {
  const { token } = await sandbox.getPreviewLink(agentPort);
  await sandbox.stop();
  assert.equal(sandbox.state, 'stopped');
  assert.equal((await health(token)).status, 502);
  await until(() => processGone(agentPid), `sandbox-agent (pid ${agentPid}) to be killed`);
  await sandbox.start();
  assert.equal(sandbox.state, 'started');
  assert.equal((await daytona.get(sandbox.id)).state, 'started');
  assert.equal((await sandbox.process.executeCommand('echo back')).result, 'back\n', 'its files and commands work again');
});

test('autoStop(id) stops a sandbox as Daytona does; lose(id) makes it vanish', async () => {
  const other = await daytona.create({ labels: { task: 't2' } });
  fake.autoStop(other.id);
  assert.equal((await daytona.get(other.id)).state, 'stopped');
  fake.lose(other.id);
  await assert.rejects(daytona.get(other.id), (e) => e.statusCode === 404);
  assert.ok(existsSync(join(dir, `${other.id}.lost`)), 'its folder is kept aside');
});

test('a 503 on create makes the SDK throw naming the status; a hang times out', async () => {
  fake.fault({ route: 'POST /api/sandbox', status: 503 });
  const e = await daytona.create({ labels: { task: 't3' } }).then(() => assert.fail('expected a 503'), (err) => err);
  assert.equal(e.statusCode, 503);
  assert.match(e.message, /503/);
  const quick = new Daytona({ apiKey: fake.apiKey, apiUrl: fake.apiUrl, target: fake.target, requestTimeoutMs: 500 });
  try {
    fake.fault({ route: /^GET \/api\/sandbox\//, hang: true });
    await assert.rejects(quick.get(sandbox.id), /timed out/);
  } finally {
    await quick[Symbol.asyncDispose]();
  }
  assert.equal((await daytona.get(sandbox.id)).id, sandbox.id, 'faults are used up');
});

test('a wrong API key is refused with 401', async () => {
  const wrong = new Daytona({ apiKey: 'dtn_wrong', apiUrl: fake.apiUrl, target: fake.target });
  try {
    await assert.rejects(wrong.get(sandbox.id), (e) => e.statusCode === 401 && !e.message.includes('dtn_wrong'));
  } finally {
    await wrong[Symbol.asyncDispose]();
  }
});

test('delete kills its processes and removes its folder; get then 404s', async () => {
  const home = await sandbox.getUserHomeDir();
  await sandbox.process.executeCommand(sh('nohup sleep 300 >/dev/null 2>&1 & echo $! > sleep.pid'), home);
  const sleepPid = Number(readFileSync(join(home, 'sleep.pid'), 'utf8'));
  await sandbox.delete();
  await assert.rejects(daytona.get(sandbox.id), (e) => e.statusCode === 404);
  assert.equal(existsSync(join(dir, sandbox.id)), false);
  await until(() => processGone(sleepPid), 'the sandbox sleep to be killed');
  console.log(`requests: ${[...new Set(fake.requests)].join(', ')}`);
});

test('with transitions, create and stop wait for Daytona-like states, told over the socket.io event stream', async () => {
  const root = tempDir('fake-daytona-slow-');
  const slow = await startFakeDaytona({ root, transitionMs: 200 });
  const client = new Daytona({ apiKey: slow.apiKey, apiUrl: slow.apiUrl, target: slow.target });
  try {
    let t = Date.now();
    const s = await client.create({ labels: { task: 'slow' } });
    const created = Date.now() - t;
    assert.equal(s.state, 'started');
    assert.ok(created >= 200, `create waited for started (${created} ms)`);
    // The SDK polls every 1 s while subscribed: well under that, the event stream told it.
    assert.ok(created < 950, `the started event arrived over the event stream (${created} ms)`);
    t = Date.now();
    await s.stop();
    assert.equal(s.state, 'stopped');
    assert.ok(Date.now() - t >= 200);
    const states = slow.events.filter((e) => e.data.sandbox.id === s.id).map((e) => e.data.newState);
    assert.deepEqual(states, ['starting', 'started', 'stopping', 'stopped']);
    await s.delete();
  } finally {
    await client[Symbol.asyncDispose]();
    await slow.stop();
    cleanup(root);
  }
});
