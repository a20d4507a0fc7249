/** Asking the client for permission (`session/request_permission`), and the `permission` line. */
import { randomUUID } from 'node:crypto';
import { methods } from '@agentclientprotocol/sdk';
import type { ToolCallUpdate } from '@agentclientprotocol/sdk';
import { throwIfCancelled } from './pause.js';
import { send, streamText, type TurnContext } from './turnContext.js';

/** The options a permission request offers, in order, as real agents word them. */
const PermissionOptions = [
  { optionId: 'allow_once', name: 'Allow once', kind: 'allow_once' },
  { optionId: 'allow_always', name: 'Always allow', kind: 'allow_always' },
  { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
] as const;
const allowed = new Set<string>(PermissionOptions.filter((o) => o.kind.startsWith('allow')).map((o) => o.optionId));

/** The user's answer: an option id, or `cancelled` when the client cancelled the request. */
export type PermissionAnswer = string;

export const isAllowed = (answer: PermissionAnswer) => allowed.has(answer);

/**
 * Sends `session/request_permission` for `toolCall` and waits for the answer. A cancelled
 * turn withdraws the request (`$/cancel_request`) and throws TurnCancelled.
 */
export async function requestPermission(cx: TurnContext, toolCall: ToolCallUpdate): Promise<PermissionAnswer> {
  const response = await cx.client.request(
    methods.client.session.requestPermission,
    { sessionId: cx.session.id, toolCall, options: PermissionOptions.map((o) => ({ ...o })) },
    { cancellationSignal: cx.signal, stopWaitingOnCancel: true },
  );
  throwIfCancelled(cx.signal);
  // With stopWaitingOnCancel the SDK types the answer as unknown: read the ACP outcome shape.
  const outcome = (response as { outcome?: { outcome?: string; optionId?: string } }).outcome;
  return outcome?.outcome === 'selected' && outcome.optionId ? outcome.optionId : 'cancelled';
}

/**
 * `permission TEXT`: asks the client, then echoes the selected option (or `cancelled`).
 * In bypassPermissions mode nothing is asked: the tool call is allowed at once.
 */
export async function permissionStep(title: string, cx: TurnContext): Promise<void> {
  const toolCallId = `permission-${randomUUID()}`;
  if (cx.session.record.modeId === 'bypassPermissions') {
    await send(cx, { sessionUpdate: 'tool_call', toolCallId, title, kind: 'other', status: 'in_progress' });
    await send(cx, { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed' });
    return streamText('permission: allowed (bypassPermissions)', cx);
  }
  await send(cx, { sessionUpdate: 'tool_call', toolCallId, title, kind: 'other', status: 'pending' });
  const answer = await requestPermission(cx, { toolCallId, title, kind: 'other', status: 'pending' });
  await send(cx, { sessionUpdate: 'tool_call_update', toolCallId, status: isAllowed(answer) ? 'completed' : 'failed' });
  await streamText(`permission: ${answer}`, cx);
}
