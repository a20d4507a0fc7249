// Reviewing a task's work in a real VS Code: the agent writes two files, and the task's "Changes"
// node lists them with their counts and Source Control marks through the sidecar's pushes alone
// (every fetch of the list follows a push). A click opens VS Code's own diff editor with the base
// on the left and the worktree on the right; an added file diffs against an empty side; "Open All
// Changes" opens the multi-file diff editor. Reverting a file (confirmed, saying it can be undone)
// takes it off the list and puts its base content back in the worktree; "Undo" in the notification
// brings the agent's version back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { readTraffic } from '../harness/traffic.mjs';
import {
  createTask,
  editorTab,
  notification,
  openFoundryView,
  openSessionFromTree,
  treeItem,
  waitForChat,
  waitForTreeDescription,
  waitForTreeItem,
} from '../harness/workbench.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';

const PROMPT = 'Review the greeting';
const BRANCH = 'e2e/review';
const BASE_HELLO = 'hello\n';

// Monaco draws spaces as no-break spaces: texts without spaces compare as they are.
const WRITES = ['write src/hello.txt', 'hello-review', 'end', 'write src/added.txt', 'brand-new', 'second-line', 'end', 'Both-files-written.'].join('\n');

/** The Source Control letter VS Code draws after a row's label (a file decoration), once it is `letter`. */
async function waitForMark(page, row, letter) {
  const label = await row.locator('.monaco-icon-label').first().elementHandle();
  await page.waitForFunction(([el, want]) => getComputedStyle(el, '::after').content === JSON.stringify(want), [label, letter]);
}

/** The texts of the active diff editor's two sides, once they show `original` and `modified`. */
async function diffSides(page, original, modified) {
  const side = (which) => page.locator(`.part.editor .monaco-diff-editor .editor.${which} .view-lines`).first();
  if (original) await side('original').filter({ hasText: original }).waitFor({ state: 'visible' });
  await side('modified').filter({ hasText: modified }).waitFor({ state: 'visible' });
  return { original: (await side('original').textContent()) ?? '', modified: (await side('modified').textContent()) ?? '' };
}

test('changed files under the task through pushes, the native diff editor, revert and undo', async (t) => {
  const f = await openFoundry(t, {
    files: { 'src/hello.txt': BASE_HELLO },
    // The diff editor stays side by side in any window width. The marks are Foundry's own: VS
    // Code's git extension, which may open the worktree too, adds none.
    settings: { 'diffEditor.useInlineViewWhenSpaceIsLimited': false, 'diffEditor.renderSideBySide': true, 'git.decorations.enabled': false },
  });
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT, { branch: BRANCH });
  const worktree = worktreeOf(f.repoPath, BRANCH);
  const changes = () => treeItem(page, /^Changes/).first();

  let expandedAt = 0;
  await t.test('the Changes node lists the files the agent writes, with counts and marks, through pushes alone', async () => {
    const node = await waitForTreeDescription(page, /^Changes/, 'none');
    expandedAt = Date.now();
    await node.click();
    await waitForTreeItem(page, 'No file changed against the base.');

    await openSessionFromTree(page, 'Chat 1');
    const frame = await waitForChat(page);
    await sendMessage(frame, WRITES);
    // The agent asks before its first write; "Always allow" lets the second one through too.
    const c = chatParts(frame);
    await c.permission.filter({ hasText: 'Write src/hello.txt' }).waitFor({ state: 'visible' });
    await c.permissionOptions.filter({ hasText: 'Always allow' }).click();
    await waitForAgentText(frame, 'Both-files-written.');

    // Nothing is clicked from here on: the list follows the task's pushes.
    await waitForTreeDescription(page, /^Changes/, '+3 -1 · 2 files');
    const hello = await waitForTreeDescription(page, 'hello.txt', 'src · +1 -1');
    const added = await waitForTreeDescription(page, 'added.txt', 'src · +2 -0');
    await treeItem(page, 'No file changed against the base.').waitFor({ state: 'hidden' });
    await waitForMark(page, hello, 'M');
    await waitForMark(page, added, 'U');
    await f.shot('review-changes');

    // No polling: each fetch of the list after the first follows a push of the workbench.
    const traffic = readTraffic(f.trafficLog).filter((m) => m.at >= expandedAt);
    const fetches = traffic.map((m, i) => ({ m, i })).filter(({ m }) => m.direction === 'in' && m.method === 'foundry/getFileChanges');
    t.diagnostic(`getFileChanges requests since the node was expanded: ${fetches.length}`);
    assert.ok(fetches.length >= 2, 'the list was fetched on expansion and again after the writes');
    for (let k = 1; k < fetches.length; k++) {
      const between = traffic.slice(fetches[k - 1].i + 1, fetches[k].i);
      assert.ok(
        between.some((m) => m.direction === 'out' && m.method === 'foundry/workbenchUpdated'),
        `fetch ${k + 1} of the list came after a push (${between.map((m) => `${m.direction} ${m.method}`).join(', ')})`,
      );
    }
  });

  await t.test("a click opens VS Code's diff editor: the base on the left, the worktree on the right", async () => {
    await treeItem(page, 'hello.txt').first().click();
    await editorTab(page, 'hello.txt (Base ↔ Worktree)').waitFor({ state: 'visible' });
    const sides = await diffSides(page, 'hello', 'hello-review');
    assert.equal(sides.original, 'hello');
    assert.equal(sides.modified, 'hello-review');

    // An added file: the left side is empty.
    await treeItem(page, 'added.txt').first().click();
    await editorTab(page, 'added.txt (Base ↔ Worktree)').waitFor({ state: 'visible' });
    const addedSides = await diffSides(page, undefined, 'brand-new');
    assert.equal(addedSides.original, '');
    assert.equal(addedSides.modified, 'brand-newsecond-line');
    await f.shot('review-diff');
  });

  await t.test('Open All Changes opens the multi-file diff editor with both files', async () => {
    const node = changes();
    await node.hover();
    await node.locator('.actions .action-label[aria-label="Open All Changes"]').click();
    await editorTab(page, `${PROMPT}: Changes (Base ↔ Worktree)`).waitFor({ state: 'visible' });
    const editor = page.locator('.part.editor .editor-instance').filter({ has: page.locator('.multiDiffEditor') }).first();
    for (const name of ['hello.txt', 'added.txt']) await editor.getByText(name, { exact: true }).first().waitFor({ state: 'visible' });
  });

  await t.test('Revert File asks first, takes the file off the list and puts its base content back; Undo restores it', async () => {
    const row = treeItem(page, 'hello.txt').first();
    await row.hover();
    await row.locator('.actions .action-label[aria-label="Revert File"]').click();
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'Revert src/hello.txt?' });
    await dialog.filter({ hasText: '"Undo" in the notification that follows restores it' }).waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: 'Revert File' }).click();

    await treeItem(page, 'hello.txt').waitFor({ state: 'hidden' });
    await waitForTreeDescription(page, /^Changes/, '+2 -0 · 1 file');
    assert.equal(readFileSync(join(worktree, 'src', 'hello.txt'), 'utf8'), BASE_HELLO, 'the worktree has the base version again');
    await waitForTreeItem(page, 'added.txt');

    await notification(page, 'reverted src/hello.txt').getByRole('button', { name: 'Undo' }).click();
    await waitForTreeDescription(page, 'hello.txt', 'src · +1 -1');
    await waitForTreeDescription(page, /^Changes/, '+3 -1 · 2 files');
    assert.equal(readFileSync(join(worktree, 'src', 'hello.txt'), 'utf8'), 'hello-review\n', "the agent's version is back");
    await f.shot('review-undo');
  });
});
