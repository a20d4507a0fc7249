// The chat tab's session controls as a user sees them, in a real Chromium page (chatPage.mjs): the
// toolbar (mode and model pickers, Stop, Restart, Continue with…), the queued messages, the error
// banner and Foundry's system lines. Checked through the DOM and what the tab posts to its panel.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { browserMissing, launchChromium, openChat } from './chatPage.mjs';
import { chunk, ev, prompt, readyState, tool } from './chatEvents.mjs';

const skip = browserMissing;
let browser;
before(async () => {
  if (!skip) browser = await launchChromium();
});
after(() => browser?.close());

const POLICIES = [
  { id: 'ask', name: 'Ask before edits' },
  { id: 'accept_edits', name: 'Accept edits' },
  { id: 'full_access', name: 'Full access' },
];
const MODES = [...POLICIES, { id: 'plan', name: 'Plan only', description: 'No edits' }];
const MODELS = [
  { id: 'demo-standard', name: 'Demo Standard' },
  { id: 'demo-large', name: 'Demo Large' },
];

/** A chat state whose session has these fields. */
const withSession = (fields, extra = {}) => {
  const base = readyState();
  return { ...base, session: { ...base.session, mode: 'ask', modes: MODES, ...fields }, ...extra };
};

async function tab(t, state, events = []) {
  const chat = await openChat(browser);
  t.after(async () => {
    await chat.close();
    assert.deepEqual(chat.errors, [], 'no script errors');
  });
  await chat.send({ type: 'snapshot', state, events });
  await chat.page.waitForFunction(() => document.querySelector('.placeholder')?.textContent !== 'Loading transcript...');
  return chat;
}

/** The requests the tab posted, and the last one. */
const requests = async (chat) => (await chat.posted()).filter((m) => m.type === 'request');
const lastRequest = async (chat) => (await requests(chat)).at(-1);
/** Visible toolbar buttons by label. */
const toolbarButtons = (page) => page.$$eval('[data-role="toolbar"] vscode-button:not([hidden])', (bs) => bs.map((b) => b.textContent.trim()));

test('the mode picker lists the policies, then the agent\'s own modes; picking one asks the panel, a refusal mid-turn says why and the picker goes back', { skip }, async (t) => {
  const chat = await tab(t, withSession({ status: 'running' }));
  const { page } = chat;
  const mode = page.locator('[data-role="mode-picker"]');
  assert.deepEqual(await mode.locator('option').allTextContents(), ['Ask before edits', 'Accept edits', 'Full access', 'Plan only']);
  assert.equal(await mode.inputValue(), 'ask');
  assert.equal(await page.isVisible('[data-role="model-picker"]'), false, 'no model picker before the agent reports models');

  await mode.selectOption('accept_edits');
  const asked = await lastRequest(chat);
  assert.deepEqual(asked.request, { action: 'setMode', mode: 'accept_edits' });
  assert.equal(await mode.isDisabled(), true, 'the picker waits for the answer');
  const refusal = 'The mode cannot change while the agent is working (this change restarts the agent: wait for the turn to end). Try again when this turn has ended.';
  await chat.send({ type: 'reply', requestId: asked.requestId, error: refusal });
  await page.waitForSelector('[data-role="toolbar-note"]:not([hidden])');
  assert.equal(await page.textContent('[data-role="toolbar-note"]'), refusal);
  assert.equal(await mode.inputValue(), 'ask', 'the picker shows the mode the session really has');
  assert.equal(await mode.isDisabled(), false);

  // The turn ended: the note goes; the change now goes through and the state shows the new mode.
  await chat.send({ type: 'state', state: withSession({ status: 'ready' }) });
  await page.waitForSelector('[data-role="toolbar-note"]', { state: 'hidden' });
  await mode.selectOption('plan');
  const second = await lastRequest(chat);
  assert.deepEqual(second.request, { action: 'setMode', mode: 'plan' });
  await chat.send({ type: 'state', state: withSession({ status: 'ready', mode: 'plan' }) });
  await chat.send({ type: 'reply', requestId: second.requestId });
  await page.waitForFunction(() => document.querySelector('[data-role="mode-picker"]').value === 'plan' && !document.querySelector('[data-role="mode-picker"]').disabled);
  assert.equal(await page.isVisible('[data-role="toolbar-note"]'), false);
});

test('the model picker shows the agent\'s models with the current one; picking asks the panel', { skip }, async (t) => {
  const chat = await tab(t, withSession({ models: MODELS, model: 'demo-standard' }));
  const { page } = chat;
  const model = page.locator('[data-role="model-picker"]');
  assert.deepEqual(await model.locator('option').allTextContents(), ['Demo Standard', 'Demo Large']);
  assert.equal(await model.inputValue(), 'demo-standard');
  await model.selectOption('demo-large');
  assert.deepEqual((await lastRequest(chat)).request, { action: 'setModel', model: 'demo-large' });
});

