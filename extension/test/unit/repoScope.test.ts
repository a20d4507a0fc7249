// Which repositories a window's explorer shows: its workspace folders' repositories, matched by
// identity (a symlinked path or a linked worktree is the same repository), or every repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoIdentity } from '../../src/views/repoIdentity';
import { RepoScope } from '../../src/views/repoScope';
import { repo } from './fixtures';

test('the scope shows only the window\'s repositories until "Show All Repositories", and says when it changes', () => {
  const scope = new RepoScope();
  let changes = 0;
  scope.onDidChange(() => changes++);
  const mine = repo({ id: 'r1', path: '/work/mine' });
  const other = repo({ id: 'r2', path: '/work/other' });
  assert.deepEqual(scope.visible([mine, other]), [], 'an empty window shows nothing by default');
  scope.setWorkspaceRepos(['/work/mine']);
  assert.deepEqual(scope.visible([mine, other]).map((r) => r.id), ['r1']);
  scope.setWorkspaceRepos(['/work/mine']);
  assert.equal(changes, 1, 'the same folders again change nothing');
  scope.setShowAll(true);
  assert.deepEqual(scope.visible([mine, other]).map((r) => r.id), ['r1', 'r2']);
  assert.equal(changes, 2);
});

test('a repository reached through a symlink, a subfolder or one of its worktrees has one identity', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'foundry-identity-')));
  try {
    const main = join(dir, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', main, ...args], { stdio: 'pipe' });
    execFileSync('git', ['init', '-q', '-b', 'main', main]);
    writeFileSync(join(main, 'a.txt'), 'a\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
    git('worktree', 'add', '-q', join(dir, 'wt'), '-b', 'feature');
    symlinkSync(main, join(dir, 'link'));
    execFileSync('mkdir', ['-p', join(main, 'sub', 'deeper')]);
    for (const path of [main, join(dir, 'link'), join(main, 'sub', 'deeper'), join(dir, 'wt')]) {
      assert.equal(await repoIdentity(path), main, path);
    }
    assert.equal(await repoIdentity(dir), undefined, 'a folder outside any repository has none');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
