/**
 * Runs one prompt turn of the demo agent: executes the parsed script steps in
 * order and reports them to the client as ACP `session/update` notifications.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { methods, RequestError } from '@agentclientprotocol/sdk';
import type { AgentContext, SessionUpdate, StopReason, ToolCallContent } from '@agentclientprotocol/sdk';
import { splitChunks } from './chunks.js';
import type { LiveSession } from './liveSession.js';
import { pause, throwIfCancelled, TurnCancelled } from './pause.js';
import { writeInside } from './safeWrite.js';
import type { Step } from './script.js';

/** The options a permission request offers, in order, as real agents word them. */
const PermissionOptions = [
  { optionId: 'allow_once', name: 'Allow once', kind: 'allow_once' },
  { optionId: 'allow_always', name: 'Always allow', kind: 'allow_always' },
  { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
] as const;
const allowed = new Set<string>(PermissionOptions.filter((o) => o.kind.startsWith('allow')).map((o) => o.optionId));

/** The JSON-RPC error message a `fail` line produces. */
const FAIL_MESSAGE = 'demo agent: fail requested';

interface TurnContext {
  session: LiveSession;
  client: AgentContext;
  signal: AbortSignal;
  /** Pause between streamed chunks of one message. */
  chunkDelayMs: number;
}

/**
 * Executes `steps`; resolves with the stop reason (`end_turn` or `cancelled`),
 * rejects with a RequestError for `fail`. Agent text is appended to the session
 * history as it is sent, so a cancelled turn keeps what the client saw.
 */
export async function runSteps(steps: Step[], cx: TurnContext): Promise<StopReason> {
  try {
    for (const step of steps) {
      throwIfCancelled(cx.signal);
      await runStep(step, cx);
    }
    return 'end_turn';
  } catch (e) {
    if (e instanceof TurnCancelled || cx.signal.aborted) return 'cancelled';
    throw e;
  }
}

async function runStep(step: Step, cx: TurnContext): Promise<void> {
  switch (step.kind) {
    case 'echo':
      return streamMessage(step.text, cx);
    case 'sleep':
      return pause(step.ms, cx.signal);
    case 'write':
      return writeFileStep(step.path, step.content, cx);
    case 'permission':
      return askPermission(step.title, cx);
    case 'fail':
      throw new RequestError(-32603, FAIL_MESSAGE);
  }
}

function send(cx: TurnContext, update: SessionUpdate): Promise<void> {
  return cx.client.notify(methods.client.session.update, { sessionId: cx.session.id, update });
}

/** Streams `text` as agent_message_chunk pieces with a pause between them. */
async function streamMessage(text: string, cx: TurnContext): Promise<void> {
  const messageId = randomUUID();
  const entry = { role: 'agent' as const, text: '' };
  cx.session.record.history.push(entry);
  const pieces = splitChunks(text);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await pause(cx.chunkDelayMs, cx.signal);
    throwIfCancelled(cx.signal);
    entry.text += pieces[i];
    await send(cx, {
      sessionUpdate: 'agent_message_chunk',
      messageId,
      content: { type: 'text', text: pieces[i] },
    });
  }
}

/** `write PATH`: a tool call of kind edit, completed with a diff or failed with the reason. */
async function writeFileStep(path: string, content: string, cx: TurnContext): Promise<void> {
  const toolCallId = `write-${randomUUID()}`;
  const absolute = resolve(cx.session.record.cwd, path);
  await send(cx, {
    sessionUpdate: 'tool_call',
    toolCallId,
    title: `Write ${path}`,
    kind: 'edit',
    status: 'in_progress',
    locations: [{ path: absolute }],
    rawInput: { path, content },
  });
  let result: ToolCallContent[];
  try {
    const written = await writeInside(cx.session.record.cwd, path, content);
    result = [{ type: 'diff', path: written.path, oldText: written.oldText, newText: content }];
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    await send(cx, {
      sessionUpdate: 'tool_call_update',
      toolCallId,
      status: 'failed',
      content: [{ type: 'content', content: { type: 'text', text: reason } }],
    });
    return;
  }
  await send(cx, { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed', content: result });
}

/** `permission TEXT`: asks the client, then echoes the selected option (or `cancelled`). */
async function askPermission(title: string, cx: TurnContext): Promise<void> {
  const toolCallId = `permission-${randomUUID()}`;
  await send(cx, { sessionUpdate: 'tool_call', toolCallId, title, kind: 'other', status: 'pending' });
  const response = await cx.client.request(
    methods.client.session.requestPermission,
    {
      sessionId: cx.session.id,
      toolCall: { toolCallId, title, kind: 'other', status: 'pending' },
      options: PermissionOptions.map((o) => ({ ...o })),
    },
    { cancellationSignal: cx.signal, stopWaitingOnCancel: true },
  );
  throwIfCancelled(cx.signal);
  // With stopWaitingOnCancel the SDK types the answer as unknown: read the ACP outcome shape.
  const outcome = (response as { outcome?: { outcome?: string; optionId?: string } }).outcome;
  const answer = outcome?.outcome === 'selected' && outcome.optionId ? outcome.optionId : 'cancelled';
  await send(cx, {
    sessionUpdate: 'tool_call_update',
    toolCallId,
    status: allowed.has(answer) ? 'completed' : 'failed',
  });
  await streamMessage(`permission: ${answer}`, cx);
}
