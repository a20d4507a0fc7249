// Review: the changes projection's file list and git state (pushed as they change), the detail
// reads (getFileChanges, getFileDiff, getFileTree), revertFile/undoRevert, and paths that try to
// leave the worktree. Real sidecar, real git worktrees, the demo agent writing files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { queryDb } from './files.mjs';
import { useSidecar } from './useSidecar.mjs';

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]);
const ctx = useSidecar({}, (c) => {
  // The repository's first commit has the files the tests change.
  const repo = c.repo.path;
  writeFile(repo, 'src/a.txt', 'one\ntwo\nthree\n');
  writeFile(repo, 'old.txt', 'kept across a rename\nsecond line\n');
  writeFile(repo, 'gone.txt', 'to be deleted\n');
  writeFile(repo, 'img.bin', BINARY);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'fixtures');
});

const rq = (method, params) => ctx.sc.request(method, params);
const files = async (taskId) => (await rq(Requests.GetFileChanges.method, { taskId })).files;
const byPath = (list) => Object.fromEntries(list.map((f) => [f.path, f]));
const refreshes = (taskId) => queryDb(join(ctx.dataDir, 'foundry.db'), 'SELECT refreshes FROM task_git WHERE task_id = ?', taskId)[0]?.refreshes ?? 0;

async function newTask(prompt = 'ready') {
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt, mode: 'accept_edits' });
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).git, 'first projection refresh');
  return { id: t.id, wt: idle.worktreePath, session: idle.sessions[0].id };
}

/** Wait for the pushed task whose file list (by getFileChanges) satisfies `pred`. */
async function waitFiles(taskId, pred, what) {
  await ctx.sc.waitFor(() => pred(ctx.sc.task(taskId)), what);
  return byPath(await files(taskId));
}

async function rejects(promise, code, re) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('files the agent writes and a commit in the worktree update the file list and git state by pushes', async () => {
  const t = await newTask();
  assert.deepEqual(ctx.sc.task(t.id).changes, { files: 0, added: 0, removed: 0 });
  assert.equal(ctx.sc.task(t.id).git.ahead, 0);
  assert.equal(ctx.sc.task(t.id).git.mergesCleanly, true);
  assert.equal(ctx.sc.task(t.id).git.lastCommit.subject, 'fixtures');
  assert.deepEqual(await files(t.id), []);

  await ctx.sc.turn(t.id, t.session, 'write src/a.txt\none\nTWO\nthree\nend\nwrite notes/new.md\nfirst\nsecond\nend');
  const f = await waitFiles(t.id, (x) => x.changes.files === 2, 'two changed files pushed');
  assert.deepEqual(f['src/a.txt'], { path: 'src/a.txt', status: 'modified', added: 1, removed: 1 });
  assert.deepEqual(f['notes/new.md'], { path: 'notes/new.md', status: 'added', added: 2, removed: 0, untracked: true });
  assert.deepEqual(ctx.sc.task(t.id).changes, { files: 2, added: 3, removed: 1 }, 'the coarse summary agrees with the list');
  assert.equal(typeof (await rq(Requests.GetFileChanges.method, { taskId: t.id })).refreshedAt, 'number');

  git(t.wt, 'add', '-A');
  git(t.wt, 'commit', '-q', '-m', 'agent work');
  // (A refresh may be under way while git commits; the one the commit triggers lands after it.)
  const after = await ctx.sc.waitFor(() => ctx.sc.task(t.id).git.lastCommit.subject === 'agent work' && ctx.sc.task(t.id), 'the commit pushed');
  assert.equal(after.git.ahead, 1);
  assert.equal(after.git.lastCommit.sha, git(t.wt, 'rev-parse', 'HEAD').trim());
  assert.equal(after.git.behind, 0);
  const committed = byPath(await files(t.id));
  assert.equal(committed['notes/new.md'].untracked, undefined, 'committed: no longer untracked');
  assert.equal(committed['notes/new.md'].status, 'added');
});

