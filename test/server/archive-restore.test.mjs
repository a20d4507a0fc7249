// Archive and delete never lose work: a dirty worktree (staged, unstaged, untracked, deleted,
// git-ignored, executable and symlinked files) archives, and unarchive brings it back byte for
// byte, index included; delete + undo brings the branch back too. Hashes prove it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { treeHashes } from './treeHashes.mjs';

let dir, sc, repo, repoPath;
before(async () => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'), {
    'README.md': '# lifecycle\n',
    'src/a.js': 'export const a = 1;\n',
    'src/b.js': 'export const b = 2;\n',
    'gone.txt': 'to be deleted\n',
    'run.sh': '#!/bin/sh\necho hi\n',
    '.gitignore': '.env\nnode_modules/\n*.local\n',
  }, { executable: ['run.sh'] });
  sc = await startSidecar({ dataDir: join(dir, 'data'), options: { diskUsageThrottleMs: 0 } });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

async function idleTask(prompt) {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt });
  return sc.waitTask(t.id, 'idle');
}

/** Every kind of state a worktree can hold. */
function makeDirty(wt) {
  writeFile(wt, 'src/a.js', 'export const a = 10; // staged\n');
  git(wt, 'add', 'src/a.js');
  writeFile(wt, 'src/a.js', 'export const a = 100; // staged, then changed again\n');
  writeFile(wt, 'src/b.js', 'export const b = 20; // unstaged\n');
  rmSync(join(wt, 'gone.txt'));
  writeFile(wt, 'notes/new.md', 'untracked\n');
  writeFile(wt, '.env', 'TOKEN=keep-me\n');
  writeFile(wt, 'deep/x.local', 'ignored too\n');
  writeFile(wt, 'tool.sh', '#!/bin/sh\necho tool\n');
  chmodSync(join(wt, 'tool.sh'), 0o755);
  chmodSync(join(wt, 'run.sh'), 0o644); // a mode change
  symlinkSync('src/a.js', join(wt, 'link-to-a'));
  writeFile(wt, 'node_modules/dep/index.js', 'regenerable\n');
}

const status = (wt) => git(wt, 'status', '--porcelain=v1', '--ignored', '-uall').split('\n').filter((l) => !l.includes('node_modules')).sort().join('\n');
const staged = (wt) => git(wt, 'diff', '--cached', '--name-status');

test('archive a dirty worktree, unarchive: byte-identical, index and branch as they were', async () => {
  const t = await idleTask('dirty work');
  const wt = t.worktreePath;
  makeDirty(wt);
  const before = treeHashes(wt, { skip: ['node_modules'] });
  const [statusBefore, stagedBefore] = [status(wt), staged(wt)];
  const head = git(wt, 'rev-parse', 'HEAD').trim();

  const archiving = await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  assert.equal(archiving.status, 'archive_stop_agents');
  const archived = await sc.waitTask(t.id, 'archived');
  assert.equal(existsSync(wt), false, 'worktree removed');
  assert.equal(archived.worktreePath, undefined, 'an archived task has no worktree to open');
  assert.ok(archived.snapshotCommit, 'the snapshot is named');
  assert.equal(git(repoPath, 'rev-parse', `refs/foundry/archive/${t.id}`).trim(), archived.snapshotCommit);
  assert.ok(git(repoPath, 'branch', '--list', t.branch).trim(), 'the branch stays');
  await assert.rejects(sc.request(Requests.SendMessage.method, { sessionId: t.sessions[0].id, text: 'hi' }), (e) => e.code === ErrorCodes.InvalidState && /unarchive/.test(e.message));

  const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
  assert.ok(log.history.some((h) => /left out \(regenerable\): node_modules/.test(h.message ?? '')), 'the history lists what was left out');

  const restoring = await sc.request(Requests.UnarchiveTask.method, { taskId: t.id });
  assert.equal(restoring.status, 'unarchive_restore');
  const back = await sc.waitTask(t.id, 'idle');
  assert.equal(back.worktreePath, wt);
  assert.equal(back.branch, t.branch);
  assert.deepEqual(treeHashes(wt), before, 'every file, mode and link is back');
  assert.equal(status(wt), statusBefore);
  assert.equal(staged(wt), stagedBefore, 'the index is as it was');
  assert.equal(git(wt, 'rev-parse', 'HEAD').trim(), head);
  assert.equal(git(wt, 'symbolic-ref', '--short', 'HEAD').trim(), t.branch);

  // The sessions come back and can be chatted in again.
  const { end } = await sc.turn(t.id, t.sessions[0].id, 'hello again');
  assert.equal(end.kind, 'turn_ended');
});

