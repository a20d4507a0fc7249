// Helpers that drive the VS Code workbench the way a user does: the command palette, the Foundry
// view, quick inputs, editor tabs and the chat webview. Every helper waits on UI state.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR } from './paths.mjs';

export const DEFAULT_TIMEOUT = 30_000;

/** Waits until the workbench has rendered its parts. */
export async function waitForWorkbench(page, timeout = 60_000) {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

const quickInput = (page) => page.locator('.quick-input-widget');
const quickInputBox = (page) => page.locator('.quick-input-widget .quick-input-box input');

/**
 * Runs a command by its palette title (e.g. "Foundry: Create Task"): F1, type, wait until the
 * highlighted entry is that command, Enter.
 */
export async function runCommand(page, title, { timeout = DEFAULT_TIMEOUT } = {}) {
  await dismissQuickInput(page);
  await page.locator('.monaco-workbench').focus().catch(() => {});
  await page.keyboard.press('F1');
  await quickInputBox(page).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).fill(`>${title}`);
  const focused = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
  await focused.filter({ hasText: title }).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).press('Enter');
}

/** Closes any open quick input (palette, pick or input box). */
async function dismissQuickInput(page) {
  if (await quickInput(page).isVisible()) {
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden' });
  }
}

/**
 * Answers the open input box (showInputBox): waits for one whose prompt contains `promptText`,
 * types `value`, presses Enter and waits for that prompt to go away. Returns the time Enter was
 * pressed (performance.now()).
 */
export async function answerInput(page, promptText, value, { timeout = DEFAULT_TIMEOUT } = {}) {
  const message = page.locator('.quick-input-widget .quick-input-message', { hasText: promptText });
  await message.waitFor({ state: 'visible', timeout });
  await quickInputBox(page).fill(value);
  const pressedAt = performance.now();
  await quickInputBox(page).press('Enter');
  await message.waitFor({ state: 'hidden', timeout });
  return pressedAt;
}

/**
 * Answers the open quick pick whose placeholder contains `placeholderText`: Enter on the entry
 * containing `label`, or on the highlighted one (the default) without a label. Waits for that pick
 * to go away; returns the time Enter was pressed (performance.now()).
 */
export async function answerPick(page, placeholderText, label, { timeout = DEFAULT_TIMEOUT } = {}) {
  const box = page.locator('.quick-input-widget .quick-input-box input').and(page.locator(`[placeholder*="${placeholderText}"]`));
  await box.waitFor({ state: 'visible', timeout });
  if (label) await box.fill(label);
  const focused = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
  await (label ? focused.filter({ hasText: label }) : focused).waitFor({ state: 'visible', timeout });
  const pressedAt = performance.now();
  await box.press('Enter');
  await box.waitFor({ state: 'hidden', timeout });
  return pressedAt;
}

/** Enter on the entry containing `label` of whatever quick pick is open (one with no placeholder to wait on). */
export async function pickFocused(page, label, { timeout = DEFAULT_TIMEOUT } = {}) {
  await quickInputBox(page).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).fill(label);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: label }).waitFor({ state: 'visible', timeout });
  await quickInputBox(page).press('Enter');
}

/** Picks the quick-pick entry whose label contains `label`. */
export async function pickQuickItem(page, label, { timeout = DEFAULT_TIMEOUT } = {}) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** The Foundry view container in the side bar. */
export function foundryView(page) {
  return page.locator('.part.sidebar [id="workbench.view.extension.foundry"]');
}

/** Opens the Foundry view from the activity bar (activating the extension lazily). */
export async function openFoundryView(page, { timeout = DEFAULT_TIMEOUT } = {}) {
  const deadline = Date.now() + timeout;
  // The item, not its link: the item's unread-sessions badge lies over the link and takes the click.
  const item = page.locator('.part.activitybar .action-item').filter({ has: page.locator('a[aria-label^="Foundry"]') }).first();
  // Right after a reload the activity bar can take a click before the side bar is restored and
  // drop it; click again (only while the view is still hidden) until the view shows.
  while (!(await foundryView(page).isVisible())) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('the Foundry view did not open');
    await item.click({ timeout: left });
    await foundryView(page)
      .waitFor({ state: 'visible', timeout: Math.min(3000, Math.max(1, deadline - Date.now())) })
      .catch(() => {});
  }
}

/** A row of the Foundry task tree (the Tasks view) whose text contains `label` (a string or RegExp). */
export function treeItem(page, label) {
  return foundryView(page).locator('[role="tree"][aria-label="Tasks"] .monaco-list-row[role="treeitem"]').filter({ hasText: label });
}

