// The Attention view lists what needs the user across sessions. Two sessions of one task ask for
// permission: the view, its badge and the status bar count both, and a notification offers to
// open the one no tab shows. The user answers the other one's file write from the view with the
// agent's own "Allow once": the file appears in the worktree and its item goes, while the first
// session's request stays as it was, until it too is answered from the view. A task whose agent is
// missing shows with Install and Retry; an unread session goes once its tab is opened from the view.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import {
  attentionItem,
  createTask,
  editorTab,
  foundryBadge,
  foundryStatus,
  foundryView,
  notification,
  openFoundryView,
  pickQuickItem,
  runCommand,
  waitForChat,
  waitForTreeDescription,
} from '../harness/workbench.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';

// The task's prompt is its first session's first message: a demo agent line that asks permission.
const PROMPT = 'permission Publish the notes';
const BRANCH = 'e2e/attention';

/** The option rows of one session's request in the Attention view, by the session's name. */
const optionRows = (page, sessionName) =>
  foundryView(page).locator(`[role="tree"][aria-label="Attention"] .monaco-list-row[role="treeitem"][aria-label*=": answer ${sessionName} of "]`);

test('a permission request is answered from the Attention view; the other session of the task keeps its own', async (t) => {
  const f = await openFoundry(t);
  const { page } = f;
  await openFoundryView(page);
  await foundryView(page).getByText('Nothing needs you.').waitFor({ state: 'visible' });

  // Chat 1 asks as soon as the task has provisioned, with no tab open: the view lists it, and the
  // focused window notifies.
  await createTask(page, PROMPT, { branch: BRANCH, until: null });
  const first = attentionItem(page, `Chat 1 — ${PROMPT}`);
  await first.filter({ hasText: 'Needs input: Publish the notes' }).waitFor({ state: 'visible' });
  await optionRows(page, 'Chat 1').first().waitFor({ state: 'visible' });
  assert.deepEqual(await optionRows(page, 'Chat 1').allInnerTexts(), ['Allow once', 'Always allow', 'Reject'], "the agent's own options, in its order");
  await foundryBadge(page).filter({ hasText: /^1$/ }).waitFor({ state: 'visible' });
  await foundryStatus(page).filter({ hasText: /Foundry: 1 running, +1 needs you/ }).waitFor({ state: 'visible' });
  const toast = notification(page, '"Chat 1" in "permission Publish the notes"').filter({ hasText: 'needs your input' });
  await toast.waitFor({ state: 'visible' });

  // "Open" on the notification opens Chat 1's tab, which shows the same request.
  await toast.getByRole('button', { name: 'Open' }).click();
  await editorTab(page, 'Chat 1').waitFor({ state: 'visible' });
  const chat1 = chatParts(await waitForChat(page));
  await chat1.permission.filter({ hasText: 'Publish the notes' }).waitFor({ state: 'visible' });

  // Chat 2 of the same task asks before writing a file; its tab is in front, so no toast for it.
  await runCommand(page, 'Foundry: New Session');
  await pickQuickItem(page, PROMPT);
  await editorTab(page, 'Chat 2').waitFor({ state: 'visible' });
  const frame2 = await waitForChat(page);
  const chat2 = chatParts(frame2);
  await sendMessage(frame2, 'write notes/attention.txt\nAnswered from the Attention view\nend\nDone.');
  const second = attentionItem(page, `Chat 2 — ${PROMPT}`);
  await second.filter({ hasText: 'Needs input: Write notes/attention.txt' }).waitFor({ state: 'visible' });
  await foundryBadge(page).filter({ hasText: /^2$/ }).waitFor({ state: 'visible' });
  await foundryStatus(page).filter({ hasText: /Foundry: 1 running, +2 need you/ }).waitFor({ state: 'visible' });
  assert.deepEqual(await optionRows(page, 'Chat 2').allInnerTexts(), ['Allow once', 'Always allow', 'Reject']);
  assert.equal(await notification(page, '"Chat 2"').count(), 0, 'the request shows in the visible tab: no toast');
  await f.shot('attention-two-requests');

  // The user answers Chat 2 from the view with the agent's "Allow once".
  await optionRows(page, 'Chat 2').filter({ hasText: 'Allow once' }).click();
  await waitForAgentText(frame2, 'Done.');
  await second.waitFor({ state: 'detached' });
  await chat2.permission.waitFor({ state: 'hidden' });
  const file = join(worktreeOf(f.repoPath, BRANCH), 'notes', 'attention.txt');
  assert.equal(readFileSync(file, 'utf8'), 'Answered from the Attention view\n');

  // Chat 1 is as it was: still asking, with its options, and counted alone.
  await foundryBadge(page).filter({ hasText: /^1$/ }).waitFor({ state: 'visible' });
  await foundryStatus(page).filter({ hasText: /Foundry: 1 running, +1 needs you/ }).waitFor({ state: 'visible' });
  await first.filter({ hasText: 'Needs input: Publish the notes' }).waitFor({ state: 'visible' });
  assert.deepEqual(await optionRows(page, 'Chat 1').allInnerTexts(), ['Allow once', 'Always allow', 'Reject']);
  await waitForTreeDescription(page, 'Chat 1', 'Needs input');

  // Answered from the view too, it goes; nothing needs the user any more.
  await optionRows(page, 'Chat 1').filter({ hasText: 'Reject' }).click();
  await first.waitFor({ state: 'detached' });
  await foundryView(page).getByText('Nothing needs you.').waitFor({ state: 'visible' });
  await foundryBadge(page).filter({ hasText: /^\d+$/ }).waitFor({ state: 'hidden' });
  await foundryStatus(page).filter({ hasText: /^\W*Foundry\W*$/ }).waitFor({ state: 'visible' });
  await editorTab(page, 'Chat 1').click();
  await waitForAgentText(await waitForChat(page), 'permission: reject_once');
});

