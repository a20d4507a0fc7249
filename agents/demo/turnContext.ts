/** What every step of a turn works with, and the two ways it talks: updates and streamed text. */
import { randomUUID } from 'node:crypto';
import { methods } from '@agentclientprotocol/sdk';
import type { AgentContext, SessionUpdate } from '@agentclientprotocol/sdk';
import { splitChunks } from './chunks.js';
import type { ClientFs } from './clientFs.js';
import type { LiveSession } from './liveSession.js';
import { pause, throwIfCancelled } from './pause.js';

export interface TurnContext {
  session: LiveSession;
  client: AgentContext;
  /** The fs methods the client advertised at initialize. */
  clientFs: ClientFs;
  signal: AbortSignal;
  /** Pause between streamed chunks of one message. */
  chunkDelayMs: number;
  /** Ends the agent process at once (the `exit` line). */
  exit: (code: number) => never;
}

export function send(cx: TurnContext, update: SessionUpdate): Promise<void> {
  return cx.client.notify(methods.client.session.update, { sessionId: cx.session.id, update });
}

/**
 * Streams `text` as agent_message_chunk (or, for a thought, agent_thought_chunk) pieces
 * with a pause between them. The text is appended to the history as it is sent, so a
 * cancelled turn keeps what the client saw.
 */
export async function streamText(text: string, cx: TurnContext, role: 'agent' | 'thought' = 'agent'): Promise<void> {
  const messageId = randomUUID();
  const entry = { role, text: '' };
  cx.session.record.history.push(entry);
  const pieces = splitChunks(text);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await pause(cx.chunkDelayMs, cx.signal);
    throwIfCancelled(cx.signal);
    entry.text += pieces[i];
    await send(cx, {
      sessionUpdate: role === 'agent' ? 'agent_message_chunk' : 'agent_thought_chunk',
      messageId,
      content: { type: 'text', text: pieces[i] },
    });
  }
}

/** A tool call's failure: status failed and the reason as text. */
export function failTool(cx: TurnContext, toolCallId: string, reason: string): Promise<void> {
  return send(cx, {
    sessionUpdate: 'tool_call_update',
    toolCallId,
    status: 'failed',
    content: [{ type: 'content', content: { type: 'text', text: reason } }],
  });
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