test('renames, deletions, binary and untracked files are listed as such', async () => {
  const t = await newTask();
  git(t.wt, 'mv', 'old.txt', 'moved.txt');
  rmSync(join(t.wt, 'gone.txt'));
  writeFileSync(join(t.wt, 'img.bin'), Buffer.concat([BINARY, BINARY]));
  writeFileSync(join(t.wt, 'fresh.bin'), BINARY);
  writeFileSync(join(t.wt, 'fresh.txt'), 'a\nb\nc');
  const f = await waitFiles(t.id, (x) => x.changes.files === 5, 'five changed files');
  assert.deepEqual(f['moved.txt'], { path: 'moved.txt', status: 'renamed', added: 0, removed: 0, oldPath: 'old.txt' });
  assert.deepEqual(f['gone.txt'], { path: 'gone.txt', status: 'deleted', added: 0, removed: 1 });
  assert.deepEqual(f['img.bin'], { path: 'img.bin', status: 'modified', added: 0, removed: 0, binary: true });
  assert.deepEqual(f['fresh.bin'], { path: 'fresh.bin', status: 'added', added: 0, removed: 0, binary: true, untracked: true });
  assert.deepEqual(f['fresh.txt'], { path: 'fresh.txt', status: 'added', added: 3, removed: 0, untracked: true });
  assert.deepEqual(Object.keys(f), ['fresh.bin', 'fresh.txt', 'gone.txt', 'img.bin', 'moved.txt'], 'sorted by path');
});

test('getFileDiff gives both sides against the base or HEAD, nulls for added and deleted, and says binary or too large', async () => {
  const t = await newTask();
  writeFileSync(join(t.wt, 'src/a.txt'), 'committed\n');
  git(t.wt, 'commit', '-qam', 'v1');
  writeFileSync(join(t.wt, 'src/a.txt'), 'uncommitted\n');
  rmSync(join(t.wt, 'gone.txt'));
  writeFileSync(join(t.wt, 'added.txt'), 'new\n');
  writeFileSync(join(t.wt, 'big.txt'), 'x'.repeat(5 * 1024 * 1024 + 1));
  git(t.wt, 'mv', 'old.txt', 'moved.txt');
  await waitFiles(t.id, (x) => x.changes.files === 5, 'five changed files');
  const diff = (path, against) => rq(Requests.GetFileDiff.method, { taskId: t.id, path, ...(against ? { against } : {}) });

  assert.deepEqual(await diff('src/a.txt'), { path: 'src/a.txt', original: 'one\ntwo\nthree\n', modified: 'uncommitted\n' });
  assert.deepEqual(await diff('src/a.txt', 'head'), { path: 'src/a.txt', original: 'committed\n', modified: 'uncommitted\n' });
  assert.deepEqual(await diff('added.txt'), { path: 'added.txt', original: null, modified: 'new\n' });
  assert.deepEqual(await diff('gone.txt'), { path: 'gone.txt', original: 'to be deleted\n', modified: null });
  assert.deepEqual(await diff('moved.txt'), { path: 'moved.txt', original: 'kept across a rename\nsecond line\n', modified: 'kept across a rename\nsecond line\n' });
  assert.deepEqual(await diff('img.bin'), { path: 'img.bin', original: null, modified: null, binary: true });
  assert.deepEqual(await diff('big.txt'), { path: 'big.txt', original: null, modified: null, tooLarge: true });
});

test('getFileTree lists one folder, directories first, without .git, with change marks', async () => {
  const t = await newTask();
  writeFileSync(join(t.wt, 'src/a.txt'), 'changed\n');
  writeFileSync(join(t.wt, 'src/b.txt'), 'new\n');
  mkdirSync(join(t.wt, 'zdir'));
  writeFileSync(join(t.wt, 'zdir/inner.txt'), 'x\n');
  await waitFiles(t.id, (x) => x.changes.files === 3, 'three changed files');
  const root = await rq(Requests.GetFileTree.method, { taskId: t.id });
  assert.equal(root.dir, '');
  assert.deepEqual(root.entries.map((e) => `${e.type}:${e.name}`), [
    'directory:src', 'directory:zdir', 'file:README.md', 'file:gone.txt', 'file:img.bin', 'file:old.txt',
  ]);
  const src = await rq(Requests.GetFileTree.method, { taskId: t.id, dir: 'src' });
  assert.deepEqual(src.entries, [
    { name: 'a.txt', path: 'src/a.txt', type: 'file', change: 'modified' },
    { name: 'b.txt', path: 'src/b.txt', type: 'file', change: 'added' },
  ]);
  await rejects(rq(Requests.GetFileTree.method, { taskId: t.id, dir: 'nope' }), ErrorCodes.NotFound, /dir/);
});

