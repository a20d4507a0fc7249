// The chat tab's session controls in a real VS Code (code-server) with the demo agent: Stop ends a
// streaming turn; a message sent during a turn waits in the queue and goes once the turn ends; the
// mode picker's "Accept edits" lets the next write through without a permission prompt;
// "Continue with…" opens a new session of the same task whose first message is the digest; and an
// agent that exits shows the error banner, whose Restart (then Send queued) carries on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatParts, continueWith, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import {
  createTask,
  editorTab,
  openFoundryView,
  openSessionFromTree,
  treeItem,
  waitForChat,
  waitForTreeItem,
} from '../harness/workbench.mjs';

const PROMPT = 'Say hello to the controls';

test('the chat tab controls a session: Stop, the queue, the mode picker and Continue with…', async (t) => {
  const f = await openFoundry(t);
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT, { branch: 'e2e/chat-controls' });
  await openSessionFromTree(page, 'Chat 1');
  const frame = await waitForChat(page);
  const c = chatParts(frame);
  await waitForAgentText(frame, PROMPT);

  await t.test('Stop ends a streaming turn and the tab shows it stopped', async () => {
    await sendMessage(frame, 'Streaming a long answer, piece by piece.\nhang');
    await waitForAgentText(frame, 'Streaming a long answer, piece by piece.');
    await c.status.filter({ hasText: 'The agent is working' }).waitFor({ state: 'visible' });
    await c.stop.click();
    await c.notices.filter({ hasText: 'Turn cancelled.' }).waitFor({ state: 'visible' });
    await c.stop.waitFor({ state: 'hidden' });
    await c.status.filter({ hasText: 'The agent is working' }).waitFor({ state: 'hidden' });
  });

  await t.test('a message sent during a turn shows as queued, then goes once the turn ends and gets its reply', async () => {
    // The turn waits on a permission answer, so it is surely still running while the next message is typed.
    await sendMessage(frame, 'Before the question.\npermission Go on\nAfter the answer.');
    await c.permission.filter({ hasText: 'Go on' }).waitFor({ state: 'visible' });
    await c.input.fill('A queued question');
    await c.send.click();
    await c.queued.filter({ hasText: 'A queued question' }).waitFor({ state: 'visible' });
    assert.equal(await c.userMessages.filter({ hasText: 'A queued question' }).count(), 0, 'not sent while the turn runs');
    assert.equal(await c.input.inputValue(), '', 'the box is free for the next one');
    await f.shot('chat-queued');

    await c.permissionOptions.filter({ hasText: 'Allow once' }).click();
    await waitForAgentText(frame, 'After the answer.');
    await c.userMessages.filter({ hasText: 'A queued question' }).waitFor({ state: 'visible' });
    await waitForAgentText(frame, 'A queued question');
    await c.queue.waitFor({ state: 'hidden' });
    const order = await c.agentMessages.allTextContents();
    assert.ok(
      order.findIndex((m) => m.includes('After the answer.')) < order.findIndex((m) => m.includes('A queued question')),
      'the queued message was answered after the turn it waited for',
    );
  });

  await t.test('with the mode set to Accept edits, the next write goes through without a permission prompt', async () => {
    const offered = await c.modePicker.locator('option').allTextContents();
    assert.deepEqual(offered.slice(0, 3), ['Ask', 'Accept edits', 'Full access'], `policies first: ${offered.join(', ')}`);
    assert.ok(offered.includes('Plan only'), `then the agent's own modes: ${offered.join(', ')}`);
    await c.modePicker.selectOption({ label: 'Accept edits' });
    await c.systemLine('mode_changed').filter({ hasText: 'Accept edits' }).waitFor({ state: 'visible' });
    assert.equal(await c.modePicker.inputValue(), 'accept_edits');

    // In `ask` this write would wait for an answer that never comes: the reply arriving is the proof.
    await sendMessage(frame, 'write notes/controls.txt\nwritten without asking\nend\nThe note is written.');
    await waitForAgentText(frame, 'The note is written.');
    await c.tools.filter({ hasText: 'notes/controls.txt' }).and(frame.locator('[data-status="completed"]')).waitFor({ state: 'visible' });
    assert.equal(await c.permission.isVisible(), false, 'no permission prompt');
  });

  await t.test('"Continue with…" opens a new session of the same task whose first message carries the digest', async () => {
    const { frame: next, digest: text } = await continueWith(page, c, 'Demo (offline)');
    assert.match(text, /A queued question/, "the earlier user's messages");
    assert.match(text, /The note is written\./, "the earlier agent's answers");
    assert.match(text, /- notes\/controls\.txt/, 'the files changed');
    await waitForAgentText(next, 'You are continuing a conversation');
    // The same task holds both sessions; the earlier one links to its continuation.
    await waitForTreeItem(page, 'Chat 2');
    assert.equal(await treeItem(page, PROMPT).count(), 1, 'no new task');
    await f.shot('chat-handoff');

    await editorTab(page, 'Chat 1').click();
    const back = chatParts(await waitForChat(page));
    const link = back.systemLine('handoff').filter({ hasText: 'Continued in Chat 2' });
    await link.waitFor({ state: 'visible' });
    await link.locator('.notice-link').click();
    await page.locator('.part.editor .tabs-container .tab.active', { hasText: 'Chat 2' }).waitFor({ state: 'visible' });
    assert.equal(await editorTab(page, 'Chat 2').count(), 1, 'the open tab came to the front; no second one');
  });

  await t.test('an agent that exits shows the error banner; sending says to restart; Restart and Send queued carry on', async () => {
    const frame2 = await waitForChat(page);
    const n = chatParts(frame2);
    await waitForAgentText(frame2, 'You are continuing a conversation');
    await n.stop.waitFor({ state: 'hidden' });
    await sendMessage(frame2, 'Going down after the answer.\npermission Crash now\nexit 3');
    await n.permission.filter({ hasText: 'Crash now' }).waitFor({ state: 'visible' });
    await n.input.fill('After the crash');
    await n.send.click();
    await n.queued.filter({ hasText: 'After the crash' }).waitFor({ state: 'visible' });
    await n.permissionOptions.filter({ hasText: 'Allow once' }).click();

    await n.errorBanner.filter({ hasText: 'The agent process exited with code 3' }).waitFor({ state: 'visible' });
    await n.systemLine('agent_exited').filter({ hasText: 'exited with code 3' }).waitFor({ state: 'visible' });
    assert.ok(await n.restart.isVisible(), 'the toolbar offers Restart too');
    await n.queue.filter({ hasText: 'paused' }).waitFor({ state: 'visible' });
    assert.equal(await n.sendQueued.count(), 0, 'Send queued waits for the Restart');
    // The banner pushed the transcript up; it still shows its end.
    const inView = await n.systemLine('agent_exited').evaluate(
      (el) =>
        new Promise((resolve) => {
          const seen = new IntersectionObserver(([e]) => e.isIntersecting && resolve(true));
          seen.observe(el);
          setTimeout(() => resolve(false), 10_000); // a bound on the failure, not a wait
        }),
    );
    assert.ok(inView, 'the end of the transcript is in view under the banner');
    await f.shot('chat-error');

    // A message to a session in error is refused with the reason; the box keeps it.
    await n.input.fill('Are you there?');
    await n.send.click();
    await n.status.filter({ hasText: 'Restart it first' }).waitFor({ state: 'visible' });
    assert.equal(await n.input.inputValue(), 'Are you there?');

    await n.errorBanner.locator('[data-action="restart"]').click();
    await n.errorBanner.waitFor({ state: 'hidden' });
    await n.sendQueued.click();
    await waitForAgentText(frame2, 'After the crash');
    await n.queue.waitFor({ state: 'hidden' });
  });
});
