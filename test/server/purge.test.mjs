// Purge and clean up show their inventory first - what goes, its size, whether it holds work that
// exists nowhere else - and remove only what Foundry made: after a purge no worktree, branch or
// ref of the task is left, and the user's own refs and branches are untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';

let dir, sc, repo, repoPath;
before(async () => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'), { 'README.md': '# purge\n', '.gitignore': 'node_modules/\n' });
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

async function deletedTask(prompt, work) {
  const t0 = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt });
  const t = await sc.waitTask(t0.id, 'idle');
  work?.(t.worktreePath);
  await sc.request(Requests.DeleteTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'deleted');
  return t;
}

const refsOf = (taskId) => git(repoPath, 'for-each-ref', '--format=%(refname)').split('\n').filter((r) => r.includes(taskId));

test('the inventory says which deleted task holds unique work; purge removes everything of it and nothing else', async () => {
  // Nothing but the base: its branch tip is main's commit, and its worktree was clean.
  const clean = await deletedTask('clean');
  // Uncommitted work and a commit of its own: both exist nowhere else.
  const dirty = await deletedTask('dirty', (wt) => {
    writeFile(wt, 'work.txt', 'committed\n');
    git(wt, 'add', '-A');
    git(wt, '-c', 'user.email=t@e.invalid', '-c', 'user.name=T', 'commit', '-qm', 'mine');
    writeFile(wt, 'draft.txt', 'not committed\n');
    writeFile(wt, 'node_modules/x.js', 'regenerable\n');
  });
  // The user's own things, which must survive.
  git(repoPath, 'branch', 'users-branch');
  git(repoPath, 'update-ref', 'refs/foundry-not/keep', 'HEAD');

  const { items } = await sc.request(Requests.GetCleanupInventory.method, { scope: 'deleted' });
  const byId = new Map(items.map((i) => [i.taskId, i]));
  assert.deepEqual([...byId.keys()].sort(), [clean.id, dirty.id].sort());
  assert.equal(byId.get(clean.id).uniqueWork, false, 'the clean task holds nothing unique');
  assert.equal(byId.get(dirty.id).uniqueWork, true, 'the dirty task holds unique work');
  assert.ok(byId.get(dirty.id).bytes > 0);
  assert.ok(byId.get(dirty.id).removesTask);
  assert.deepEqual(byId.get(dirty.id).excluded, ['node_modules']);
  assert.ok(byId.get(dirty.id).refs.every((r) => r.startsWith('refs/foundry/')), 'only Foundry refs are listed');
  assert.ok(byId.get(dirty.id).refs.includes(`refs/foundry/deleted/${dirty.id}/branch`));

  await assert.rejects(sc.request(Requests.RunCleanup.method, { taskIds: ['task_nope'], scope: 'deleted' }), (e) => e.code === ErrorCodes.InvalidParams && /taskIds: 'task_nope'/.test(e.message));
  const r = await sc.request(Requests.RunCleanup.method, { taskIds: [clean.id, dirty.id], scope: 'deleted' });
  assert.deepEqual(r.queued.sort(), [clean.id, dirty.id].sort());
  await sc.waitFor(() => !sc.task(clean.id) && !sc.task(dirty.id), 'both pushed as removed');
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.equal(wb.tasks.some((t) => t.id === clean.id || t.id === dirty.id), false, 'the tasks are gone');
  for (const t of [clean, dirty]) {
    assert.deepEqual(refsOf(t.id), [], 'no ref left');
    assert.equal(git(repoPath, 'branch', '--list', t.branch).trim(), '', 'no branch left');
  }
  assert.equal(git(repoPath, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'no worktree left');
  assert.ok(git(repoPath, 'branch', '--list', 'users-branch').trim(), "the user's branch stays");
  assert.ok(git(repoPath, 'rev-parse', 'refs/foundry-not/keep').trim(), "the user's ref stays");
  assert.deepEqual((await sc.request(Requests.GetCleanupInventory.method, { scope: 'deleted' })).items, []);
});

test('clean up lists the stale archive ref of an unarchived task, and removes only it', async () => {
  const t0 = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'stale ref' });
  const t = await sc.waitTask(t0.id, 'idle');
  writeFile(t.worktreePath, 'wip.txt', 'wip\n');
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'archived');
  const archivedItem = (await sc.request(Requests.GetCleanupInventory.method, { scope: 'cleanup' })).items.find((i) => i.taskId === t.id);
  assert.ok((archivedItem?.refs ?? []).every((r) => r.startsWith(`refs/foundry/checkpoints/${t.id}/`)), 'an archived task keeps its archive snapshot: only its checkpoints are leftovers');
  await sc.request(Requests.UnarchiveTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'idle');
  const { items } = await sc.request(Requests.GetCleanupInventory.method, { scope: 'cleanup', repoId: repo.id });
  const item = items.find((i) => i.taskId === t.id);
  assert.deepEqual(item.refs, [`refs/foundry/archive/${t.id}`]);
  assert.equal(item.removesTask, false);
  assert.equal(item.uniqueWork, true, 'the snapshot holds an uncommitted file');
  await sc.request(Requests.RunCleanup.method, { taskIds: [t.id], scope: 'cleanup' });
  // The job writes its history line, then pushes the task: check after each push.
  for (;;) {
    const pushes = sc.state.log.length;
    const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
    if (log.history.some((h) => h.stage === 'cleanup')) break;
    await sc.waitFor(() => sc.state.log.length > pushes, 'the next push');
  }
  assert.deepEqual(refsOf(t.id).filter((r) => r.startsWith('refs/foundry/archive/')), []);
  assert.equal(sc.task(t.id).status, 'idle', 'the task itself stays');
  assert.match(git(t.worktreePath, 'status', '--porcelain'), /wip\.txt/, 'its worktree is untouched');
});