test('Stop shows while a turn runs or waits for permission, Restart when the session is in error; Continue with… asks the panel', { skip }, async (t) => {
  const chat = await tab(t, withSession({ status: 'ready' }));
  const { page } = chat;
  assert.deepEqual(await toolbarButtons(page), ['Continue with…']);
  for (const status of ['running', 'needs_input']) {
    await chat.send({ type: 'state', state: withSession({ status }) });
    await page.waitForSelector('[data-role="toolbar"] [data-role="stop"]:not([hidden])');
    assert.deepEqual(await toolbarButtons(page), ['Stop', 'Continue with…'], status);
  }
  await page.click('[data-role="toolbar"] [data-role="stop"]');
  const stop = await lastRequest(chat);
  assert.deepEqual(stop.request, { action: 'stop' });
  assert.equal(await page.getAttribute('[data-role="toolbar"] [data-role="stop"]', 'aria-disabled'), 'true', 'one Stop at a time');
  await chat.send({ type: 'reply', requestId: stop.requestId });

  await chat.send({ type: 'state', state: withSession({ status: 'error', errorMessage: 'The agent process exited with code 3.' }) });
  await page.waitForSelector('[data-role="toolbar"] [data-role="restart"]:not([hidden])');
  assert.deepEqual(await toolbarButtons(page), ['Restart', 'Continue with…']);
  await page.click('[data-role="toolbar"] [data-role="restart"]');
  const restart = await lastRequest(chat);
  assert.deepEqual(restart.request, { action: 'retry' });
  await chat.send({ type: 'reply', requestId: restart.requestId });
  await page.waitForSelector('[data-role="toolbar"] [data-role="handoff"][aria-disabled="false"]');
  await page.click('[data-role="toolbar"] [data-role="handoff"]');
  assert.deepEqual((await lastRequest(chat)).request, { action: 'handoff' });
});

test('during a turn the composer still sends; queued messages show in order with Edit and Remove', { skip }, async (t) => {
  const queue = [
    { id: 'msg_1', turnId: 'turn_1', text: 'first queued', createdAt: 1 },
    { id: 'msg_2', turnId: 'turn_2', text: 'second queued\nwith two lines', createdAt: 2 },
  ];
  const chat = await tab(t, withSession({ status: 'running' }), [prompt(1, 0, 'working on it'), chunk(2, 'streaming...')]);
  const { page } = chat;
  const box = page.locator('textarea[aria-label="Message"]');
  assert.equal(await box.isEnabled(), true, 'the box takes text during the turn');
  await box.fill('first queued');
  await page.keyboard.press('Enter');
  const sent = await lastRequest(chat);
  assert.deepEqual(sent.request, { action: 'send', text: 'first queued' });
  await chat.send({ type: 'state', state: withSession({ status: 'running', queue: queue.slice(0, 1) }) });
  await chat.send({ type: 'reply', requestId: sent.requestId });
  await page.waitForSelector('[data-role="queue"]:not([hidden])');
  assert.equal(await box.inputValue(), '', 'the sent text left the box');

  await chat.send({ type: 'state', state: withSession({ status: 'running', queue }) });
  await page.waitForFunction(() => document.querySelectorAll('[data-role="queued"]').length === 2);
  assert.deepEqual(await page.$$eval('[data-role="queued"] .queued-text', (els) => els.map((e) => e.textContent)), ['first queued', 'second queued\nwith two lines']);
  assert.match(await page.textContent('[data-role="queue"] .queue-title'), /Queued: 2 messages · sent in order/);
  assert.equal(await page.isVisible('[data-role="send-queued"]'), false, 'nothing to resume while the queue runs');

  // Edit in place: Save sends the new text; the row shows it once the state has it.
  const second = page.locator('[data-role="queued"][data-message-id="msg_2"]');
  await second.locator('[data-action="edit"]').click();
  const editor = second.locator('textarea');
  assert.equal(await editor.inputValue(), 'second queued\nwith two lines');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'queued-editor', 'the editor has the focus');
  await editor.fill('second, edited');
  await second.locator('[data-action="save"]').click();
  const edit = await lastRequest(chat);
  assert.deepEqual(edit.request, { action: 'editQueued', messageId: 'msg_2', text: 'second, edited' });
  const edited = [queue[0], { ...queue[1], text: 'second, edited' }];
  await chat.send({ type: 'state', state: withSession({ status: 'running', queue: edited }) });
  await chat.send({ type: 'reply', requestId: edit.requestId });
  await page.waitForFunction(() => document.querySelector('[data-message-id="msg_2"] .queued-text')?.textContent === 'second, edited');
  assert.equal(await second.locator('textarea').count(), 0, 'the editor closed');

  // Escape leaves the text as it was.
  await page.locator('[data-message-id="msg_1"] [data-action="edit"]').click();
  await page.keyboard.type(' and more');
  await page.keyboard.press('Escape');
  assert.equal(await page.textContent('[data-message-id="msg_1"] .queued-text'), 'first queued');
  assert.equal((await lastRequest(chat)).request.action, 'editQueued', 'nothing sent for a cancelled edit');

  await page.locator('[data-message-id="msg_1"] [data-action="remove"]').click();
  assert.deepEqual((await lastRequest(chat)).request, { action: 'removeQueued', messageId: 'msg_1' });
  await chat.send({ type: 'state', state: withSession({ status: 'running', queue: edited.slice(1) }) });
  await page.waitForFunction(() => document.querySelectorAll('[data-role="queued"]').length === 1);

  // The queue empties as its messages go out.
  await chat.send({ type: 'state', state: withSession({ status: 'running', queue: [] }) });
  await page.waitForSelector('[data-role="queue"]', { state: 'hidden' });
});

