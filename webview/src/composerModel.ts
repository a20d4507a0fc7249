/**
 * What the composer shows for a session state. Pure: the DOM side (composer.ts)
 * only applies the result.
 *
 * The composer takes a message whenever the session can ever run it: while the task provisions or
 * a turn runs, the sidecar queues it (the queue shows below the transcript). Stop and Restart are
 * in the tab's toolbar (toolbar.ts); the composer keeps Retry for a task whose setup failed.
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
  /** Retry the task's provisioning. */
  readonly retry: boolean;
}

const sending = { inputEnabled: true, send: 'enabled', retry: false } as const;

export function composerModel(state: ChatState | undefined): ComposerModel {
  const session = state?.session;
  if (!state || !session) {
    const status = state?.workbenchLoaded ? 'This session no longer exists.' : 'Loading session...';
    return { status, tone: 'info', detail: '', inputEnabled: false, send: 'disabled', retry: false };
  }
  const task = state.task;
  switch (session.status) {
    case 'pending_provision':
    case 'pending_session_create':
      if (task?.status === 'error') {
        return {
          status: `Setting up the task failed: ${task.errorMessage ?? 'unknown error'}`,
          tone: 'error',
          detail: '',
          inputEnabled: false,
          send: 'hidden',
          retry: true,
        };
      }
      return {
        status: 'Preparing environment...',
        tone: 'busy',
        detail: `${task ? (task.statusMessage ?? statusLabel[task.status]) : statusLabel[session.status]} · messages sent now wait in the queue`,
        ...sending,
      };
    case 'ready':
      return { status: '', tone: 'info', detail: '', ...sending };
    case 'running':
      // A remote sandbox that Daytona stopped while idle is starting again for this turn.
      if (task?.status === 'waking') return { status: 'Waking sandbox…', tone: 'busy', detail: 'The sandbox was stopped while idle; messages sent now wait in the queue.', ...sending };
      return { status: session.stalled ? 'The agent has sent nothing for a while.' : 'The agent is working...', tone: 'busy', detail: 'Messages sent now wait in the queue.', ...sending };
    case 'needs_input':
      return { status: 'The agent asks for permission.', tone: 'busy', detail: 'Messages sent now wait in the queue.', ...sending };
    case 'error':
      // Typing stays possible; sending is refused with the reason until Restart (the banner above).
      return { status: 'The session stopped with an error: Restart it (above) to send messages.', tone: 'error', detail: '', ...sending };
    case 'closed':
      return { status: 'This session is closed. Its transcript is read-only.', tone: 'info', detail: '', inputEnabled: false, send: 'hidden', retry: false };
  }
}
