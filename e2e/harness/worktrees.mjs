// A task's worktree on disk, found the way a user would: git's own list for the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

/** The worktree folder of `branch` in the repository at `repoPath`, as `git worktree list` gives it. */
export function worktreeOf(repoPath, branch) {
  const porcelain = execFileSync('git', ['-C', repoPath, 'worktree', 'list', '--porcelain'], { encoding: 'utf8' });
  const entry = porcelain.split('\n\n').find((block) => block.includes(`branch refs/heads/${branch}`));
  assert.ok(entry, `a worktree for ${branch} in:\n${porcelain}`);
  return entry.split('\n')[0].replace(/^worktree /, '');
}
