// Checkpoints in the chat tab, in a real VS Code (code-server) with the demo agent: a turn
// rewrites a file and adds another; "Undo Last Turn" brings the worktree back as the turn found it,
// and the tab says how many files it restored. Every user message carries "Restore to here".
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { createTask, openFoundryView, openSessionFromTree, waitForChat } from '../harness/workbench.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';

const PROMPT = 'Say hello before the undo';
const BRANCH = 'e2e/undo-last-turn';

test('Undo Last Turn in the chat tab brings the files back as they were before the turn', async (t) => {
  const f = await openFoundry(t);
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT, { branch: BRANCH });
  await openSessionFromTree(page, 'Chat 1');
  const frame = await waitForChat(page);
  const c = chatParts(frame);
  await waitForAgentText(frame, PROMPT);
  const worktree = worktreeOf(f.repoPath, BRANCH);
  assert.equal(readFileSync(join(worktree, 'src/hello.txt'), 'utf8'), 'hello\n');

  await c.modePicker.selectOption({ label: 'Accept edits' });
  await c.systemLine('mode_changed').filter({ hasText: 'Accept edits' }).waitFor({ state: 'visible' });
  await sendMessage(frame, 'write src/hello.txt\nrewritten by the agent\nend\nwrite notes/added.txt\nadded by the agent\nend\nBoth files are written.');
  await waitForAgentText(frame, 'Both files are written.');
  assert.equal(readFileSync(join(worktree, 'src/hello.txt'), 'utf8'), 'rewritten by the agent\n');
  assert.ok(existsSync(join(worktree, 'notes/added.txt')));

  const undo = frame.locator('[data-role="undo-last-turn"]:not([disabled])');
  await undo.waitFor({ state: 'visible' });
  assert.ok((await frame.locator('[data-role="restore-here"]').count()) >= 2, 'a Restore to here marker at each user message');
  await undo.click();
  const status = frame.locator('[data-role="restore-status"]');
  await status.filter({ hasText: 'Restored: 2 files (1 written, 1 removed)' }).waitFor({ state: 'visible' });
  await f.shot('undo-last-turn');

  assert.equal(readFileSync(join(worktree, 'src/hello.txt'), 'utf8'), 'hello\n', 'the rewritten file is back as before');
  assert.equal(existsSync(join(worktree, 'notes/added.txt')), false, 'the added file is gone');
});