test('revertFile keeps the file under a Foundry ref and undoRevert brings it back byte for byte', async () => {
  const t = await newTask();
  const mine = Buffer.from('mine\r\n\u00e9\u0000tail');
  writeFileSync(join(t.wt, 'src/a.txt'), mine);
  writeFileSync(join(t.wt, 'made.txt'), 'made by the agent\n');
  await waitFiles(t.id, (x) => x.changes.files === 2, 'two changed files');

  const r = await rq(Requests.RevertFile.method, { taskId: t.id, path: 'src/a.txt' });
  assert.equal(r.path, 'src/a.txt');
  assert.equal(readFileSync(join(t.wt, 'src/a.txt'), 'utf8'), 'one\ntwo\nthree\n');
  assert.match(git(t.wt, 'for-each-ref', `refs/foundry/reverts/${t.id}/`), new RegExp(r.revertId));
  await waitFiles(t.id, (x) => x.changes.files === 1, 'the reverted file leaves the list');
  await rejects(rq(Requests.RevertFile.method, { taskId: t.id, path: 'src/a.txt' }), ErrorCodes.InvalidState, /no change/);

  assert.deepEqual(await rq(Requests.UndoRevert.method, { taskId: t.id, revertId: r.revertId }), { path: 'src/a.txt' });
  assert.ok(readFileSync(join(t.wt, 'src/a.txt')).equals(mine), 'byte-identical after undo');
  await waitFiles(t.id, (x) => x.changes.files === 2, 'back in the list');

  const added = await rq(Requests.RevertFile.method, { taskId: t.id, path: 'made.txt' });
  assert.equal(existsSync(join(t.wt, 'made.txt')), false, 'an added file is removed');
  await rq(Requests.UndoRevert.method, { taskId: t.id, revertId: added.revertId });
  assert.equal(readFileSync(join(t.wt, 'made.txt'), 'utf8'), 'made by the agent\n');

  // Undo is refused once the file changed after the revert.
  await waitFiles(t.id, (x) => x.changes.files === 2, 'both back');
  const again = await rq(Requests.RevertFile.method, { taskId: t.id, path: 'src/a.txt' });
  writeFileSync(join(t.wt, 'src/a.txt'), 'newer\n');
  await rejects(rq(Requests.UndoRevert.method, { taskId: t.id, revertId: again.revertId }), ErrorCodes.InvalidState, /changed since the revert/);
  assert.equal(readFileSync(join(t.wt, 'src/a.txt'), 'utf8'), 'newer\n', 'the newer content is kept');
  await rejects(rq(Requests.UndoRevert.method, { taskId: t.id, revertId: 'rev_000000000000' }), ErrorCodes.NotFound, /rev_000000000000/);
});

test('revertFile is refused while a turn runs in the task', async () => {
  const t = await newTask();
  writeFileSync(join(t.wt, 'src/a.txt'), 'changed\n');
  await waitFiles(t.id, (x) => x.changes.files === 1, 'one changed file');
  await rq('foundry/subscribeSession', { sessionId: t.session });
  await rq(Requests.SendMessage.method, { sessionId: t.session, text: 'hang' });
  await ctx.sc.waitSession(t.id, t.session, 'running');
  await rejects(rq(Requests.RevertFile.method, { taskId: t.id, path: 'src/a.txt' }), ErrorCodes.InvalidState, /turn is running/);
  assert.equal(readFileSync(join(t.wt, 'src/a.txt'), 'utf8'), 'changed\n');
  await rq(Requests.CancelTurn.method, { sessionId: t.session });
  await ctx.sc.waitSession(t.id, t.session, 'ready');
  await rq(Requests.RevertFile.method, { taskId: t.id, path: 'src/a.txt' });
  assert.equal(readFileSync(join(t.wt, 'src/a.txt'), 'utf8'), 'one\ntwo\nthree\n');
});

