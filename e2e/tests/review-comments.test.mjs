// Review comments in a real VS Code: the agent changes a file, the user opens its diff from the
// explorer and comments on two of its lines through VS Code's own comment UI (the gutter's "+",
// the comment box, "Add Review Comment"). The task counts them in the explorer, and they are
// still there after a window reload, and one is edited; Send Review
// Comments sends both as ONE message, the chat tab shows the demo agent's echo quoting both, and
// the threads and the count go away.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { readTraffic } from '../harness/traffic.mjs';
import {
  createTask,
  editorTab,
  openFoundryView,
  openSessionFromTree,
  treeItem,
  waitForChat,
  waitForTreeDescription,
  waitForTreeItem,
} from '../harness/workbench.mjs';

const PROMPT = 'Greet the reviewers';
const BRANCH = 'e2e/review-comments';
// Monaco draws spaces as no-break spaces: the file's lines have none.
const WRITES = ['write src/greeting.txt', 'hello-there', 'wide-world', 'end', 'Greeting-written.'].join('\n');
const COMMENTS = [
  { line: 1, text: 'Spell the greeting out in full.' },
  { line: 2, text: 'Say which world is meant.' },
];

/** The diff editor's right side (the worktree's file). */
const modifiedSide = (page) => page.locator('.part.editor .monaco-diff-editor .editor.modified').first();

/** Opens a comment box on `line` of the diff's right side by its gutter "+", types `text`, adds it, and waits for the thread to show it. */
async function addComment(page, line, text) {
  const side = modifiedSide(page);
  const row = side.locator('.view-lines .view-line').nth(line - 1);
  await row.hover();
  // The "+" the hovered line shows in the gutter (a line with a thread shows the thread's glyph instead).
  const glyph = side.locator('.margin-view-overlays > div').nth(line - 1).locator('.comment-range-glyph.line-hover');
  await glyph.click();
  const widget = page.locator('.part.editor .review-widget').filter({ has: page.locator('.comment-form .monaco-editor') }).last();
  await widget.waitFor({ state: 'visible' });
  await widget.locator('.comment-form .monaco-editor textarea, .comment-form .monaco-editor .native-edit-context').first().focus();
  await page.keyboard.type(text);
  await widget.locator('.monaco-button', { hasText: 'Add Review Comment' }).click();
  await page.locator('.part.editor .review-widget .comment-body').filter({ hasText: text }).waitFor({ state: 'visible' });
}

test('two review comments on diff lines go to the agent as one message, which it echoes', async (t) => {
  const f = await openFoundry(t, {
    files: { 'src/greeting.txt': 'hello\nworld\n' },
    settings: { 'diffEditor.useInlineViewWhenSpaceIsLimited': false, 'diffEditor.renderSideBySide': true, 'git.decorations.enabled': false },
  });
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT, { branch: BRANCH });

  await t.test('the agent changes the file; its diff opens from the explorer', async () => {
    await openSessionFromTree(page, 'Chat 1');
    const frame = await waitForChat(page);
    await sendMessage(frame, WRITES);
    const c = chatParts(frame);
    await c.permission.filter({ hasText: 'Write src/greeting.txt' }).waitFor({ state: 'visible' });
    await c.permissionOptions.filter({ hasText: 'Allow once' }).click();
    await waitForAgentText(frame, 'Greeting-written.');

    const changes = await waitForTreeDescription(page, /^Changes/, '+2 -2 · 1 file');
    await changes.click();
    await (await waitForTreeItem(page, 'greeting.txt')).click();
    await editorTab(page, 'greeting.txt (Base ↔ Worktree)').waitFor({ state: 'visible' });
    await modifiedSide(page).locator('.view-lines').filter({ hasText: 'wide-world' }).waitFor({ state: 'visible' });
  });

  await t.test("two comments through VS Code's comment UI; the explorer counts them", async () => {
    for (const { line, text } of COMMENTS) await addComment(page, line, text);
    await waitForTreeItem(page, '2 review comments');
    await f.shot('review-comments-threads');
    const adds = readTraffic(f.trafficLog).filter((m) => m.direction === 'in' && m.method === 'foundry/addReviewComment');
    assert.equal(adds.length, 2, 'each comment was stored in the sidecar');
  });

  await t.test('after a window reload the diff shows both threads again (the sidecar keeps them)', async () => {
    await f.reload();
    await openFoundryView(page);
    await waitForTreeItem(page, '2 review comments');
    const changes = await waitForTreeItem(page, /^Changes/);
    if ((await changes.getAttribute('aria-expanded')) !== 'true') await changes.click();
    await (await waitForTreeItem(page, 'greeting.txt')).click();
    await editorTab(page, 'greeting.txt (Base ↔ Worktree)').waitFor({ state: 'visible' });
    for (const { text } of COMMENTS) await page.locator('.part.editor .review-widget .comment-body').filter({ hasText: text }).waitFor({ state: 'visible' });
  });

  await t.test("a comment's Edit and Save change what the sidecar keeps", async () => {
    const widget = page.locator('.part.editor .review-widget').filter({ hasText: COMMENTS[1].text }).first();
    await widget.hover();
    await widget.locator('.action-label[aria-label="Edit"]').click();
    await widget.locator('.monaco-editor textarea, .monaco-editor .native-edit-context').first().focus();
    await page.keyboard.press('ControlOrMeta+a');
    COMMENTS[1].text = 'Say which world is meant, please.';
    await page.keyboard.type(COMMENTS[1].text);
    await widget.locator('.monaco-button', { hasText: 'Save' }).click();
    await page.locator('.part.editor .review-widget .comment-body').filter({ hasText: COMMENTS[1].text }).waitFor({ state: 'visible' });
    const edits = readTraffic(f.trafficLog).filter((m) => m.direction === 'in' && m.method === 'foundry/editReviewComment');
    assert.equal(edits.length, 1);
  });

  await t.test('Send Review Comments sends ONE message; the chat shows the echo quoting both; threads and count go', async () => {
    const row = treeItem(page, '2 review comments').first();
    await row.hover();
    await row.locator('.actions .action-label[aria-label="Send Review Comments"]').click();
    await editorTab(page, 'Chat 1').waitFor({ state: 'visible' });
    const frame = await waitForChat(page);
    const c = chatParts(frame);
    const message = c.userMessages.filter({ hasText: `Review comments on ${PROMPT}:` });
    await message.waitFor({ state: 'visible' });
    assert.equal(await message.count(), 1, 'one message');
    const text = (await message.textContent()) ?? '';
    for (const part of ['src/greeting.txt:1', 'hello-there', COMMENTS[0].text, 'src/greeting.txt:2', 'wide-world', COMMENTS[1].text]) {
      assert.ok(text.includes(part), `the message quotes ${part}: ${text}`);
    }
    // The demo agent echoes the message: both comments come back in its reply.
    for (const { text: comment } of COMMENTS) await waitForAgentText(frame, comment);
    await waitForAgentText(frame, 'src/greeting.txt:2');
    await treeItem(page, '2 review comments').waitFor({ state: 'hidden' });
    const sends = readTraffic(f.trafficLog).filter((m) => m.direction === 'in' && (m.method === 'foundry/sendReviewComments' || m.method === 'foundry/sendMessage'));
    assert.deepEqual(sends.map((m) => m.method), ['foundry/sendMessage', 'foundry/sendReviewComments'], 'the comments went in one request (after the first message)');

    await editorTab(page, 'greeting.txt (Base ↔ Worktree)').click();
    await page.locator('.part.editor .review-widget .comment-body').first().waitFor({ state: 'hidden' });
    await f.shot('review-comments-sent');
  });
});
