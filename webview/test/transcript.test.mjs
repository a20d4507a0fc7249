// The chat tab's pure parts: transcript reduction and composer states.
// Run: node --test webview/test/   (bundles the TypeScript modules with esbuild in memory)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

async function load(entry) {
  const out = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const { applyEvents, emptyTranscript } = await load('webview/src/transcript.ts');
const { composerModel } = await load('webview/src/composerModel.ts');

let at = 0;
const ev = (seq, sender, payload) => ({ seq, sessionId: 's1', at: ++at, sender, payload });
const prompt = (seq, id, text) => ev(seq, 'client', { jsonrpc: '2.0', id, method: 'session/prompt', params: { sessionId: 'a', prompt: [{ type: 'text', text }] } });
const update = (seq, u) => ev(seq, 'agent', { jsonrpc: '2.0', method: 'session/update', params: { sessionId: 'a', update: u } });
const chunk = (seq, text) => update(seq, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } });
const done = (seq, id, stopReason = 'end_turn') => ev(seq, 'agent', { jsonrpc: '2.0', id, result: { stopReason } });
const summary = (items) => items.map((i) => (i.kind === 'tool' ? `tool:${i.title}:${i.status}` : `${i.kind}:${i.text ?? ''}`));

test('a prompt and streamed chunks become a user bubble and one growing agent bubble', () => {
  let view = applyEvents(emptyTranscript, [prompt(1, 0, 'Fix the bug'), chunk(2, 'Hello')]);
  assert.deepEqual(summary(view.items), ['user:Fix the bug', 'agent:Hello']);
  assert.equal(view.items[1].streaming, true);
  view = applyEvents(view, [chunk(3, ', world')]);
  assert.deepEqual(summary(view.items), ['user:Fix the bug', 'agent:Hello, world']);
  view = applyEvents(view, [done(4, 0)]);
  assert.equal(view.items[1].streaming, false);
  view = applyEvents(view, [prompt(5, 1, 'Again'), chunk(6, 'Sure')]);
  assert.deepEqual(summary(view.items), ['user:Fix the bug', 'agent:Hello, world', 'user:Again', 'agent:Sure']);
});

test('events already applied are ignored, overlapping and unordered batches give the same view', () => {
  const events = [prompt(1, 0, 'Hi'), chunk(2, 'a'), chunk(3, 'b'), chunk(4, 'c'), done(5, 0)];
  const once = applyEvents(emptyTranscript, events);
  let pieces = applyEvents(emptyTranscript, [events[2], events[0], events[1]]);
  pieces = applyEvents(pieces, events.slice(1));
  pieces = applyEvents(pieces, events);
  assert.deepEqual(summary(pieces.items), summary(once.items));
  assert.deepEqual(summary(once.items), ['user:Hi', 'agent:abc']);
  assert.equal(applyEvents(once, events), once, 'nothing new leaves the view untouched');
});

test('applying events never mutates the previous view, and unchanged items keep their identity', () => {
  const before = applyEvents(emptyTranscript, [prompt(1, 0, 'Hi'), chunk(2, 'one')]);
  const userItem = before.items[0];
  const agentItem = before.items[1];
  const after = applyEvents(before, [chunk(3, ' two')]);
  assert.equal(before.items[1].text, 'one');
  assert.equal(after.items[0], userItem);
  assert.notEqual(after.items[1], agentItem);
});

test('tool calls are rows whose status follows their updates; text after a tool starts a new bubble', () => {
  const view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'write it'),
    chunk(2, 'Writing.'),
    update(3, { sessionUpdate: 'tool_call', toolCallId: 't1', title: 'Write a.txt', kind: 'edit', status: 'pending' }),
    update(4, { sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'in_progress' }),
    update(5, { sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'completed' }),
    update(6, { sessionUpdate: 'tool_call', toolCallId: 't2', title: 'Run tests', kind: 'execute', status: 'in_progress' }),
    update(7, { sessionUpdate: 'tool_call_update', toolCallId: 't2', status: 'failed', content: [{ type: 'content', content: { type: 'text', text: 'exit code 1' } }] }),
    chunk(8, 'Done.'),
  ]);
  assert.deepEqual(summary(view.items), ['user:write it', 'agent:Writing.', 'tool:Write a.txt:completed', 'tool:Run tests:failed', 'agent:Done.']);
  assert.equal(view.items[2].toolKind, 'edit');
  assert.equal(view.items[3].detail, 'exit code 1', 'why a tool failed is kept for its row');
});

