// kill -9 during provisioning, restart on the same data dir: every task finishes with one
// worktree and one first session, stale setup processes are ended, nothing is re-sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';
import { alive } from './processes.mjs';
import { waitForFile, waitForDir, queryDb } from './files.mjs';


test('a sidecar killed inside init_create_sandbox resumes every task exactly once', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const dataDir = join(dir, 'data');
  const marks = join(dir, 'marks');
  mkdirSync(marks);
  const gate = join(dir, 'gate');
  // Each run records its pid, then waits for the gate: the kill lands inside the stage.
  const setupScript = `echo $$ > ${marks}/$FOUNDRY_TASK_ID.$RANDOM.pid; touch ${marks}/$FOUNDRY_TASK_ID.started; while [ ! -f ${gate} ]; do sleep 0.02; done; echo done`;
  let sc = await startSidecar({ dataDir });
  const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript });
  const tasks = [];
  for (const prompt of ['first task', 'second task', 'third task']) tasks.push(await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt }));
  for (const t of tasks) {
    await sc.waitTask(t.id, 'init_create_sandbox');
    await waitForFile(join(marks, `${t.id}.started`));
  }
  const pidsBefore = (await import('node:fs')).readdirSync(marks).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(marks, f), 'utf8')));
  assert.equal(pidsBefore.length, 3);
  assert.ok(pidsBefore.every(alive), 'setup scripts are running when the sidecar dies');
  for (const t of tasks) assert.equal(sc.task(t.id).status, 'init_create_sandbox', 'killed inside the stage');

  await sc.kill9();
  assert.ok(pidsBefore.some(alive), 'the orphaned setup scripts outlive a kill -9');

  sc = await startSidecar({ dataDir });
  try {
    // The new sidecar ends the stale process groups before resuming the step.
    const wb = await sc.request(Requests.GetWorkbench.method, {});
    assert.equal(wb.tasks.length, 3);
    // The resumed stage runs the setup script again (three more pid files)...
    await waitForDir(marks, (files) => files.filter((f) => f.endsWith('.pid')).length === 6, 'resumed setup scripts');
    // ...and the stale ones were ended before that, while the gate is still closed.
    const survivors = pidsBefore.filter(alive).map((p) => { try { return readFileSync(`/proc/${p}/stat`, 'utf8'); } catch (e) { return `${p}: ${e.message}`; } });
    assert.deepEqual(survivors, [], `stale setup scripts were ended\n${sc.stderr.split('\n').filter((l) => /group|process/.test(l)).join('\n')}`);
    writeFileSync(gate, '');
    for (const t of tasks) await sc.waitTask(t.id, 'idle', 30_000);

    const worktrees = git(repoPath, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '));
    assert.equal(worktrees.length, 1 + tasks.length, 'exactly one worktree per task');
    for (const t of tasks) {
      const done = sc.task(t.id);
      assert.equal(done.sessions.length, 1, 'exactly one first session');
      assert.equal(done.sessions[0].id, t.sessions[0].id, 'the session id is permanent');
      const events = await sc.transcript(done.sessions[0].id);
      assert.equal(events.filter((e) => e.payload?.method === 'session/prompt').length, 1, 'the prompt was sent once');
    }
    const jobs = queryDb(join(dataDir, 'foundry.db'), "SELECT subject, attempts, status FROM jobs WHERE kind = 'provision'");
    assert.equal(jobs.length, 3);
    for (const j of jobs) {
      assert.equal(j.status, 'done');
      assert.equal(j.attempts, 2, 'resumed once');
    }
    const log = await sc.request(Requests.GetTaskLog.method, { taskId: tasks[0].id });
    assert.ok(log.history.some((h) => h.kind === 'resumed' && h.stage === 'init_create_sandbox'));
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});

test('a second sidecar on the same data dir waits, then exits with a clear message', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const first = await startSidecar({ dataDir });
  try {
    await assert.rejects(startSidecar({ dataDir }), /Another Foundry sidecar is using the data folder .*data/);
  } finally {
    await first.stop();
  }
  // Once the first is gone, a new one starts at once.
  const again = await startSidecar({ dataDir });
  await again.stop();
  cleanup(dir);
});
