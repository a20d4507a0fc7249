// Create Task from Branch / Pull Request and Open Worktree in New Window, as plain data: the
// branches offered (free ones, not the default), the pull request number as typed, and the folder
// and options `vscode.openFolder` gets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { branchPicks, OtherBranch, parsePullRequest } from '../../src/commands/branchPicks';
import { worktreeWindow } from '../../src/commands/worktreeWindow';
import { task } from './fixtures';

test('the branch picker offers branches no task has, not the default one, then "Enter a branch name"', () => {
  const picks = branchPicks(
    {
      branches: [
        { name: 'main', ahead: 0, behind: 0 },
        { name: 'feature', ahead: 2, behind: 1, upstream: 'origin/feature', lastCommit: { sha: 'abc', subject: 'Add the form', at: 1 } },
        { name: 'foundry/taken', ahead: 1, behind: 0, taskId: 't1' },
      ],
    },
    'main',
  );
  assert.deepEqual(picks.map((p) => p.branch), ['feature', undefined]);
  assert.equal(picks[0].description, '↑2 ↓1 · origin/feature');
  assert.equal(picks[0].detail, 'Add the form');
  assert.equal(picks.at(-1), OtherBranch);
  assert.deepEqual(branchPicks({ branches: [] }, 'main'), [OtherBranch], 'an empty overview still lets the user type a name');
});

test('a pull request number may be typed with #; anything else says what to type', () => {
  assert.equal(parsePullRequest('7'), 7);
  assert.equal(parsePullRequest(' #42 '), 42);
  for (const bad of ['', '0', '-3', '7a', '1.5']) assert.equal(typeof parsePullRequest(bad), 'string', bad);
});

test('Open Worktree in New Window opens the worktree folder in a new window, or says why it cannot', () => {
  assert.deepEqual(worktreeWindow(task({ worktreePath: '/data/worktrees/t1' })), { folder: '/data/worktrees/t1', options: { forceNewWindow: true } });
  const pending = worktreeWindow(task({ status: 'init_create_sandbox' }));
  assert.ok('notice' in pending && /not created yet \(Creating worktree\)/.test(pending.notice));
  const archived = worktreeWindow(task({ status: 'archived', worktreePath: '/data/worktrees/t1' }));
  assert.ok('notice' in archived && /archived/.test(archived.notice));
});
