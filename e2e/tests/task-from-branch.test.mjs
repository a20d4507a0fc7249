// Create Task from Branch in a real VS Code: the user's repository has a branch with work on it;
// "Foundry: Create Task from Branch…" offers the branches (or, while the repository overview is
// not there, asks for the name), then the prompt and the agent as Create Task does. The task
// provisions on that branch, its work intact, and the user's own checkout does not move.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { git, writeFile } from '../../test/gitRepo.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { answerInput, answerPick, openFoundryView, runCommand, waitForTreeDescription } from '../harness/workbench.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';

const PROMPT = 'Finish the login form';

test('Create Task from Branch starts a task on an existing branch, its work intact', async (t) => {
  const f = await openFoundry(t);
  const { page, repoPath } = f;
  git(repoPath, 'checkout', '-q', '-b', 'feature/login');
  writeFile(repoPath, 'src/login.txt', 'half-done\n');
  git(repoPath, 'add', '-A');
  git(repoPath, 'commit', '-q', '-m', 'login form, half done');
  git(repoPath, 'checkout', '-q', 'main');

  await openFoundryView(page);
  await runCommand(page, 'Foundry: Create Task from Branch…');
  // The branch list comes from the repository overview; without one, Foundry asks for the name.
  const pick = page.locator('.quick-input-widget .quick-input-box input[placeholder*="Start the task on which branch?"]');
  const input = page.locator('.quick-input-widget .quick-input-message', { hasText: 'The existing branch the task works on' });
  await Promise.race([pick.waitFor({ state: 'visible' }), input.waitFor({ state: 'visible' })]);
  if (await pick.isVisible()) await answerPick(page, 'Start the task on which branch?', 'Enter a branch name');
  await answerInput(page, 'The existing branch the task works on', 'feature/login');
  await answerInput(page, 'What should the agent do?', PROMPT);
  await answerPick(page, 'Which agent works on the task?');
  // Idle, with the branch's own work as its change against the base (and the commit it is ahead by).
  await waitForTreeDescription(page, PROMPT, /^\+1 -0 · ↑1/, { timeout: 60_000 });

  const worktree = worktreeOf(repoPath, 'feature/login');
  assert.equal(readFileSync(join(worktree, 'src', 'login.txt'), 'utf8'), 'half-done\n', "the branch's work is in the worktree");
  assert.equal(git(worktree, 'log', '-1', '--format=%s').trim(), 'login form, half done', 'nothing was reset');
  assert.equal(git(repoPath, 'symbolic-ref', '--short', 'HEAD').trim(), 'main', "the user's checkout did not move");
  assert.equal(existsSync(join(repoPath, 'src', 'login.txt')), false);
  await f.shot('task-from-branch');
});
