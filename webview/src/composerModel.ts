/**
 * What the composer shows for a session state. Pure: the DOM side (composer.ts)
 * only applies the result.
 */
import { statusLabel } from '../../shared/protocol';
import type { ChatState } from '../../shared/webview-protocol';

export interface ComposerModel {
  /** The status line; empty when there is nothing to say. */
  readonly status: string;
  readonly tone: 'info' | 'busy' | 'error';
  /** A secondary detail, such as the provisioning stage. */
  readonly detail: string;
  readonly inputEnabled: boolean;
  readonly send: 'hidden' | 'enabled' | 'disabled';
  readonly stop: boolean;
  readonly retry: boolean;
}

const hiddenButtons = { send: 'disabled', stop: false, retry: false } as const;

export function composerModel(state: ChatState | undefined): ComposerModel {
  const session = state?.session;
  if (!state || !session) {
    const status = state?.workbenchLoaded ? 'This session no longer exists.' : 'Loading session...';
    return { status, tone: 'info', detail: '', inputEnabled: false, ...hiddenButtons };
  }
  const task = state.task;
  switch (session.status) {
    case 'pending_provision':
    case 'pending_session_create':
      if (task?.status === 'error') {
        return failed(`Setting up the task failed: ${task.errorMessage ?? 'unknown error'}`);
      }
      return {
        status: 'Preparing environment...',
        tone: 'busy',
        detail: task ? (task.statusMessage ?? statusLabel[task.status]) : statusLabel[session.status],
        inputEnabled: false,
        ...hiddenButtons,
      };
    case 'ready':
      return { status: '', tone: 'info', detail: '', inputEnabled: true, send: 'enabled', stop: false, retry: false };
    case 'running':
      return { status: 'The agent is working...', tone: 'busy', detail: '', inputEnabled: true, send: 'hidden', stop: true, retry: false };
    case 'needs_input':
      return { status: 'The agent asks for permission.', tone: 'busy', detail: '', inputEnabled: true, send: 'hidden', stop: true, retry: false };
    case 'error':
      return failed(session.errorMessage ?? 'The agent could not start.');
    case 'closed':
      return {
        status: 'This session is closed. Its transcript is read-only.',
        tone: 'info',
        detail: '',
        inputEnabled: false,
        send: 'hidden',
        stop: false,
        retry: false,
      };
  }
}

/** An error the user can retry: input off, Retry shown. */
function failed(status: string): ComposerModel {
  return { status, tone: 'error', detail: '', inputEnabled: false, send: 'hidden', stop: false, retry: true };
}