test('thoughts, plans, stop reasons, agent errors and foundry events', () => {
  const view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'go'),
    update(2, { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 'hmm' } }),
    update(3, { sessionUpdate: 'plan', entries: [{ content: 'step 1', status: 'pending', priority: 'high' }] }),
    update(4, { sessionUpdate: 'plan', entries: [{ content: 'step 1', status: 'completed', priority: 'high' }] }),
    done(5, 0, 'cancelled'),
    ev(6, 'foundry', { kind: 'turn_interrupted', text: 'The sidecar restarted during the turn.' }),
    prompt(7, 1, 'again'),
    ev(8, 'agent', { jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'boom' } }),
    ev(9, 'foundry', { kind: 'turn_failed', text: 'boom' }),
    ev(10, 'foundry', { kind: 'turn_failed', text: 'agent exited' }),
    ev(11, 'foundry', { kind: 'agent_stopped' }),
    ev(12, 'foundry', { kind: 'permission_rejected', text: 'Edit file' }),
  ]);
  const kinds = view.items.map((i) => [i.kind, i.kind === 'notice' ? i.tone : '']);
  assert.deepEqual(kinds, [
    ['user', ''],
    ['thought', ''],
    ['plan', ''],
    ['notice', 'info'],
    ['notice', 'info'],
    ['user', ''],
    ['notice', 'error'],
    ['notice', 'error'],
    ['notice', 'info'],
  ]);
  assert.equal(view.items[2].entries[0].status, 'completed', 'a plan update replaces the turn plan');
  assert.equal(view.items[3].text, 'Turn cancelled.');
  assert.equal(view.items[6].text, 'Turn failed: boom', 'the error response and turn_failed with its message show once');
  assert.match(view.items[7].text, /agent exited/);
  assert.match(view.items[8].text, /Edit file/);
});

test('history the agent replays during session/load is not shown twice', () => {
  const view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'first'),
    chunk(2, 'answer'),
    done(3, 0),
    ev(4, 'foundry', { kind: 'agent_started' }),
    ev(5, 'client', { jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }),
    ev(6, 'agent', { jsonrpc: '2.0', id: 0, result: { protocolVersion: 1 } }),
    ev(7, 'client', { jsonrpc: '2.0', id: 1, method: 'session/load', params: { sessionId: 'a' } }),
    update(8, { sessionUpdate: 'user_message_chunk', content: { type: 'text', text: 'first' } }),
    chunk(9, 'answer'),
    ev(10, 'agent', { jsonrpc: '2.0', id: 1, result: {} }),
    prompt(11, 2, 'second'),
    chunk(12, 'more'),
  ]);
  assert.deepEqual(summary(view.items), ['user:first', 'agent:answer', 'user:second', 'agent:more']);
});

const session = (status, extra = {}) => ({ id: 's1', taskId: 't1', name: 'Session 1', agent: 'demo', status, unread: false, ...extra });
const task = (status, extra = {}) => ({ id: 't1', title: 'Fix it', status, ...extra });
const chat = (s, t) => ({ sessionId: 's1', session: s, task: t, workbenchLoaded: true, sync: { phase: 'live' } });

test('the composer follows the session status', () => {
  const pending = composerModel(chat(session('pending_provision'), task('init_create_sandbox')));
  assert.equal(pending.status, 'Preparing environment...');
  assert.equal(pending.inputEnabled, false);
  assert.equal(pending.send, 'disabled');

  const ready = composerModel(chat(session('ready'), task('idle')));
  assert.deepEqual([ready.inputEnabled, ready.send, ready.stop, ready.retry], [true, 'enabled', false, false]);

  const running = composerModel(chat(session('running'), task('running')));
  assert.deepEqual([running.send, running.stop, running.retry], ['hidden', true, false]);

  const failed = composerModel(chat(session('error', { errorMessage: 'agent not found' }), task('idle')));
  assert.deepEqual([failed.status, failed.tone, failed.retry, failed.inputEnabled], ['agent not found', 'error', true, false]);

  const taskFailed = composerModel(chat(session('pending_provision'), task('error', { errorMessage: 'setup.sh exited with 1' })));
  assert.match(taskFailed.status, /setup\.sh exited with 1/);
  assert.equal(taskFailed.retry, true);

  const closed = composerModel(chat(session('closed'), task('idle')));
  assert.deepEqual([closed.inputEnabled, closed.send, closed.stop, closed.retry], [false, 'hidden', false, false]);
  assert.match(closed.status, /closed/);

  assert.match(composerModel({ ...chat(undefined, undefined), workbenchLoaded: false }).status, /Loading/);
  assert.match(composerModel(chat(undefined, undefined)).status, /no longer exists/);
});

test('chunks of two agent messages in one turn become two bubbles', () => {
  const msgChunk = (seq, text, messageId) => update(seq, { sessionUpdate: 'agent_message_chunk', messageId, content: { type: 'text', text } });
  const view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'two messages'),
    msgChunk(2, 'First ', 'm1'),
    msgChunk(3, 'part.', 'm1'),
    msgChunk(4, 'Second part.', 'm2'),
    done(5, 0),
  ]);
  assert.deepEqual(summary(view.items), ['user:two messages', 'agent:First part.', 'agent:Second part.']);
});

test('a tool call still running when its turn is cancelled stops spinning', () => {
  const view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'long tool'),
    update(2, { sessionUpdate: 'tool_call', toolCallId: 't1', title: 'Run the tests', kind: 'execute', status: 'in_progress' }),
    done(3, 0, 'cancelled'),
    ev(4, 'foundry', { kind: 'turn_ended', turnId: 'turn_1', stopReason: 'cancelled' }),
  ]);
  const tool = view.items.find((i) => i.kind === 'tool');
  assert.equal(tool.status, 'failed');
  assert.match(tool.detail, /turn ended before/);
});
