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
const summary = (items) =>
  items.map((i) => (i.kind === 'tool' ? `tool:${i.title}:${i.status}` : i.kind === 'turnEnd' ? `end:${i.stopReason}` : `${i.kind}:${i.text ?? ''}`));

test('a prompt and streamed chunks become a user bubble and one growing agent bubble', () => {
  let view = applyEvents(emptyTranscript, [prompt(1, 0, 'Fix the bug'), chunk(2, 'Hello')]);
  assert.deepEqual(summary(view.items), ['user:Fix the bug', 'agent:Hello']);
  assert.equal(view.items[1].streaming, true);
  view = applyEvents(view, [chunk(3, ', world')]);
  assert.deepEqual(summary(view.items), ['user:Fix the bug', 'agent:Hello, world']);
  view = applyEvents(view, [done(4, 0)]);
  assert.equal(view.items[1].streaming, false);
  view = applyEvents(view, [prompt(5, 1, 'Again'), chunk(6, 'Sure')]);
  assert.deepEqual(summary(view.items), ['user:Fix the bug', 'agent:Hello, world', 'end:end_turn', 'user:Again', 'agent:Sure']);
});

test('events already applied are ignored, overlapping and unordered batches give the same view', () => {
  const events = [prompt(1, 0, 'Hi'), chunk(2, 'a'), chunk(3, 'b'), chunk(4, 'c'), done(5, 0)];
  const once = applyEvents(emptyTranscript, events);
  let pieces = applyEvents(emptyTranscript, [events[2], events[0], events[1]]);
  pieces = applyEvents(pieces, events.slice(1));
  pieces = applyEvents(pieces, events);
  assert.deepEqual(summary(pieces.items), summary(once.items));
  assert.deepEqual(summary(once.items), ['user:Hi', 'agent:abc', 'end:end_turn']);
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
    ['turnEnd', ''],
    ['notice', 'info'],
    ['user', ''],
    ['notice', 'error'],
    ['notice', 'error'],
    ['notice', 'info'],
  ]);
  assert.equal(view.items[2].entries[0].status, 'completed', 'a plan update replaces the turn plan');
  assert.equal(view.items[3].text, 'Turn cancelled.');
  assert.equal(view.items[4].stopReason, 'cancelled');
  assert.equal(view.items[7].text, 'Turn failed: boom', 'the error response and turn_failed with its message show once');
  assert.match(view.items[8].text, /agent exited/);
  assert.match(view.items[9].text, /Edit file/);
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
  assert.deepEqual(summary(view.items), ['user:first', 'agent:answer', 'end:end_turn', 'user:second', 'agent:more']);
});

const session = (status, extra = {}) => ({ id: 's1', taskId: 't1', name: 'Session 1', agent: 'demo', status, unread: false, ...extra });
const task = (status, extra = {}) => ({ id: 't1', title: 'Fix it', status, ...extra });
const chat = (s, t) => ({ sessionId: 's1', session: s, task: t, workbenchLoaded: true, sync: { phase: 'live' } });

