/**
 * What needs the user: pure functions of the workbench's task summaries, shared by the Attention
 * view, its badge, the status bar and the notifications. No `vscode` import (unit-tested in
 * plain Node).
 *
 * A session needs the user when its agent waits on a permission answer (`needs_input`), it failed
 * (`error`, or it waits on a task whose provisioning failed: a missing agent, a failed setup
 * script), its turn went quiet (`stalled`), or a turn ended while no client watched (`unread`).
 * Each session counts once, for its most urgent reason, in that order. Closed sessions and
 * archived tasks never do.
 */
import type { PendingPermission, SessionSummary, TaskSummary } from '../../../shared/protocol';

export type AttentionKind = 'needs_input' | 'error' | 'stalled' | 'unread';

/** Most urgent first: the order of the view and of a session's one reason. */
export const AttentionOrder: readonly AttentionKind[] = ['needs_input', 'error', 'stalled', 'unread'];

export interface AttentionItem {
  readonly kind: AttentionKind;
  readonly sessionId: string;
  readonly taskId: string;
  readonly taskTitle: string;
  readonly sessionName: string;
  /** The agent id (`claude`, `demo`). */
  readonly agent: string;
  /** Why, for the user: the permission's title, the error, "No output for a while", ... */
  readonly reason: string;
  /** The open request of a `needs_input` session. */
  readonly permission?: PendingPermission;
  /** An `error` of the task's provisioning, which the session waits on: Retry Task, not Retry Session. */
  readonly taskFailed?: boolean;
  readonly createdAt: number;
}

/** The reason a session needs the user, or undefined when it does not. */
export function attentionKind(session: SessionSummary, task: TaskSummary): AttentionKind | undefined {
  if (task.status === 'archived' || task.status === 'archive_remove_sandbox' || session.status === 'closed') return undefined;
  if (session.status === 'needs_input' && session.pendingPermission) return 'needs_input';
  if (session.status === 'error' || taskFailedUnder(session, task)) return 'error';
  if (session.stalled && (session.status === 'running' || session.status === 'needs_input')) return 'stalled';
  if (session.unread) return 'unread';
  return undefined;
}

/** The session waits on its task's provisioning, which failed. */
function taskFailedUnder(session: SessionSummary, task: TaskSummary): boolean {
  return task.status === 'error' && session.status.startsWith('pending_');
}

function reasonFor(kind: AttentionKind, session: SessionSummary, task: TaskSummary): string {
  switch (kind) {
    case 'needs_input':
      return session.pendingPermission?.title || 'The agent asks for permission';
    case 'error':
      if (taskFailedUnder(session, task)) return task.errorMessage || 'Provisioning failed';
      return session.errorMessage || 'The agent session failed';
    case 'stalled':
      return 'No output from the agent for a while';
    case 'unread':
      return 'Finished while you were away';
  }
}

/** Every session that needs the user, most urgent first, then newest task first. */
export function attentionItems(tasks: readonly TaskSummary[]): AttentionItem[] {
  const items: AttentionItem[] = [];
  for (const task of tasks) {
    for (const session of task.sessions) {
      const kind = attentionKind(session, task);
      if (!kind) continue;
      items.push({
        kind,
        sessionId: session.id,
        taskId: task.id,
        taskTitle: task.title,
        sessionName: session.name,
        agent: session.agent,
        reason: reasonFor(kind, session, task),
        ...(kind === 'needs_input' && session.pendingPermission ? { permission: session.pendingPermission } : {}),
        ...(kind === 'error' && taskFailedUnder(session, task) ? { taskFailed: true } : {}),
        createdAt: task.createdAt,
      });
    }
  }
  return items.sort(
    (a, b) =>
      AttentionOrder.indexOf(a.kind) - AttentionOrder.indexOf(b.kind) ||
      b.createdAt - a.createdAt ||
      a.sessionName.localeCompare(b.sessionName, undefined, { numeric: true }) ||
      a.sessionId.localeCompare(b.sessionId),
  );
}

/** The status bar's words: `2 need you`, or empty when nothing does. */
export function attentionSummary(count: number): string {
  return count > 0 ? `${count} need${count === 1 ? 's' : ''} you` : '';
}

/** The Attention view's badge: how many sessions need the user, or none. */
export function attentionBadge(count: number): { value: number; tooltip: string } | undefined {
  return count > 0 ? { value: count, tooltip: `${count} session${count === 1 ? '' : 's'} need${count === 1 ? 's' : ''} you` } : undefined;
}

/** Shorten text for a label or a notification: one line, at most `max` characters. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}
