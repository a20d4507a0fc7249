// Worktrees are never deleted on resume or retry: a task's worktree that the user switched to
// another branch or a detached HEAD fails the stage with a message naming the folder, and its
// files and commits survive; one still on the task's branch is reused, also when the data
// folder is reached through a symlink. Removal needs proof of ownership (row + marker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';

let dir, sc, repo, repoPath, fixed;
before(async () => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'));
  fixed = join(dir, 'fixed');
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: failsUntil(fixed) });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

/** A setup script that fails until `marker` exists. */
const failsUntil = (marker) => `if [ ! -f ${marker} ]; then echo "not fixed yet" >&2; exit 1; fi`;
const commit = (cwd, message) => git(cwd, '-c', 'user.email=a@b.c', '-c', 'user.name=t', 'commit', '-qm', message);
const ownerMarker = (worktree) => join(git(worktree, 'rev-parse', '--git-dir').trim(), 'foundry-owner');

/** A task whose setup script failed, with its worktree. */
async function failedTask(client, repoId, prompt) {
  const task = await client.request(Requests.CreateTask.method, { repoId, prompt });
  const failed = await client.waitTask(task.id, 'error');
  assert.match(failed.errorMessage, /not fixed yet/);
  assert.ok(existsSync(failed.worktreePath));
  return failed;
}

/** Retry, then wait for the stage to fail again with a message naming the folder. */
async function retryFailsNaming(task, re) {
  await sc.request(Requests.RetryTask.method, { taskId: task.id });
  const failed = await sc.waitFor(() => {
    const t = sc.task(task.id);
    return t.status === 'error' && t.errorMessage?.includes(task.worktreePath) && t;
  }, `retry of ${task.id} failing on its folder`);
  assert.match(failed.errorMessage, re);
  assert.match(failed.errorMessage, /never deletes it/);
  return failed;
}

test('a new worktree carries an ownership marker naming its task', async () => {
  const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'marked' });
  const failed = await sc.waitTask(task.id, 'error');
  assert.equal(readFileSync(ownerMarker(failed.worktreePath), 'utf8').trim(), task.id);
});

test('retry after the user switched the worktree to another branch: error naming the folder, the uncommitted file survives', async () => {
  const task = await failedTask(sc, repo.id, 'switched to another branch');
  writeFileSync(join(task.worktreePath, 'notes.txt'), 'my uncommitted notes\n');
  git(task.worktreePath, 'switch', '-q', '-c', 'elsewhere');
  writeFileSync(fixed, '');
  try {
    const failed = await retryFailsNaming(task, /is on branch 'elsewhere', not on 'foundry\/switched-to-another-branch'/);
    assert.equal(failed.sessions[0].status, 'pending_provision');
    assert.equal(readFileSync(join(task.worktreePath, 'notes.txt'), 'utf8'), 'my uncommitted notes\n');
    assert.equal(git(task.worktreePath, 'symbolic-ref', '--short', 'HEAD').trim(), 'elsewhere');
    // Back on the task's branch, a retry reuses the worktree and finishes.
    git(task.worktreePath, 'switch', '-q', task.branch);
    await sc.request(Requests.RetryTask.method, { taskId: task.id });
    await sc.waitTask(task.id, 'idle');
    assert.equal(readFileSync(join(task.worktreePath, 'notes.txt'), 'utf8'), 'my uncommitted notes\n');
  } finally {
    rmSync(fixed);
  }
});

test('retry after the user committed on a detached HEAD in the worktree: error naming the folder, the commit survives', async () => {
  const task = await failedTask(sc, repo.id, 'detached head');
  git(task.worktreePath, 'checkout', '-q', '--detach');
  writeFileSync(join(task.worktreePath, 'work.txt'), 'committed on a detached HEAD\n');
  git(task.worktreePath, 'add', 'work.txt');
  commit(task.worktreePath, 'detached work');
  const sha = git(task.worktreePath, 'rev-parse', 'HEAD').trim();
  writeFileSync(join(task.worktreePath, 'scratch.txt'), 'uncommitted\n');
  writeFileSync(fixed, '');
  try {
    await retryFailsNaming(task, /has a detached HEAD, not on 'foundry\/detached-head'/);
    assert.equal(git(task.worktreePath, 'rev-parse', 'HEAD').trim(), sha, 'the detached commit is still checked out');
    assert.equal(readFileSync(join(task.worktreePath, 'work.txt'), 'utf8'), 'committed on a detached HEAD\n');
    assert.ok(existsSync(join(task.worktreePath, 'scratch.txt')));
  } finally {
    rmSync(fixed);
  }
});

test('retry with an uncommitted file on the task branch reuses the worktree; the file survives', async () => {
  const task = await failedTask(sc, repo.id, 'dirty on its branch');
  writeFileSync(join(task.worktreePath, 'wip.txt'), 'work in progress\n');
  writeFileSync(fixed, '');
  try {
    await sc.request(Requests.RetryTask.method, { taskId: task.id });
    const idle = await sc.waitTask(task.id, 'idle');
    assert.equal(idle.worktreePath, task.worktreePath);
    assert.equal(readFileSync(join(task.worktreePath, 'wip.txt'), 'utf8'), 'work in progress\n');
  } finally {
    rmSync(fixed);
  }
});

test('archive refuses a worktree without its ownership marker and leaves it in place', async () => {
  await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: '' });
  try {
    const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'unmarked' });
    const idle = await sc.waitTask(task.id, 'idle');
    rmSync(ownerMarker(idle.worktreePath));
    await sc.request(Requests.ArchiveTask.method, { taskId: task.id });
    // The archive stops in error at its removal step (the snapshot is taken; nothing is removed).
    const refused = await sc.waitFor(() => sc.task(task.id).status === 'error' && sc.task(task.id).errorMessage && sc.task(task.id), 'archive refused');
    assert.match(refused.errorMessage, /^Archive failed: worktree .* carries no Foundry ownership marker, not to task/);
    assert.ok(refused.errorMessage.includes(idle.worktreePath));
    assert.ok(existsSync(join(idle.worktreePath, 'README.md')), 'the worktree is still there');
  } finally {
    await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: failsUntil(fixed) });
  }
});

test('with the data folder reached through a symlink, retry of a failed setup reuses the worktree', async () => {
  const real = join(dir, 'real-data');
  mkdirSync(real);
  const link = join(dir, 'data-link');
  symlinkSync(real, link);
  const marker = join(dir, 'fixed-symlinked');
  const sc2 = await startSidecar({ dataDir: link });
  try {
    const repo2 = await sc2.request(Requests.AddRepo.method, { path: repoPath, setupScript: failsUntil(marker) });
    const task = await failedTask(sc2, repo2.id, 'symlinked data folder');
    assert.ok(task.worktreePath.startsWith(link), 'the worktree path is under the symlink');
    writeFileSync(join(task.worktreePath, 'wip.txt'), 'work in progress\n');
    writeFileSync(marker, '');
    await sc2.request(Requests.RetryTask.method, { taskId: task.id });
    await sc2.waitTask(task.id, 'idle');
    assert.equal(readFileSync(join(task.worktreePath, 'wip.txt'), 'utf8'), 'work in progress\n', 'the worktree was not wiped');
  } finally {
    await sc2.stop();
  }
});
