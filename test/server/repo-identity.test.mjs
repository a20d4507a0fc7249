// A repository is one repository however it is reached: addRepo through a symlinked path, a
// subfolder, a linked worktree or the real path gives one row, whose path is the main working
// tree. Duplicate rows an earlier version made (one per path) are merged when the sidecar
// starts: the oldest row stays, every task is kept (re-pointed to it), the others are pushed as
// removed; a second start finds nothing to do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';

let dir, repoPath, linked, symlinked;
before(() => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'), { 'README.md': '# r\n', 'src/a.txt': 'a\n' });
  linked = join(dir, 'linked-worktree');
  git(repoPath, 'worktree', 'add', '-q', '-b', 'side', linked);
  symlinked = join(dir, 'via-symlink');
  symlinkSync(repoPath, symlinked);
});
after(() => cleanup(dir));

test('addRepo through a symlink, a linked worktree, a subfolder and the real path: one repository, at its main working tree', async () => {
  const sc = await startSidecar({ dataDir: join(dir, 'data-add') });
  try {
    const viaSymlink = await sc.request(Requests.AddRepo.method, { path: symlinked });
    assert.equal(viaSymlink.path, repoPath, 'the path is the real main working tree');
    assert.equal(viaSymlink.name, 'repo');
    const viaWorktree = await sc.request(Requests.AddRepo.method, { path: linked });
    const viaSubfolder = await sc.request(Requests.AddRepo.method, { path: join(linked, 'src') });
    const viaReal = await sc.request(Requests.AddRepo.method, { path: repoPath });
    assert.deepEqual([viaWorktree.id, viaSubfolder.id, viaReal.id], [viaSymlink.id, viaSymlink.id, viaSymlink.id]);
    assert.equal(viaWorktree.defaultBranch, 'main', "the main working tree's branch, not the linked worktree's");
    const wb = await sc.request(Requests.GetWorkbench.method, {});
    assert.deepEqual(wb.repos.map((r) => r.id), [viaSymlink.id]);
  } finally {
    await sc.stop();
  }
});

test('duplicate rows of one repository are merged on start, tasks kept; a second start changes nothing', async () => {
  const dataDir = join(dir, 'data-merge');
  mkdirSync(dataDir);
  let sc = await startSidecar({ dataDir });
  const real = await sc.request(Requests.AddRepo.method, { path: repoPath });
  const a = await sc.request(Requests.CreateTask.method, { repoId: real.id, prompt: 'task of the real path' });
  const b = await sc.request(Requests.CreateTask.method, { repoId: real.id, prompt: 'task of the linked worktree' });
  const c = await sc.request(Requests.CreateTask.method, { repoId: real.id, prompt: 'task of the symlink' });
  for (const t of [a, b, c]) await sc.waitTask(t.id, 'idle');
  await sc.settle();
  await sc.stop();

  // Rows as an earlier version made them: one per path. The symlink's row is the oldest.
  const db = new Database(join(dataDir, 'foundry.db'));
  const insert = db.prepare('INSERT INTO repos (id, name, path, default_branch, setup_script, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  insert.run('repo_symlinked', 'via-symlink', symlinked, 'main', 'echo from the symlink row', 1);
  insert.run('repo_linked', 'linked-worktree', linked, 'side', 'echo from the linked row', Date.now() + 1000);
  insert.run('repo_elsewhere', 'gone', join(dir, 'no-such-repo'), 'main', null, 2);
  // b: a task from before script snapshots (NULL: it runs its repository row's script).
  db.prepare('UPDATE tasks SET repo_id = ?, setup_script = NULL WHERE id = ?').run('repo_linked', b.id);
  db.prepare('UPDATE tasks SET repo_id = ? WHERE id = ?').run('repo_symlinked', c.id);
  db.close();

  sc = await startSidecar({ dataDir });
  try {
    await sc.waitForLog(/reconciled with earlier versions: 2 duplicate repository row\(s\) merged/);
    assert.match(sc.stderr, /repository repo_linked .* merged into it/);
    assert.match(sc.stderr, new RegExp(`repository ${real.id} .* merged into it`));
    // The merge runs before the sidecar answers initialize: the client's bootstrap already shows it.
    const wb = await sc.request(Requests.GetWorkbench.method, {});
    const repos = Object.fromEntries(wb.repos.map((r) => [r.id, r]));
    assert.deepEqual(Object.keys(repos).sort(), ['repo_elsewhere', 'repo_symlinked'], 'the oldest row stays; a row whose path is no repository is left alone');
    assert.equal(repos.repo_symlinked.path, repoPath, 'its path is now the main working tree');
    assert.equal(repos.repo_symlinked.name, 'repo');
    assert.equal(repos.repo_symlinked.setupScript, 'echo from the symlink row', 'the kept row keeps its script');
    assert.deepEqual(
      wb.tasks.map((t) => [t.id, t.repoId, t.status]).sort(),
      [a, b, c].map((t) => [t.id, 'repo_symlinked', 'idle']).sort(),
      'every task kept, re-pointed to the kept row',
    );
    const again = await sc.request(Requests.AddRepo.method, { path: linked });
    assert.equal(again.id, 'repo_symlinked');
  } finally {
    await sc.stop();
  }
  // A task from before script snapshots keeps the script of the row it was made with.
  const snap = new Database(join(dataDir, 'foundry.db'), { readonly: true });
  assert.equal(snap.prepare('SELECT setup_script FROM tasks WHERE id = ?').get(b.id).setup_script, 'echo from the linked row');
  snap.close();

  sc = await startSidecar({ dataDir });
  try {
    await sc.waitForLog(/reconciled with earlier versions: 0 duplicate repository row\(s\) merged/);
    assert.doesNotMatch(sc.stderr, /merged into it|is now its main working tree/, 'nothing to merge the second time');
    const wb = await sc.request(Requests.GetWorkbench.method, {});
    assert.deepEqual(wb.repos.map((r) => r.id).sort(), ['repo_elsewhere', 'repo_symlinked']);
    assert.ok(wb.tasks.every((t) => t.repoId === 'repo_symlinked'));
  } finally {
    await sc.stop();
  }
});
