// A task runs the setup script it was created (or retried) with, snapshotted in that request's
// transaction: an addRepo that lands right after cannot change it. createTask and retryTask
// set the repository's script too (absent keeps it, "" clears it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';

let dir, sc, repo, repoPath;
before(async () => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

/** A script that appends its own name to ran.txt in the worktree (and fails if asked). */
const script = (name, fail = false) => `echo ${name} >> ran.txt${fail ? '; exit 1' : ''}`;
const ran = (task) => readFileSync(join(sc.task(task.id).worktreePath, 'ran.txt'), 'utf8');
const repoScript = async () => (await sc.request(Requests.GetWorkbench.method, {})).repos.find((r) => r.id === repo.id).setupScript;

test('createTask runs its own setup script although addRepo replaces it at once; retryTask runs the one it brings', async () => {
  // Sent back to back: the sidecar handles them in order, before the stage starts.
  const [task, replaced] = await Promise.all([
    sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'snapshot', setupScript: script('A', true) }),
    sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: script('B') }),
  ]);
  assert.equal(replaced.setupScript, script('B'));
  const failed = await sc.waitTask(task.id, 'error');
  assert.match(failed.errorMessage, /exited with code 1/);
  assert.equal(ran(task), 'A\n', 'the task ran A, the script it was created with');

  const [retried] = await Promise.all([
    sc.request(Requests.RetryTask.method, { taskId: task.id, setupScript: script('C') }),
    sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: script('D') }),
  ]);
  assert.equal(retried.status, 'init_create_sandbox');
  await sc.waitTask(task.id, 'idle');
  assert.equal(ran(task), 'A\nC\n', 'the retry ran C, the script it brought');
  assert.equal(await repoScript(), script('D'), 'the later addRepo still set the repository script');
});

test('createTask and retryTask set the repository script: absent keeps it, "" clears it', async () => {
  await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: script('kept', true) });
  const kept = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'keeps the script' });
  await sc.waitTask(kept.id, 'error');
  assert.equal(ran(kept), 'kept\n');
  assert.equal(await repoScript(), script('kept', true));

  const retried = await sc.request(Requests.RetryTask.method, { taskId: kept.id, setupScript: '' });
  assert.equal(retried.status, 'init_create_sandbox');
  await sc.waitTask(kept.id, 'idle');
  assert.equal(ran(kept), 'kept\n', 'the cleared script did not run again');
  assert.equal(await repoScript(), undefined, '"" cleared the repository script');

  const withOne = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'brings one', setupScript: script('E') });
  await sc.waitTask(withOne.id, 'idle');
  assert.equal(ran(withOne), 'E\n');
  assert.equal(await repoScript(), script('E'));
  const log = await sc.request(Requests.GetTaskLog.method, { taskId: withOne.id });
  assert.match(log.setupOutput, /setup script started/);
});
