// Snapshots of a worktree as git objects (effects/snapshot.ts), through the real effects worker
// (dist/effects-worker.js) on real repositories: the whole state goes in (staged, unstaged,
// untracked, git-ignored, deleted, executable bits, symlinks), regenerable folders stay out and
// are listed, the user's index is never touched, and a restore is byte-exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { chmodSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { root, tempDir, cleanup, git, makeRepo } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { worktreeState, fileHash } from './worktreeState.mjs';
import { DEFAULT_REGENERABLE_FOLDERS } from '../../shared/protocol.ts';
import { readFileSync as read } from 'node:fs';

let dir, worker, repoPath;
let nextId = 1;
const pending = new Map();
function call(method, params) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type: 'call', id, method, params });
  });
}

before(() => {
  dir = tempDir();
  worker = new Worker(join(root, 'dist', 'effects-worker.js'));
  worker.on('message', (m) => {
    if (m.type === 'event') return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result);
    else p.reject(new Error(m.message));
  });
  repoPath = makeRepo(
    join(dir, 'repo'),
    {
      'README.md': '# snap\n',
      '.gitignore': '.env\nsecret/\nnode_modules/\ndist/\n',
      'src/a.txt': 'a v1\n',
      'src/keep.txt': 'keep\n',
      'src/gone.txt': 'to be deleted in the worktree\n',
      'src/unstage-delete.txt': 'to be git rm-ed\n',
      'bin/run.sh': '#!/bin/sh\necho run\n',
      'build/tracked.txt': 'a tracked file in a regenerable folder\n',
      'plain.sh': 'echo not yet executable\n',
    },
    { executable: ['bin/run.sh'] },
  );
  symlinkSync('src/a.txt', join(repoPath, 'link-a'));
  git(repoPath, 'add', 'link-a');
  git(repoPath, 'commit', '-q', '-m', 'a link');
});
after(async () => {
  await worker.terminate();
  cleanup(dir);
});

/** A worktree of the repository on a branch of its own, holding every kind of state. */
function busyWorktree(name) {
  const wt = join(dir, name);
  git(repoPath, 'worktree', 'add', '-q', '-b', name, wt);
  writeFileSync(join(wt, 'src/a.txt'), 'a v2 staged\n');
  git(wt, 'add', 'src/a.txt');
  writeFileSync(join(wt, 'src/a.txt'), 'a v3 unstaged on top of the staged v2\n');
  writeFile(wt, 'src/new-staged.txt', 'new and staged\n');
  git(wt, 'add', 'src/new-staged.txt');
  writeFileSync(join(wt, 'src/keep.txt'), 'keep, edited\r\nwith CRLF\r\n');
  unlinkSync(join(wt, 'src/gone.txt'));
  git(wt, 'rm', '-q', 'src/unstage-delete.txt');
  writeFile(wt, 'notes/untracked.md', 'untracked\n');
  writeFile(wt, '.env', 'TOKEN=work-that-exists-nowhere-else\n');
  writeFile(wt, 'secret/deep/key.pem', 'ignored folder content\n');
  writeFile(wt, 'blob.bin', Buffer.from([0, 1, 2, 255, 13, 10, 0, 42]));
  chmodSync(join(wt, 'plain.sh'), 0o755);
  symlinkSync('src', join(wt, 'link-dir'));
  writeFile(wt, 'node_modules/dep/index.js', 'module.exports = 1;\n');
  writeFile(wt, 'packages/p/node_modules/dep2/index.js', 'module.exports = 2;\n');
  writeFile(wt, 'dist/out.js', 'built\n');
  return wt;
}

const indexFile = (wt) => resolve(wt, git(wt, 'rev-parse', '--git-path', 'index').trim());
const status = (wt) => git(wt, 'status', '--porcelain=v1', '-uall', '--ignored');
const take = (wt, ref, extra = {}) =>
  call('takeSnapshot', { worktreePath: wt, ref, regenerable: DEFAULT_REGENERABLE_FOLDERS, message: `test snapshot ${ref}`, ...extra });

