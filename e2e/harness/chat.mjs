// The chat tab as a user sees it: the toolbar (mode and model pickers, Stop, Restart, Continue
// with…), the error banner, the transcript, the queued messages and the composer (message box,
// Send / Retry, status line). Locators pierce the @vscode-elements shadow roots.
import { DEFAULT_TIMEOUT, editorTab, pickQuickItem, waitForChat } from './workbench.mjs';

/** Locators for the composer and transcript inside a chat webview frame. */
export function chatParts(frame) {
  // The whole label: "Send" is not "Send queued".
  const button = (label) => frame.locator('vscode-button:not([hidden])').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) });
  return {
    input: frame.locator('textarea[aria-label="Message"]'),
    disabledInput: frame.locator('textarea[aria-label="Message"]:disabled'),
    enabledInput: frame.locator('textarea[aria-label="Message"]:enabled'),
    status: frame.locator('[data-role="status"]'),
    send: button('Send'),
    stop: button('Stop'),
    retry: button('Retry'),
    /** The toolbar's pickers (native selects: use selectOption) and its Restart / Continue with…. */
    modePicker: frame.locator('[data-role="mode-picker"]'),
    modelPicker: frame.locator('[data-role="model-picker"]'),
    restart: frame.locator('[data-role="toolbar"] [data-role="restart"]:not([hidden])'),
    continueWith: frame.locator('[data-role="toolbar"] [data-role="handoff"]:not([hidden])'),
    /** Why the toolbar's last request was refused. */
    toolbarNote: frame.locator('[data-role="toolbar-note"]'),
    /** A session in error: its reason and the ways out (data-action restart / install / set_credentials). */
    errorBanner: frame.locator('[data-role="error-banner"]'),
    /** Messages waiting in the session's queue, oldest first; each has Edit and Remove (data-action). */
    queue: frame.locator('[data-role="queue"]'),
    queued: frame.locator('[data-role="queued"]'),
    sendQueued: frame.locator('[data-role="send-queued"]:not([hidden])'),
    /** Foundry's system lines by event kind: `systemLine('mode_changed')`. */
    systemLine: (kind) => frame.locator(`[data-role="notice"][data-event="${kind}"]`),
    tools: frame.locator('[data-role="tool"]'),
    agentMessages: frame.locator('[data-role="agent"]'),
    userMessages: frame.locator('[data-role="user"]'),
    notices: frame.locator('[data-role="notice"]'),
    /** The agent's pending permission request: its title and one button per option. */
    permission: frame.locator('[data-role="permission"]'),
    permissionOptions: frame.locator('[data-role="permission"] vscode-button'),
    /**
     * Present once the extension has stored the composer's current text as the draft, and once the
     * webview has put a stored draft back in the box (after a reload).
     */
    draftSaved: frame.locator('[data-role="composer"][data-draft-saved]'),
  };
}

/** Types `text` into the composer and presses Send; waits until the message shows as sent. */
export async function sendMessage(frame, text, { timeout = DEFAULT_TIMEOUT } = {}) {
  const c = chatParts(frame);
  await c.enabledInput.waitFor({ state: 'visible', timeout });
  await c.input.fill(text);
  await c.send.click({ timeout });
  const firstLine = text.split('\n')[0];
  await c.userMessages.filter({ hasText: firstLine }).last().waitFor({ state: 'visible', timeout });
}

/** Resolves when an agent message contains `text`. */
export async function waitForAgentText(frame, text, { timeout = DEFAULT_TIMEOUT } = {}) {
  await chatParts(frame).agentMessages.filter({ hasText: text }).last().waitFor({ state: 'visible', timeout });
}

/**
 * "Continue with…" from the chat tab `parts` to the agent picked by `agentLabel`: waits for the
 * new tab (Chat 2), its handoff line and its first message, the digest. Resolves with the new
 * tab's frame and the digest's text.
 */
export async function continueWith(page, parts, agentLabel, { timeout = DEFAULT_TIMEOUT } = {}) {
  await parts.continueWith.click();
  await pickQuickItem(page, agentLabel);
  await editorTab(page, 'Chat 2').waitFor({ state: 'visible' });
  const frame = await waitForChat(page);
  const n = chatParts(frame);
  await n.systemLine('handoff').filter({ hasText: 'Continues Chat 1' }).waitFor({ state: 'visible' });
  const digest = n.userMessages.first();
  await digest.filter({ hasText: 'You are continuing a conversation' }).waitFor({ state: 'visible', timeout });
  return { frame, digest: await digest.textContent() };
}