test('a paused queue says so and offers Send queued', { skip }, async (t) => {
  const queue = [{ id: 'msg_1', turnId: 'turn_1', text: 'waiting', createdAt: 1 }];
  const chat = await tab(t, withSession({ status: 'ready', queue, queuePaused: true }));
  const { page } = chat;
  assert.match(await page.textContent('[data-role="queue"] .queue-title'), /Queued: 1 message · paused/);
  await page.click('[data-role="send-queued"]');
  assert.deepEqual((await lastRequest(chat)).request, { action: 'sendQueued' });
});

test('a transcript at its end stays there when the error banner and the queue appear around it', { skip }, async (t) => {
  const events = Array.from({ length: 40 }, (_, i) => chunk(i + 1, `Line ${i} of a long answer.\n\n`, `m${i}`));
  const chat = await tab(t, withSession({ status: 'running' }), events);
  const { page } = chat;
  const atBottom = () => page.evaluate(() => { const l = document.getElementById('transcript'); return l.scrollHeight > l.clientHeight && l.scrollHeight - l.scrollTop - l.clientHeight < 8; });
  assert.ok(await atBottom(), 'opened at the end');
  const queue = [{ id: 'msg_1', turnId: 'turn_1', text: 'waiting', createdAt: 1 }];
  await chat.send({ type: 'state', state: withSession({ status: 'error', errorMessage: 'The agent process exited with code 3.', queue, queuePaused: true }) });
  await page.locator('[data-role="error-banner"] vscode-button').waitFor();
  await page.locator('[data-role="queue"]').waitFor();
  await page.waitForFunction(() => { const l = document.getElementById('transcript'); return l.scrollHeight - l.scrollTop - l.clientHeight < 8; });
  assert.equal(await page.isVisible('[data-role="send-queued"]'), false, 'Send queued waits for the Restart');
});

test('a session in error shows a banner with the reason and Restart; a missing agent offers Install, missing credentials Configure', { skip }, async (t) => {
  const reason = 'Could not start the agent session: Claude Code is not installed';
  const errorState = (agent) => withSession({ status: 'error', agent: 'claude', errorMessage: reason }, agent ? { agent } : {});
  const chat = await tab(t, errorState());
  const { page } = chat;
  const banner = page.locator('[data-role="error-banner"]');
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.locator('.banner-reason').textContent(), reason);
  assert.deepEqual((await banner.locator('vscode-button').allTextContents()).map((s) => s.trim()), ['Restart']);
  await banner.locator('[data-action="restart"]').click();
  assert.deepEqual((await lastRequest(chat)).request, { action: 'retry' });

  const info = { id: 'claude', name: 'Claude Code', installed: false, ready: false, credentialVars: ['ANTHROPIC_API_KEY'] };
  await chat.send({ type: 'state', state: errorState({ ...info, reason: 'Claude Code is not installed', action: 'install' }) });
  await banner.locator('[data-action="install"]').waitFor();
  assert.deepEqual((await banner.locator('vscode-button').allTextContents()).map((s) => s.trim()), ['Install', 'Restart']);
  await banner.locator('[data-action="install"]').click();
  assert.deepEqual((await lastRequest(chat)).request, { action: 'agentAction', agentAction: 'install' });

  await chat.send({ type: 'state', state: errorState({ ...info, installed: true, reason: 'Set ANTHROPIC_API_KEY', action: 'set_credentials' }) });
  await banner.locator('[data-action="set_credentials"]').waitFor();
  assert.equal((await banner.locator('[data-action="set_credentials"]').textContent()).trim(), 'Configure');
  assert.equal(await banner.locator('.banner-detail').textContent(), 'Set ANTHROPIC_API_KEY');
  await banner.locator('[data-action="set_credentials"]').click();
  assert.deepEqual((await lastRequest(chat)).request, { action: 'agentAction', agentAction: 'set_credentials' });

  // Sending is refused with the reason; the box keeps the text.
  const box = page.locator('textarea[aria-label="Message"]');
  await box.fill('try again');
  await page.keyboard.press('Enter');
  const send = await lastRequest(chat);
  assert.deepEqual(send.request, { action: 'send', text: 'try again' });
  await chat.send({ type: 'reply', requestId: send.requestId, error: 'The session is in error, so nothing can be sent. Restart it first; your message stays in the box.' });
  await page.waitForFunction(() => document.querySelector('[data-role="status"]').textContent.includes('Restart it first'));
  assert.equal(await box.inputValue(), 'try again');

  await chat.send({ type: 'state', state: withSession({ status: 'ready' }) });
  await banner.waitFor({ state: 'hidden' });
});