test('a snapshot holds the whole state, leaves the index and the files untouched, and lists what it left out', async () => {
  const wt = busyWorktree('whole');
  const before = { files: worktreeState(wt), index: fileHash(indexFile(wt)), status: status(wt), stage: git(wt, 'ls-files', '-s') };
  const head = git(wt, 'rev-parse', 'HEAD').trim();

  const s = await take(wt, 'refs/foundry/checkpoints/t1/1');

  // Nothing of the user's changed: files, index bytes, status.
  assert.deepEqual(worktreeState(wt), before.files);
  assert.equal(fileHash(indexFile(wt)), before.index, "the user's index file is byte-identical");
  assert.equal(status(wt), before.status);
  // Kept under the ref, shaped like a stash: [HEAD, index commit].
  assert.equal(s.unchanged, false);
  assert.equal(s.head, head);
  assert.equal(git(repoPath, 'rev-parse', 'refs/foundry/checkpoints/t1/1').trim(), s.commit);
  const [p1, p2] = git(wt, 'rev-list', '--parents', '-n1', s.commit).trim().split(' ').slice(1);
  assert.equal(p1, head);
  assert.equal(git(wt, 'rev-parse', `${s.commit}^{tree}`).trim(), s.tree);
  // The index parent is exactly the user's index (staged v2, new-staged, the git rm).
  const indexEntries = git(wt, 'ls-tree', '-r', p2).trim().split('\n').map((l) => l.replace(/ blob /, ' ').replace('\t', ' 0\t'));
  assert.deepEqual(indexEntries, before.stage.trim().split('\n'));
  // The tree: unstaged content, ignored work, modes and links; no regenerable folder.
  const entries = Object.fromEntries(
    git(wt, 'ls-tree', '-r', s.tree)
      .trim()
      .split('\n')
      .map((l) => {
        const [meta, path] = l.split('\t');
        return [path, meta.split(' ')[0]];
      }),
  );
  assert.equal(git(wt, 'show', `${s.commit}:src/a.txt`), 'a v3 unstaged on top of the staged v2\n');
  assert.equal(git(wt, 'show', `${s.commit}:.env`), 'TOKEN=work-that-exists-nowhere-else\n');
  assert.equal(git(wt, 'show', `${s.commit}:src/keep.txt`), 'keep, edited\r\nwith CRLF\r\n');
  assert.ok(entries['secret/deep/key.pem'] && entries['notes/untracked.md'] && entries['src/new-staged.txt']);
  assert.equal(entries['src/gone.txt'], undefined, 'a file deleted in the worktree is absent');
  assert.equal(entries['src/unstage-delete.txt'], undefined);
  assert.equal(entries['plain.sh'], '100755', 'the executable bit is kept');
  assert.equal(entries['bin/run.sh'], '100755');
  assert.equal(entries['link-a'], '120000');
  assert.equal(entries['link-dir'], '120000');
  for (const path of Object.keys(entries)) assert.doesNotMatch(path, /(^|\/)(node_modules|dist|build)\//, `${path} is in a regenerable folder`);
  assert.deepEqual(s.excluded, ['build', 'dist', 'node_modules', 'packages/p/node_modules']);
  assert.equal(s.files, Object.keys(entries).length);
  assert.ok(s.bytes > 0);

  // Nothing changed since: nothing is written, the commit is the previous one.
  const again = await take(wt, 'refs/foundry/checkpoints/t1/2', { previous: s.commit });
  assert.equal(again.unchanged, true);
  assert.equal(again.commit, s.commit);
  assert.deepEqual(again.excluded, s.excluded);
  assert.equal(git(repoPath, 'for-each-ref', 'refs/foundry/checkpoints/t1/2'), '', 'no ref written when unchanged');
  // A change in a regenerable folder is no change; a change to an ignored file is one.
  writeFile(wt, 'node_modules/dep/index.js', 'module.exports = 3;\n');
  assert.equal((await take(wt, 'refs/foundry/checkpoints/t1/2', { previous: s.commit })).unchanged, true);
  writeFile(wt, '.env', 'TOKEN=changed\n');
  const changed = await take(wt, 'refs/foundry/checkpoints/t1/2', { previous: s.commit });
  assert.equal(changed.unchanged, false);
  assert.notEqual(changed.commit, s.commit);
  // Staging alone (same files) is a change too: the index is part of the state.
  git(wt, 'add', '.env', '-f');
  assert.equal((await take(wt, 'refs/foundry/checkpoints/t1/3', { previous: changed.commit })).unchanged, false);
});

test('a restore brings the worktree back byte-exact, with its index and HEAD, and never touches regenerable folders', async () => {
  const wt = busyWorktree('restore');
  const skip = [...DEFAULT_REGENERABLE_FOLDERS];
  const before = { files: worktreeState(wt, { skip }), stage: git(wt, 'ls-files', '-s'), status: status(wt), head: git(wt, 'rev-parse', 'HEAD').trim() };
  const s = await take(wt, 'refs/foundry/checkpoints/t2/1');

  // Everything changes: contents, deletions, new files (ignored too), modes, links, kinds, a commit.
  writeFileSync(join(wt, 'src/a.txt'), 'agent rewrote it\n');
  unlinkSync(join(wt, '.env'));
  rmSync(join(wt, 'secret'), { recursive: true });
  rmSync(join(wt, 'notes'), { recursive: true });
  writeFile(wt, 'junk/deeper/file.txt', 'junk\n');
  writeFile(wt, 'more.env.local', 'junk\n');
  writeFile(wt, 'src/gone.txt', 'came back unasked\n');
  chmodSync(join(wt, 'plain.sh'), 0o644);
  chmodSync(join(wt, 'src/keep.txt'), 0o755);
  unlinkSync(join(wt, 'link-a'));
  writeFile(wt, 'link-a', 'now a file\n');
  unlinkSync(join(wt, 'link-dir'));
  mkdirSync(join(wt, 'link-dir'));
  writeFile(wt, 'link-dir/inside.txt', 'now a folder\n');
  writeFile(wt, 'blob.bin', Buffer.from([9, 9, 9]));
  writeFile(wt, 'node_modules/dep/index.js', 'reinstalled\n');
  git(wt, 'add', '-A');
  git(wt, 'commit', '-q', '-m', 'the agent committed');
  assert.notDeepEqual(worktreeState(wt, { skip }), before.files);

  const r = await call('restoreSnapshot', { worktreePath: wt, commit: s.commit, regenerable: DEFAULT_REGENERABLE_FOLDERS, moveHead: true });

  assert.deepEqual(worktreeState(wt, { skip }), before.files, 'every file, mode and link as in the snapshot');
  assert.equal(git(wt, 'ls-files', '-s'), before.stage, 'the index as it was');
  assert.equal(git(wt, 'rev-parse', 'HEAD').trim(), before.head, 'the branch is back at the snapshot HEAD');
  assert.equal(status(wt), before.status);
  assert.equal(readFileSync(join(wt, 'node_modules/dep/index.js'), 'utf8'), 'reinstalled\n', 'node_modules is never touched');
  assert.equal(readFileSync(join(wt, 'packages/p/node_modules/dep2/index.js'), 'utf8'), 'module.exports = 2;\n');
  assert.equal(readFileSync(join(wt, 'build/tracked.txt'), 'utf8'), 'a tracked file in a regenerable folder\n');
  assert.equal(r.tree, s.tree);
  // Written: a.txt, .env, secret key, notes, plain.sh, keep.txt, link-a, link-dir, blob.bin; removed: junk, more.env.local, gone.txt, link-dir/inside.txt.
  assert.equal(r.written, 9);
  assert.equal(r.removed, 4);

  // Restoring again is a no-op; without moveHead, HEAD stays.
  const again = await call('restoreSnapshot', { worktreePath: wt, commit: s.commit, regenerable: DEFAULT_REGENERABLE_FOLDERS });
  assert.deepEqual({ written: again.written, removed: again.removed }, { written: 0, removed: 0 });
  git(wt, 'commit', '-q', '--allow-empty', '-m', 'later');
  const later = git(wt, 'rev-parse', 'HEAD').trim();
  await call('restoreSnapshot', { worktreePath: wt, commit: s.commit, regenerable: DEFAULT_REGENERABLE_FOLDERS });
  assert.equal(git(wt, 'rev-parse', 'HEAD').trim(), later);
});

test('a snapshot survives the removal of its worktree and gc, and restores into a new one', async () => {
  const wt = busyWorktree('survive');
  const skip = [...DEFAULT_REGENERABLE_FOLDERS];
  const before = worktreeState(wt, { skip });
  const s = await take(wt, 'refs/foundry/archive/t3');
  git(repoPath, 'worktree', 'remove', '--force', wt);
  git(repoPath, 'branch', '-D', 'survive');
  git(repoPath, 'gc', '-q', '--prune=now');
  assert.equal(git(repoPath, 'show', 'refs/foundry/archive/t3:.env'), 'TOKEN=work-that-exists-nowhere-else\n');

  git(repoPath, 'worktree', 'add', '-q', '-b', 'survive', wt, s.head);
  const r = await call('restoreSnapshot', { worktreePath: wt, commit: s.commit, regenerable: DEFAULT_REGENERABLE_FOLDERS, moveHead: true });
  // The regenerable folders are not brought back (they were never kept); all else is.
  const expected = Object.fromEntries(Object.entries(before).filter(([p]) => !/(^|\/)(node_modules|dist)(\/|$)/.test(p) && p !== 'packages/p' && p !== 'packages'));
  assert.deepEqual(worktreeState(wt, { skip }), expected);
  assert.ok(r.written > 0);
});

test('a worktree with no commit and a commit that is no snapshot are refused by name', async () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  git(empty, 'init', '-q');
  await assert.rejects(take(empty, 'refs/foundry/checkpoints/t4/1'), /has no commit yet/);
  const head = git(repoPath, 'rev-parse', 'HEAD').trim();
  await assert.rejects(call('restoreSnapshot', { worktreePath: repoPath, commit: head, regenerable: [] }), /not a Foundry snapshot/);
});

test("package.json's foundry.regenerableFolders default is the sidecar's list", () => {
  const pkg = JSON.parse(read(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.configuration.properties['foundry.regenerableFolders'].default, [...DEFAULT_REGENERABLE_FOLDERS]);
});