test('delete, then undo: the branch, the worktree (byte-identical) and the task come back', async () => {
  const t = await idleTask('delete me');
  const wt = t.worktreePath;
  writeFile(wt, 'committed.txt', 'on the branch\n');
  git(wt, 'add', '-A');
  git(wt, '-c', 'user.email=t@e.invalid', '-c', 'user.name=T', 'commit', '-qm', 'work on the branch');
  makeDirty(wt);
  const before = treeHashes(wt, { skip: ['node_modules'] });
  const tip = git(wt, 'rev-parse', 'HEAD').trim();

  const deleting = await sc.request(Requests.DeleteTask.method, { taskId: t.id });
  assert.equal(deleting.status, 'delete_stop_agents');
  await sc.waitTask(t.id, 'deleted');
  assert.equal(existsSync(wt), false, 'worktree removed');
  assert.equal(git(repoPath, 'branch', '--list', t.branch).trim(), '', 'branch removed');
  assert.equal(git(repoPath, 'rev-parse', `refs/foundry/deleted/${t.id}/branch`).trim(), tip, 'its tip is kept');
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.ok(wb.tasks.some((x) => x.id === t.id && x.status === 'deleted'), 'the tombstone stays');

  await sc.request(Requests.UndoDeleteTask.method, { taskId: t.id });
  const back = await sc.waitTask(t.id, 'idle');
  assert.equal(back.branch, t.branch);
  assert.equal(git(repoPath, 'rev-parse', `refs/heads/${t.branch}`).trim(), tip, 'the branch is back at its tip');
  assert.deepEqual(treeHashes(wt), before, 'byte-identical');
});

test('unarchive onto a branch that moved restores onto <branch>-restored and says so', async () => {
  const t = await idleTask('moving branch');
  writeFile(t.worktreePath, 'mine.txt', 'uncommitted\n');
  const before = treeHashes(t.worktreePath);
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'archived');
  // Someone moves the branch meanwhile.
  git(repoPath, 'branch', '-f', t.branch, 'main');
  git(repoPath, '-c', 'user.email=t@e.invalid', '-c', 'user.name=T', 'commit', '--allow-empty', '-qm', 'main moves');
  git(repoPath, 'branch', '-f', t.branch, 'main');
  await sc.request(Requests.UnarchiveTask.method, { taskId: t.id });
  const back = await sc.waitTask(t.id, 'idle');
  assert.equal(back.branch, `${t.branch}-restored`);
  assert.match(back.statusMessage ?? '', /Restored onto .*-restored/);
  assert.deepEqual(treeHashes(back.worktreePath), before);
});