test('Foundry events show as system lines: agent exited, refused file access, mode and model changes, handoffs with a link, an expired permission without buttons', { skip }, async (t) => {
  const foundry = (seq, payload) => ev(seq, 'foundry', payload);
  const chat = await tab(t, withSession({ status: 'error' }), [
    foundry(1, { kind: 'handoff', otherSessionId: 'ses_old', text: 'Continues Chat 1 (Demo); its digest is the first message.' }),
    prompt(2, 0, 'write it'),
    tool(3, { toolCallId: 'c1', title: 'Write a.txt', kind: 'edit', status: 'in_progress' }),
    foundry(4, { kind: 'fs_refused', text: 'Refused to write /etc/passwd: outside the worktree' }),
    foundry(5, { kind: 'mode_changed', text: 'Mode: Accept edits' }),
    foundry(6, { kind: 'model_changed', text: 'Model: Demo Large' }),
    foundry(7, { kind: 'permission_expired', text: 'The permission request "Write a.txt" expired: the sidecar stopped before it was answered.' }),
    foundry(8, { kind: 'agent_exited', text: 'The agent process exited with code 3. Restart the session to continue; the conversation is kept.' }),
    foundry(9, { kind: 'handoff', otherSessionId: 'ses_new', text: 'Continued in Chat 3 (Demo).' }),
  ]);
  const { page } = chat;
  const lines = await page.$$eval('[data-role="notice"]', (els) =>
    els.map((e) => [e.dataset.event, e.dataset.tone, e.querySelector('.text').textContent, e.querySelector('.codicon').className.replace('codicon codicon-', '')]),
  );
  assert.deepEqual(lines, [
    ['handoff', 'info', 'Continues Chat 1 (Demo); its digest is the first message.', 'arrow-swap'],
    ['fs_refused', 'info', 'Refused to write /etc/passwd: outside the worktree', 'lock'],
    ['mode_changed', 'info', 'Mode: Accept edits', 'shield'],
    ['model_changed', 'info', 'Model: Demo Large', 'chip'],
    ['permission_expired', 'info', 'The permission request "Write a.txt" expired: the sidecar stopped before it was answered.', 'shield'],
    ['agent_exited', 'error', 'The agent process exited with code 3. Restart the session to continue; the conversation is kept.', 'debug-disconnect'],
    ['handoff', 'info', 'Continued in Chat 3 (Demo).', 'arrow-swap'],
  ]);
  const expired = page.locator('[data-event="permission_expired"]');
  assert.equal(await expired.locator('.badge').textContent(), 'Expired');
  assert.equal(await expired.locator('button:visible, vscode-button').count(), 0, 'an expired request has no buttons');
  assert.equal(await page.isVisible('[data-role="permission"]'), false);
  assert.equal(await page.getAttribute('[data-role="tool"]', 'data-status'), 'failed', 'the tool call the exited agent left is over');

  await page.locator('[data-event="handoff"] .notice-link').first().click();
  await page.locator('[data-event="handoff"] .notice-link').last().click();
  const opened = (await requests(chat)).map((m) => m.request);
  assert.deepEqual(opened, [
    { action: 'openSession', sessionId: 'ses_old' },
    { action: 'openSession', sessionId: 'ses_new' },
  ]);
  assert.equal(await page.locator('[data-event="fs_refused"] .notice-link:visible').count(), 0, 'only handoffs link to a session');
});