test('the composer follows the session status: it takes messages while provisioning and during a turn (they queue)', () => {
  const pending = composerModel(chat(session('pending_provision'), task('init_create_sandbox')));
  assert.equal(pending.status, 'Preparing environment...');
  assert.match(pending.detail, /wait in the queue/);
  assert.deepEqual([pending.inputEnabled, pending.send], [true, 'enabled']);

  const ready = composerModel(chat(session('ready'), task('idle')));
  assert.deepEqual([ready.inputEnabled, ready.send, ready.retry], [true, 'enabled', false]);

  const running = composerModel(chat(session('running'), task('running')));
  assert.deepEqual([running.inputEnabled, running.send, running.retry], [true, 'enabled', false]);
  assert.match(running.detail, /wait in the queue/);
  assert.match(composerModel(chat(session('running', { stalled: true }), task('running'))).status, /sent nothing for a while/);
  assert.deepEqual(composerModel(chat(session('needs_input'), task('running'))).send, 'enabled');

  // In error the box keeps taking text; the banner offers Restart, and a send says why it cannot go.
  const failed = composerModel(chat(session('error', { errorMessage: 'agent not found' }), task('idle')));
  assert.deepEqual([failed.tone, failed.retry, failed.inputEnabled], ['error', false, true]);
  assert.match(failed.status, /Restart it/, 'the reason itself is in the banner');

  const taskFailed = composerModel(chat(session('pending_provision'), task('error', { errorMessage: 'setup.sh exited with 1' })));
  assert.match(taskFailed.status, /setup\.sh exited with 1/);
  assert.deepEqual([taskFailed.retry, taskFailed.inputEnabled], [true, false]);

  const closed = composerModel(chat(session('closed'), task('idle')));
  assert.deepEqual([closed.inputEnabled, closed.send, closed.retry], [false, 'hidden', false]);
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
  assert.deepEqual(summary(view.items), ['user:two messages', 'agent:First part.', 'agent:Second part.', 'end:end_turn']);
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

test('a tool row keeps its locations and diffs; updates replace them only when they carry them', () => {
  const diff = { type: 'diff', path: '/wt/src/a.ts', oldText: 'a\n', newText: 'b\n' };
  let view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'edit'),
    update(2, {
      sessionUpdate: 'tool_call',
      toolCallId: 't1',
      title: 'Edit a.ts',
      kind: 'edit',
      status: 'pending',
      locations: [{ path: '/wt/src/a.ts', line: 12 }, { path: '/wt/src/b.ts', line: null }, { line: 3 }, { path: '/wt/c.ts', line: -1 }],
      content: [diff, { type: 'diff', path: '/wt/new.ts', newText: 'x\n' }, { type: 'diff', oldText: 'no path' }],
    }),
  ]);
  const tool = view.items[1];
  assert.deepEqual(tool.locations, [{ path: '/wt/src/a.ts', line: 12 }, { path: '/wt/src/b.ts' }, { path: '/wt/c.ts' }], 'entries without a path are dropped');
  assert.deepEqual(tool.diffs, [
    { path: '/wt/src/a.ts', oldText: 'a\n', newText: 'b\n' },
    { path: '/wt/new.ts', oldText: null, newText: 'x\n' },
  ]);
  assert.equal(tool.detail, '', 'a diff is not repeated as text');

  view = applyEvents(view, [update(3, { sessionUpdate: 'tool_call_update', toolCallId: 't1', status: 'completed', content: null, locations: null })]);
  assert.equal(view.items[1].status, 'completed');
  assert.equal(view.items[1].diffs, tool.diffs, 'a status-only update keeps the same diffs array (the view skips re-rendering it)');
  assert.equal(view.items[1].locations, tool.locations);

  view = applyEvents(view, [
    update(4, {
      sessionUpdate: 'tool_call_update',
      toolCallId: 't1',
      locations: [{ path: '/wt/src/z.ts' }],
      content: [{ type: 'content', content: { type: 'text', text: 'done' } }, { type: 'terminal', terminalId: 'term1' }],
    }),
  ]);
  assert.deepEqual(view.items[1].locations, [{ path: '/wt/src/z.ts' }]);
  assert.deepEqual(view.items[1].diffs, [], 'new content replaces the old, diffs included');
  assert.equal(view.items[1].detail, 'done');
});

