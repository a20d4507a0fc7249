// Transcript events as a chat tab receives them: raw ACP JSON-RPC messages (client/agent) and
// Foundry events, built the way a real agent session produces them. Used by the chat tab's
// browser tests and by bench/chatRender.mjs.

export const SESSION = 's1';
export const WORKTREE = '/home/dev/foundry/worktrees/fix-parser';
const T0 = Date.UTC(2026, 2, 3, 9, 0);

export const ev = (seq, sender, payload, at = T0 + seq * 1000) => ({ seq, sessionId: SESSION, at, sender, payload });
export const prompt = (seq, id, text) =>
  ev(seq, 'client', { jsonrpc: '2.0', id, method: 'session/prompt', params: { sessionId: 'acp-1', prompt: [{ type: 'text', text }] } });
export const update = (seq, u) => ev(seq, 'agent', { jsonrpc: '2.0', method: 'session/update', params: { sessionId: 'acp-1', update: u } });
export const chunk = (seq, text, messageId) => update(seq, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text }, ...(messageId ? { messageId } : {}) });
export const thought = (seq, text) => update(seq, { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text } });
export const done = (seq, id, result = { stopReason: 'end_turn' }) => ev(seq, 'agent', { jsonrpc: '2.0', id, result });
export const plan = (seq, entries) => update(seq, { sessionUpdate: 'plan', entries });
export const tool = (seq, u) => update(seq, { sessionUpdate: u.title ? 'tool_call' : 'tool_call_update', ...u });
export const usage = (seq, used, cost) => update(seq, { sessionUpdate: 'usage_update', used, size: 200_000, ...(cost ? { cost } : {}) });
export const commands = (seq, list) => update(seq, { sessionUpdate: 'available_commands_update', availableCommands: list });

/** A file of `lines` lines of TypeScript, with `variant` changing some of them. */
export function sourceFile(lines, variant = 0) {
  return Array.from({ length: lines }, (_, i) =>
    i % 7 === 3 && variant ? `  const value${i} = compute(${i}, ${variant}); // changed` : `  const value${i} = compute(${i});`,
  ).join('\n') + '\n';
}

const reply = [
  'Looking at the parser, the failure comes from how `tokenize` handles **escaped quotes**.\n\n',
  'Here is the fix:\n\n```ts\nexport function tokenize(input: string): Token[] {\n',
  '  const tokens: Token[] = [];\n  for (let i = 0; i < input.length; i++) {\n',
  "    if (input[i] === '\\\\') { i++; continue; } // skip the escaped char\n  }\n  return tokens;\n}\n```\n\n",
  'Then run the tests:\n\n```sh\nnpm test -- --grep "tokenize"\n```\n\n',
  '- updated `src/parser.ts`\n- added a test in `test/parser.test.ts`\n\n',
];

/**
 * `count` events of a long session: turns of a prompt, thoughts, a plan, streamed markdown with
 * code, tool calls with locations and diffs, usage, the prompt's answer and Foundry's turn end.
 */
export function sessionEvents(count) {
  const events = [];
  let seq = 0;
  const push = (make) => {
    if (events.length < count) events.push(make(++seq));
  };
  push((s) => commands(s, [
    { name: 'plan', description: 'Make a plan before editing' },
    { name: 'review', description: 'Review the working tree' },
    { name: 'compact', description: 'Summarise the conversation to free context' },
  ]));
  for (let turn = 0; events.length < count; turn++) {
    const id = turn + 2;
    push((s) => prompt(s, id, `Turn ${turn}: fix the failing parser test and explain the change.`));
    for (let i = 0; i < 6; i++) push((s) => thought(s, `Thinking about step ${i} of turn ${turn}. `));
    const entries = (done) => ['Read the parser', 'Fix tokenize', 'Run the tests'].map((content, i) => ({ content, priority: 'medium', status: i < done ? 'completed' : i === done ? 'in_progress' : 'pending' }));
    push((s) => plan(s, entries(0)));
    for (let t = 0; t < 4; t++) {
      const toolCallId = `call-${turn}-${t}`;
      const path = `${WORKTREE}/src/module${t}.ts`;
      push((s) => tool(s, { toolCallId, title: t % 2 ? `Edit src/module${t}.ts` : `Read src/module${t}.ts`, kind: t % 2 ? 'edit' : 'read', status: 'pending', locations: [{ path, line: 10 + t }] }));
      push((s) => tool(s, { toolCallId, status: 'in_progress' }));
      const content = t % 2 ? [{ type: 'diff', path, oldText: sourceFile(60), newText: sourceFile(60, turn + 1) }] : [{ type: 'content', content: { type: 'text', text: `read 60 lines` } }];
      push((s) => tool(s, { toolCallId, status: 'completed', content }));
      for (let c = 0; c < 4; c++) push((s) => chunk(s, `Step ${t}.${c} of turn ${turn} looks right. `, `msg-${turn}-${t}`));
    }
    push((s) => plan(s, entries(2)));
    for (const piece of reply) push((s) => chunk(s, piece, `msg-${turn}-final`));
    for (let c = 0; c < 30; c++) push((s) => chunk(s, `More detail ${c}, with \`code\` and a [link](https://example.com/${c}). `, `msg-${turn}-final`));
    push((s) => usage(s, 20_000 + turn * 1500, { amount: 0.01 * (turn + 1), currency: 'USD' }));
    push((s) => done(s, id, { stopReason: 'end_turn', usage: { totalTokens: 1500 + turn, inputTokens: 1200, outputTokens: 300 + turn } }));
    push((s) => ev(s, 'foundry', { kind: 'turn_ended', turnId: `turn_${turn}`, stopReason: 'end_turn' }));
  }
  return events;
}

/** The chat state of a ready session whose task has a worktree. */
export function readyState(overrides = {}) {
  return {
    sessionId: SESSION,
    // The fields of later protocol versions too (modes, queue): a schema strips what it does not know.
    session: { id: SESSION, taskId: 't1', name: 'Session 1', agent: 'demo', status: 'ready', unread: false, mode: 'default', modes: [], models: [], stalled: false, queue: [], queuePaused: false },
    task: { id: 't1', title: 'Fix the parser', status: 'idle', worktreePath: WORKTREE },
    workbenchLoaded: true,
    sync: { phase: 'live' },
    ...overrides,
  };
}
