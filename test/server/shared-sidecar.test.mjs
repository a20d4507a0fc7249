// One sidecar per data folder, many clients on its socket: pushes reach every client,
// transcripts only their subscribers, a client's exit ends only its own connection, the lock
// decides races, and the sidecar exits on its own once idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, PROTOCOL_VERSION, Requests } from '../../shared/protocol.ts';
import { agentText, cleanup, makeRepo, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';

const settings = { agentIdleStopMs: 60_000, changesDebounceMs: 100 };

test('two clients share one workbench; transcripts go only to subscribers; exit ends one connection', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startListening({ dataDir, settings });
  try {
    assert.equal(sc.report.ready, true, sc.stderr);
    const info = JSON.parse(readFileSync(join(dataDir, 'sidecar.json'), 'utf8'));
    assert.equal(info.pid, sc.child.pid);
    assert.equal(info.socket, sc.report.socket);
    assert.equal(info.protocolVersion, PROTOCOL_VERSION);
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data folder is private');
    assert.equal(statSync(info.socket).mode & 0o777, 0o600, 'the socket is private');

    const a = await sc.connect({ clientInfo: { name: 'window-a' } });
    const b = await sc.connect({ clientInfo: { name: 'window-b' } });
    assert.equal(a.init.foundry.mode, 'listen');
    // Status on attach: each client learns right after `initialized` whether work runs.
    await a.waitFor(() => a.state.serverStatus, 'serverStatus on attach');
    await b.waitFor(() => b.state.serverStatus, 'serverStatus on attach');

    const repo = await a.request(Requests.AddRepo.method, { path: repoPath });
    const task = await a.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello from a' });
    // The other window sees the task pushed, without asking.
    await b.waitFor(() => b.state.tasks.get(task.id), 'task pushed to b');
    await b.waitTask(task.id, 'idle');
    const sessionId = task.sessions[0].id;

    // The first turn ended before anyone subscribed: unread until a window marks it read.
    assert.equal(b.state.tasks.get(task.id).sessions[0].unread, true);
    await a.request(Requests.MarkSessionRead.method, { sessionId });
    await b.waitFor(() => b.state.tasks.get(task.id).sessions[0].unread === false, 'read everywhere');
    // Only the subscribed client gets the transcript.
    await a.turn(task.id, sessionId, 'only a hears this');
    assert.match(agentText(a.transcripts.get(sessionId)), /only a hears this/);
    assert.equal(b.transcripts.get(sessionId), undefined, 'b never subscribed, so it got no transcript pushes');
    assert.equal(b.state.tasks.get(task.id).sessions[0].unread, false, 'a watched the turn end');

    // a leaves with shutdown + exit: b keeps working with the same sidecar.
    await a.disconnect();
    await sc.waitForLog(/client \d+ \(window-a\) disconnected/);
    const wb = await b.request(Requests.GetWorkbench.method, {});
    assert.equal(wb.tasks.length, 1);
    assert.equal(sc.child.exitCode, null, 'the sidecar still runs');

    // A turn that ends while nobody is subscribed leaves the session unread.
    await b.request(Requests.SendMessage.method, { sessionId, text: 'nobody watches' });
    await b.waitFor(() => b.state.tasks.get(task.id).sessions[0].unread === true, 'unread session');

    await assert.rejects(
      sc.connect({ dataDir: join(dir, 'other') }),
      (e) => e.code === ErrorCodes.InvalidState && /serves .*data, not .*other/.test(e.message),
    );
    await b.disconnect();
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

test('of sidecars racing for one data folder exactly one serves; the others report held and exit', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  try {
    for (let round = 0; round < 4; round++) {
      const racers = await Promise.all([0, 1, 2].map(() => startListening({ dataDir, settings })));
      const ready = racers.filter((r) => r.report.ready);
      assert.equal(ready.length, 1, `round ${round}: one winner, got ${JSON.stringify(racers.map((r) => r.report))}`);
      for (const r of racers.filter((x) => !x.report.ready)) {
        assert.equal(r.report.held, true);
        assert.equal((await r.exited).code, 75);
      }
      const c = await ready[0].connect();
      await c.request(Requests.Ping.method, {});
      await c.disconnect();
      ready[0].child.kill('SIGTERM');
      assert.equal((await ready[0].exited).code, 0);
      assert.equal(existsSync(join(dataDir, 'sidecar.json')), false, 'sidecar.json removed on exit');
    }
  } finally {
    cleanup(dir);
  }
});

test('a killed sidecar leaves no lock behind: the next one starts at once', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  try {
    const first = await startListening({ dataDir, settings });
    await first.kill();
    const second = await startListening({ dataDir, settings });
    assert.equal(second.report.ready, true, second.stderr);
    const c = await second.connect();
    await c.request(Requests.Ping.method, {});
    await c.disconnect();
    await second.kill();
  } finally {
    cleanup(dir);
  }
});

test('with no client and nothing running the sidecar exits after the idle delay; a running turn keeps it alive', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startListening({ dataDir, settings, idleExitSeconds: 1 });
  try {
    const a = await sc.connect();
    const repo = await a.request(Requests.AddRepo.method, { path: repoPath });
    const task = await a.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'first' });
    await a.waitTask(task.id, 'idle');
    const sessionId = task.sessions[0].id;
    await a.request(Requests.SubscribeSession.method, { sessionId });
    await a.request(Requests.SendMessage.method, { sessionId, text: 'sleep 1500\nfinished after the window closed' });
    await a.waitFor(() => a.state.tasks.get(task.id).sessions[0].status === 'running', 'turn running');
    // The window closes mid-turn: the turn goes on, and the sidecar waits for it.
    await a.disconnect();
    await sc.waitForLog(/exiting in 1 s unless a client connects/, 30_000);
    const { code } = await sc.exited;
    assert.equal(code, 0);
    assert.match(sc.stderr, /exiting \(idle\)/);
    assert.equal(existsSync(join(dataDir, 'sidecar.json')), false);
    assert.equal(existsSync(sc.report.socket), false, 'the socket is removed');

    // The turn finished while no window was open: it is in the transcript, and unread.
    const again = await startListening({ dataDir, settings });
    const b = await again.connect();
    const wb = await b.request(Requests.GetWorkbench.method, {});
    const s = wb.tasks[0].sessions[0];
    assert.equal(s.status, 'ready');
    assert.equal(s.unread, true);
    assert.match(agentText(await b.transcript(sessionId)), /finished after the window closed/);
    await b.disconnect();
    await again.kill();
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

test('a sidecar whose log reader went away keeps serving, and still exits once idle', async () => {
  const dir = tempDir();
  const sc = await startListening({ dataDir: join(dir, 'data'), settings, idleExitSeconds: 1 });
  try {
    // The starter died: its end of stderr is gone, so every log line now fails to write (EPIPE).
    sc.child.stderr.destroy();
    const c = await sc.connect();
    assert.deepEqual(await c.request(Requests.Ping.method, {}), {});
    await c.disconnect();
    const { code } = await sc.exited;
    assert.equal(code, 0, 'it exited on its own after the idle delay, not spinning on a dead pipe');
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});