test('a failing teardown stops the archive in error; Retry runs it again; Archive anyway skips it', async () => {
  const gate = join(dir, 'teardown-ok');
  const r = await sc.request(Requests.AddRepo.method, { path: repoPath, teardownScript: `echo tearing down $FOUNDRY_TASK_ID; test -f ${gate} || { echo "database still running"; exit 3; }` });
  assert.match(r.teardownScript, /tearing down/);
  try {
    const t = await idleTask('teardown');
    writeFile(t.worktreePath, 'work.txt', 'keep\n');
    await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
    const failed = await sc.waitTask(t.id, 'error');
    assert.match(failed.errorMessage, /^Archive failed: Teardown script exited with code 3: database still running/);
    assert.ok(existsSync(join(t.worktreePath, 'work.txt')), 'nothing was removed');
    const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
    assert.match(log.setupOutput, /tearing down .*\n.*database still running/, 'the output is in the task log');

    // Retry: fails the same way while the gate is closed, passes once it is open.
    writeFileSync(gate, '');
    await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
    await sc.waitTask(t.id, 'archived');

    rmSync(gate);
    const u = await idleTask('teardown skipped');
    await sc.request(Requests.ArchiveTask.method, { taskId: u.id });
    await sc.waitTask(u.id, 'error');
    await sc.request(Requests.ArchiveTask.method, { taskId: u.id, skipTeardown: true });
    await sc.waitTask(u.id, 'archived');
    const ulog = await sc.request(Requests.GetTaskLog.method, { taskId: u.id });
    assert.match(ulog.setupOutput, /teardown script skipped/);
  } finally {
    await sc.request(Requests.AddRepo.method, { path: repoPath, teardownScript: '' });
  }
});

test('a worktree without Foundry\'s marker is never removed', async () => {
  const t = await idleTask('no marker');
  writeFile(t.worktreePath, 'precious.txt', 'not committed\n');
  const admin = git(t.worktreePath, 'rev-parse', '--absolute-git-dir').trim();
  rmSync(join(admin, 'foundry-owner'));
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  const failed = await sc.waitTask(t.id, 'error');
  assert.match(failed.errorMessage, /carries no Foundry ownership marker/);
  assert.ok(existsSync(join(t.worktreePath, 'precious.txt')));
});

test('bad input names the field', async () => {
  const bad = async (method, params, field) =>
    assert.rejects(sc.request(method, params), (e) => e.code === ErrorCodes.InvalidParams && e.message.includes(field));
  await bad(Requests.ArchiveTask.method, { taskId: 'task_x', skipTeardown: 'yes' }, 'skipTeardown');
  await bad(Requests.UnarchiveTask.method, {}, 'taskId');
  await bad(Requests.DeleteTask.method, { taskId: 3 }, 'taskId');
  await bad(Requests.UndoDeleteTask.method, { taskId: '' }, 'taskId');
  await bad(Requests.GetCleanupInventory.method, { scope: 'all' }, 'scope');
  await bad(Requests.RunCleanup.method, { taskIds: [], scope: 'deleted' }, 'taskIds');
  await bad(Requests.AddRepo.method, { path: repoPath, teardownScript: 'x'.repeat(100_001) }, 'teardownScript');
  await assert.rejects(sc.request(Requests.UnarchiveTask.method, { taskId: 'task_nope' }), (e) => e.code === ErrorCodes.NotFound);
  const t = await idleTask('not archived');
  await assert.rejects(sc.request(Requests.UnarchiveTask.method, { taskId: t.id }), (e) => e.code === ErrorCodes.InvalidState && /'idle'/.test(e.message));
  await assert.rejects(sc.request(Requests.UndoDeleteTask.method, { taskId: t.id }), (e) => e.code === ErrorCodes.InvalidState);
});

test('an archived task deletes (its archive snapshot kept as the tombstone), and undo brings it back byte-identical', async () => {
  const t = await idleTask('archive then delete');
  writeFile(t.worktreePath, 'notes.md', 'kept through both\n');
  writeFile(t.worktreePath, '.env', 'K=V\n');
  const before = treeHashes(t.worktreePath);
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  const archived = await sc.waitTask(t.id, 'archived');
  await sc.request(Requests.DeleteTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'deleted');
  assert.equal(git(repoPath, 'rev-parse', `refs/foundry/deleted/${t.id}/snapshot`).trim(), archived.snapshotCommit);
  assert.equal(git(repoPath, 'branch', '--list', t.branch).trim(), '', 'branch removed');
  await sc.request(Requests.UndoDeleteTask.method, { taskId: t.id });
  const back = await sc.waitTask(t.id, 'idle');
  assert.equal(back.branch, t.branch);
  assert.deepEqual(treeHashes(back.worktreePath), before);
});