/**
 * Open a session's chat tab from the task tree: click its row until its editor tab shows. The
 * tree grows under a task as its git state and changes arrive (rows are inserted above the
 * click), so a click can land on the row that took the session's place: the editor tab, not the
 * click, says the session opened.
 */
export async function openSessionFromTree(page, label, attempts = 3) {
  for (let i = 1; ; i++) {
    await treeItem(page, label).first().click();
    try {
      await editorTab(page, label).waitFor({ state: 'visible', timeout: i < attempts ? 5_000 : 30_000 });
      return;
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}

/** A row of the Attention view (above the task tree) whose text contains `label`. */
export function attentionItem(page, label) {
  return foundryView(page).locator('[role="tree"][aria-label="Attention"] .monaco-list-row[role="treeitem"]').filter({ hasText: label });
}

/**
 * The option rows of one session's permission request in the Attention view, by the session's name
 * (and the start of its task's title, when two tasks have a session of that name).
 */
export function attentionOptions(page, sessionName, taskTitle = '') {
  return foundryView(page).locator(`[role="tree"][aria-label="Attention"] .monaco-list-row[role="treeitem"][aria-label*=": answer ${sessionName} of ${taskTitle}"]`);
}

/** The Foundry activity bar item's badge (the count of sessions that need the user). */
export function foundryBadge(page) {
  return page.locator('.part.activitybar .action-item').filter({ has: page.locator('a[aria-label^="Foundry"]') }).locator('.badge-content');
}

/** Foundry's status bar item. */
export function foundryStatus(page) {
  return page.locator('.part.statusbar [id$=".foundry.status"]');
}

/** Waits for a tree row containing `label`; returns its locator. */
export async function waitForTreeItem(page, label, { timeout = DEFAULT_TIMEOUT } = {}) {
  const row = treeItem(page, label).first();
  await row.waitFor({ state: 'visible', timeout });
  return row;
}

/** Waits until the tree row containing `label` has a description matching `pattern`. */
export async function waitForTreeDescription(page, label, pattern, { timeout = DEFAULT_TIMEOUT } = {}) {
  const row = treeItem(page, label).first();
  await row.locator('.label-description', { hasText: pattern }).waitFor({ state: 'visible', timeout });
  return row;
}

/** The description of a settled task: "Idle", or its changes ("+3 -1") once it has some. */
export const IDLE = /^(Idle|\+\d+ -\d+)$/;

/**
 * Creates a task from the palette as a user does: "Foundry: Create Task", the prompt, the branch
 * name (empty: Foundry names it), the agent (its name; none: the highlighted default). An agent
 * that is not ready asks first (install, set a key, or create anyway): `notReady` is the button
 * pressed then. Waits for the task's row and then, unless `until` is null, for its description to
 * match `until`. Returns when Enter was pressed on the agent (performance.now(), as answerInput).
 */
export async function createTask(page, prompt, { branch = '', agent, notReady = 'Create Anyway', until = IDLE } = {}) {
  await runCommand(page, 'Foundry: Create Task');
  await answerInput(page, 'What should the agent do?', prompt);
  await answerInput(page, 'Branch name', branch);
  const enterAt = await answerPick(page, 'Which agent works on the task?', agent);
  // Whichever the user meets first: the not-ready question, or the new task in the tree.
  const dialog = page.locator('.monaco-dialog-box');
  const row = treeItem(page, prompt).first();
  await Promise.race([dialog.waitFor({ state: 'visible' }), row.waitFor({ state: 'visible' })].map((p) => p.catch(() => {})));
  if (await dialog.isVisible()) await dialog.getByRole('button', { name: notReady }).click();
  await waitForTreeItem(page, prompt);
  if (until !== null) await waitForTreeDescription(page, prompt, until);
  return enterAt;
}

/** The editor tab whose title contains `title`. */
export function editorTab(page, title) {
  return page.locator('.part.editor .tabs-container .tab').filter({ hasText: title });
}

/**
 * The chat webview of the active editor. VS Code hosts a webview in an outer iframe
 * (`iframe.webview`) holding the extension's document in `#active-frame`; hidden webviews stay
 * in the DOM, so take the visible one.
 */
export function chatFrame(page) {
  return page.locator('iframe.webview.ready:visible').last().contentFrame().locator('iframe#active-frame').contentFrame();
}

/** The chat webview whose outer frame belongs to the editor group showing `title`. */
export async function waitForChat(page, { timeout = DEFAULT_TIMEOUT } = {}) {
  const frame = chatFrame(page);
  await frame.locator('[aria-label="Message"]').first().waitFor({ state: 'attached', timeout });
  return frame;
}

/** Saves a full-page screenshot to .test-artifacts/<name>.png; returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** A notification toast whose message contains `text`. */
export function notification(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}
