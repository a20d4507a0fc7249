// A sidecar that stops (SIGTERM, `shutdown`) drains: scripts and agents are ended and waited
// for, interrupted stages are recorded as interrupted - never as errors - and everything
// resumes on the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { cleanup, makeRepo, startSidecar, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';
import { alive } from './processes.mjs';
import { queryDb, waitForDir } from './files.mjs';


test('SIGTERM while five setup scripts run leaves no process behind, and all five finish after a restart', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const marks = join(dir, 'marks');
  mkdirSync(marks);
  const gate = join(dir, 'gate');
  // The pid file appears whole (renamed into place), so it is never read half written.
  const setupScript = `f=${marks}/$FOUNDRY_TASK_ID.$RANDOM; echo $$ > $f.tmp; mv $f.tmp $f.pid; while [ ! -f ${gate} ]; do sleep 0.02; done`;
  const settings = { changesDebounceMs: 100, jobConcurrency: 5 };
  let sc = await startListening({ dataDir, settings });
  try {
    const c = await sc.connect();
    const repo = await c.request(Requests.AddRepo.method, { path: repoPath, setupScript });
    const tasks = [];
    for (let i = 1; i <= 5; i++) tasks.push(await c.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `task ${i}` }));
    await waitForDir(marks, (files) => files.filter((f) => f.endsWith('.pid')).length === 5, 'five setup scripts running');
    const pids = readdirSync(marks).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(marks, f), 'utf8')));
    assert.ok(pids.every(alive));

    sc.child.kill('SIGTERM');
    assert.equal((await sc.exited).code, 0, sc.stderr);
    assert.ok(pids.every((p) => !alive(p)), 'every setup script was ended before the sidecar exited');
    assert.deepEqual(queryDb(join(dataDir, 'foundry.db'), 'SELECT pgid FROM processes'), [], 'no process left recorded');
    const rows = queryDb(join(dataDir, 'foundry.db'), 'SELECT status, status_message, error_message FROM tasks');
    for (const r of rows) {
      assert.equal(r.status, 'init_create_sandbox', 'still at its stage, not error');
      assert.equal(r.status_message, 'Interrupted, resuming');
      assert.equal(r.error_message, null);
    }
    const jobs = queryDb(join(dataDir, 'foundry.db'), "SELECT status FROM jobs WHERE kind = 'provision'");
    assert.deepEqual(jobs.map((j) => j.status), Array(5).fill('running'), 'the jobs stay open to resume');

    writeFileSync(gate, '');
    sc = await startListening({ dataDir, settings });
    const d = await sc.connect();
      for (const t of tasks) await d.waitTask(t.id, 'idle', 30_000);
      const shown = new Set(d.state.log.flatMap((u) => u.tasks.map((t) => t.status)));
      assert.ok(!shown.has('error'), `no task ever showed error (saw ${[...shown]})`);
      const log = await d.request(Requests.GetTaskLog.method, { taskId: tasks[0].id });
      const kinds = log.history.map((h) => h.kind);
      assert.ok(kinds.indexOf('interrupted') < kinds.indexOf('resumed'), `interrupted, then resumed: ${kinds}`);
      await d.disconnect();
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

test('a turn running at shutdown is recorded as interrupted, with its session ready again', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  let sc = await startSidecar({ dataDir });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'first' });
    await sc.waitTask(task.id, 'idle');
    const sessionId = task.sessions[0].id;
    await sc.request(Requests.SendMessage.method, { sessionId, text: 'sleep 20000\nnever said' });
    await sc.waitSession(task.id, sessionId, 'running');
    await sc.stop(); // shutdown drains: the agent is ended and the turn recorded as interrupted
    assert.equal((await sc.exited).code, 0);
    sc = await startSidecar({ dataDir });
    const wb = await sc.request(Requests.GetWorkbench.method, {});
    assert.equal(wb.tasks[0].sessions[0].status, 'ready');
    assert.equal(wb.tasks[0].status, 'idle');
    const events = await sc.transcript(sessionId);
    const ends = events.filter((e) => e.sender === 'foundry' && /turn_(ended|failed|interrupted)/.test(e.payload.kind));
    assert.deepEqual(ends.map((e) => e.payload.kind), ['turn_ended', 'turn_interrupted'], 'the first turn ended, the second was interrupted (once)');
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});