test('usage: the context window and cost from usage_update, the turn tokens from the prompt answer', () => {
  const usageUpdate = (seq, used, cost) => update(seq, { sessionUpdate: 'usage_update', used, size: 200_000, ...(cost ? { cost } : {}) });
  let view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'one'),
    chunk(2, 'a'),
    usageUpdate(3, 12_000, { amount: 0.05, currency: 'USD' }),
    ev(4, 'agent', { jsonrpc: '2.0', id: 0, result: { stopReason: 'end_turn', usage: { totalTokens: 1500, inputTokens: 1200, outputTokens: 300, thoughtTokens: 40 } } }),
  ]);
  const end = view.items.at(-1);
  assert.equal(end.kind, 'turnEnd');
  assert.deepEqual(end.usage, { totalTokens: 1500, inputTokens: 1200, outputTokens: 300, thoughtTokens: 40 });
  assert.deepEqual(end.context, { used: 12_000, size: 200_000, cost: { amount: 0.05, currency: 'USD' } });
  assert.deepEqual(view.context, end.context);

  // Codex may send its usage_update after the answer: it still belongs to the turn that ended.
  view = applyEvents(view, [usageUpdate(5, 13_000)]);
  assert.deepEqual(view.items.at(-1).context, { used: 13_000, size: 200_000 });
  assert.notEqual(view.items.at(-1), end, 'a changed item is a new object');

  // A turn with no usage of its own shows none, though the header still has the last one.
  view = applyEvents(view, [prompt(6, 1, 'two'), chunk(7, 'b'), done(8, 1), usageUpdate(9, 'not a number')]);
  assert.equal(view.items.at(-1).kind, 'turnEnd');
  assert.equal(view.items.at(-1).usage, undefined);
  assert.equal(view.items.at(-1).context, undefined);
  assert.deepEqual(view.context, { used: 13_000, size: 200_000 }, 'a malformed usage_update is ignored');
});

test('slash commands: each available_commands_update replaces the list, replayed during session/load too', () => {
  const commands = (seq, list) => update(seq, { sessionUpdate: 'available_commands_update', availableCommands: list });
  let view = applyEvents(emptyTranscript, [
    commands(1, [{ name: 'plan', description: 'Make a plan', input: { hint: 'what to plan' } }, { name: '/review', description: 'Review' }, { description: 'no name' }]),
  ]);
  assert.deepEqual(view.commands, [
    { name: 'plan', description: 'Make a plan', hint: 'what to plan' },
    { name: 'review', description: 'Review' },
  ]);
  view = applyEvents(view, [
    ev(2, 'client', { jsonrpc: '2.0', id: 7, method: 'session/load', params: { sessionId: 'a' } }),
    commands(3, [{ name: 'compact', description: 'Compact the context' }]),
    chunk(4, 'replayed text'),
  ]);
  assert.deepEqual(view.commands.map((c) => c.name), ['compact']);
  assert.deepEqual(view.items, [], 'the replayed message is not shown again');
});

test('a plan update replaces the whole plan in place; the next turn gets its own plan', () => {
  const plan = (seq, entries) => update(seq, { sessionUpdate: 'plan', entries });
  let view = applyEvents(emptyTranscript, [
    prompt(1, 0, 'go'),
    plan(2, [{ content: 'read', status: 'in_progress', priority: 'high' }, { content: 'write', status: 'pending', priority: 'low' }]),
    chunk(3, 'reading'),
  ]);
  const first = view.items[1];
  view = applyEvents(view, [plan(4, [{ content: 'write', status: 'completed', priority: 'low' }])]);
  assert.equal(view.items.filter((i) => i.kind === 'plan').length, 1);
  assert.equal(view.items[1].key, first.key, 'the same row, updated');
  assert.deepEqual(view.items[1].entries, [{ content: 'write', status: 'completed', priority: 'low' }], 'entries missing from the update are gone');
  view = applyEvents(view, [done(5, 0), prompt(6, 1, 'more'), plan(7, [{ content: 'next', status: 'pending', priority: 'medium' }])]);
  const plans = view.items.filter((i) => i.kind === 'plan');
  assert.deepEqual(plans.map((p) => p.entries.map((e) => e.content)), [['write'], ['next']]);
});

test('user messages, turn ends and notices carry the time of their event', () => {
  const events = [
    { ...prompt(1, 0, 'hi'), at: 1_700_000_000_000 },
    { ...done(2, 0, 'cancelled'), at: 1_700_000_005_000 },
    { ...ev(3, 'foundry', { kind: 'agent_restarted' }), at: 1_700_000_009_000 },
  ];
  const view = applyEvents(emptyTranscript, events);
  assert.deepEqual(
    view.items.map((i) => [i.kind, i.at]),
    [
      ['user', 1_700_000_000_000],
      ['notice', 1_700_000_005_000],
      ['turnEnd', 1_700_000_005_000],
      ['notice', 1_700_000_009_000],
    ],
  );
  assert.equal(new Set(view.items.map((i) => i.key)).size, view.items.length, 'keys stay unique when one event makes two items');
});
