/**
 * What the chat tab says when the sidecar refuses one of its requests. A -32002 (the request does
 * not fit the session's state) is expected, not a failure: it becomes a sentence saying what to do
 * instead. Anything else shows the sidecar's own message. No `vscode` import, so it is unit-tested.
 */
import { ErrorCodes } from '../../../shared/protocol';
import type { ChatAction } from '../../../shared/webview-protocol';
import { errorMessage } from '../errors';

/** The state the sidecar named in a -32002 message (`… while the state is 'running'`). */
function refusedState(message: string): string | undefined {
  return /while the state is '([^']+)'/.exec(message)?.[1];
}

/** The detail after the state, if the sidecar gave one (`…: wait for the turn to end`). */
function refusedHint(message: string): string | undefined {
  return /while the state is '[^']+': (.+)$/.exec(message)?.[1];
}

const changing: Partial<Record<ChatAction['action'], string>> = { setMode: 'The mode', setModel: 'The model' };

export function refusalText(action: ChatAction['action'], error: unknown): string {
  const message = errorMessage(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== ErrorCodes.InvalidState) return message;
  const state = refusedState(message);
  const what = changing[action];
  if (what && (state === 'running' || state === 'needs_input')) {
    const hint = refusedHint(message);
    return `${what} cannot change while the agent is working${hint ? ` (${hint})` : ''}. Try again when this turn has ended.`;
  }
  if (state === 'closed') return 'This session is closed: start a new session to continue.';
  if (state === 'error' && (action === 'send' || action === 'sendQueued')) {
    return 'The session is in error, so nothing can be sent. Restart it first; your message stays in the box.';
  }
  return message;
}