test('paths that leave the worktree or enter .git are refused, and nothing outside is read', async () => {
  const t = await newTask();
  const outside = join(ctx.dir, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'not for review\n');
  symlinkSync(outside, join(t.wt, 'out'));
  symlinkSync('/etc/passwd', join(t.wt, 'pw'));
  for (const path of ['../x', '/etc/passwd', '.git/config', 'a/../../x', 'a\\b', '']) {
    await rejects(rq(Requests.GetFileDiff.method, { taskId: t.id, path }), ErrorCodes.InvalidParams, /path/);
    await rejects(rq(Requests.RevertFile.method, { taskId: t.id, path }), ErrorCodes.InvalidParams, /path/);
  }
  await rejects(rq(Requests.GetFileTree.method, { taskId: t.id, dir: '../' }), ErrorCodes.InvalidParams, /dir/);
  await rejects(rq(Requests.GetFileDiff.method, { taskId: t.id, path: 'out/secret.txt' }), ErrorCodes.InvalidParams, /outside the worktree/);
  await rejects(rq(Requests.GetFileTree.method, { taskId: t.id, dir: 'out' }), ErrorCodes.InvalidParams, /outside the worktree/);
  // A symlink is shown as git stores it: its target's name, never the target's content.
  const pw = await rq(Requests.GetFileDiff.method, { taskId: t.id, path: 'pw' });
  assert.equal(pw.modified, '/etc/passwd');
  await rejects(rq(Requests.GetFileDiff.method, { taskId: 'task_nope', path: 'x' }), ErrorCodes.NotFound, /task_nope/);
  await rejects(rq(Requests.GetFileDiff.method, { taskId: t.id, path: 'x', against: 'tip' }), ErrorCodes.InvalidParams, /against/);
  await rejects(rq(Requests.GetFileChanges.method, {}), ErrorCodes.InvalidParams, /taskId/);
  await rejects(rq(Requests.UndoRevert.method, { taskId: t.id }), ErrorCodes.InvalidParams, /revertId/);
  assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'not for review\n');
});

test('a burst of 1,000 file writes makes a handful of refreshes', async () => {
  const t = await newTask();
  const before = refreshes(t.id);
  mkdirSync(join(t.wt, 'burst'));
  for (let i = 0; i < 1000; i++) writeFileSync(join(t.wt, 'burst', `f${i}.txt`), `${i}\n`);
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).changes.files === 1000, 'all 1,000 files listed', 60_000);
  await ctx.sc.settle();
  const made = refreshes(t.id) - before;
  assert.ok(made >= 1 && made <= 10, `${made} refreshes for 1,000 writes`);
  assert.equal((await files(t.id)).length, 1000);
});

test('mergesCleanly turns false after a conflicting commit on the base branch', async () => {
  const t = await newTask();
  writeFileSync(join(t.wt, 'README.md'), '# the task says this\n');
  git(t.wt, 'commit', '-qam', 'task edit');
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).git.ahead === 1, 'ahead 1');
  assert.equal(ctx.sc.task(t.id).git.mergesCleanly, true);
  writeFileSync(join(ctx.repo.path, 'README.md'), '# main says otherwise\n');
  git(ctx.repo.path, 'commit', '-qam', 'conflicting edit on main');
  await ctx.sc.turn(t.id, t.session, 'ready'); // a turn's end refreshes the projection
  const g = await ctx.sc.waitFor(() => ctx.sc.task(t.id).git.mergesCleanly === false && ctx.sc.task(t.id).git, 'mergesCleanly false');
  assert.equal(g.behind, 1);
  assert.equal(g.ahead, 1);
  // The check never touched the worktree or its index.
  assert.equal(git(t.wt, 'status', '--porcelain'), '');
  git(ctx.repo.path, 'reset', '-q', '--hard', 'HEAD~1');
});