test('a task whose agent is not installed shows in the Attention view with the way out: Install, then Retry', async (t) => {
  // No Claude Code in the run's isolated data folder nor on its PATH.
  const f = await openFoundry(t, { settings: { 'foundry.defaultAgent': 'claude' } });
  const { page } = f;
  await openFoundryView(page);
  const prompt = 'Fix the login form';
  await createTask(page, prompt, { branch: 'e2e/missing-agent', until: 'Error' });
  const item = attentionItem(page, `Chat 1 — ${prompt}`).filter({ hasText: 'Claude Code · Error: Claude Code is not installed' });
  await item.waitFor({ state: 'visible' });
  await foundryBadge(page).filter({ hasText: /^1$/ }).waitFor({ state: 'visible' });
  await foundryStatus(page).filter({ hasText: /1 error, +1 needs you/ }).waitFor({ state: 'visible' });
  await item.hover();
  for (const action of ['Install Agent', 'Retry Task', 'Open Session']) {
    await item.locator(`.actions .action-label[aria-label="${action}"]`).waitFor({ state: 'visible' });
  }
  assert.equal(await item.locator('.actions .action-label[aria-label="Configure Agent"]').count(), 0, 'it lacks an install, not credentials');
  await f.shot('attention-missing-agent');
});

test('a turn that ended while no tab watched is listed as unread; clicking it opens the tab and it goes', async (t) => {
  const f = await openFoundry(t);
  const { page } = f;
  await openFoundryView(page);
  const prompt = 'Summarise the readme';
  // The task's first turn runs and ends with no chat tab open.
  await createTask(page, prompt, { branch: 'e2e/unread' });
  const item = attentionItem(page, `Chat 1 — ${prompt}`).filter({ hasText: 'Unread: Finished while you were away' });
  await item.waitFor({ state: 'visible' });
  await foundryBadge(page).filter({ hasText: /^1$/ }).waitFor({ state: 'visible' });
  await foundryStatus(page).filter({ hasText: /^\W*Foundry: 1 needs you\W*$/ }).waitFor({ state: 'visible' });

  await item.click();
  await editorTab(page, 'Chat 1').waitFor({ state: 'visible' });
  await waitForAgentText(await waitForChat(page), prompt);
  await item.waitFor({ state: 'detached' });
  await foundryView(page).getByText('Nothing needs you.').waitFor({ state: 'visible' });
  await foundryBadge(page).filter({ hasText: /^\d+$/ }).waitFor({ state: 'hidden' });
});
