/**
 * The main thread's side of an agent's permission requests. The effects worker holds each open
 * request; here the session turns `needs_input` with `pending_permission` on its row (so lists
 * and a reloaded window show it), and back to `running` once it is answered or withdrawn.
 */
import { PendingPermission } from '../../../shared/protocol';
import type { SessionSummary } from '../../../shared/protocol';
import type { SessionRow } from '../db/schema';
import { invalidState } from '../errors';
import type { Sidecar } from '../sidecar';

export function pendingOf(s: SessionRow): PendingPermission | undefined {
  return s.pending_permission ? PendingPermission.parse(JSON.parse(s.pending_permission)) : undefined;
}

export class Permissions {
  constructor(private readonly sc: Sidecar) {}

  /** The agent of `sessionId` asks: the session waits for the user. */
  requested(sessionId: string, permission: PendingPermission): void {
    const s = this.sc.store.session(sessionId);
    if (!s?.turn_id || s.status !== 'running') {
      // No turn to attach it to (closed meanwhile): nobody can answer it.
      void this.sc.effects.call('agentReplyPermission', { key: sessionId, requestId: permission.requestId, optionId: null }).catch(() => {});
      return;
    }
    this.set(s, 'needs_input', JSON.stringify(permission));
  }

  /** The request ended without an answer from Foundry (withdrawn, or the agent exited). */
  closed(sessionId: string, requestId: string): void {
    const s = this.sc.store.session(sessionId);
    if (s && pendingOf(s)?.requestId === requestId) this.set(s, s.status === 'needs_input' ? 'running' : s.status, null);
  }

  /** `foundry/replyPermission`: answer with `optionId`; -32002 unless it is open and offered. */
  async reply(s: SessionRow, requestId: string, optionId: string): Promise<SessionSummary> {
    const pending = pendingOf(s);
    if (s.status !== 'needs_input' || pending?.requestId !== requestId) {
      throw invalidState('replyPermission', s.status, `the session waits for no permission request '${requestId}'`);
    }
    if (!pending.options.some((o) => o.optionId === optionId)) {
      throw invalidState('replyPermission', s.status, `'${optionId}' is not one of the request's options (${pending.options.map((o) => o.optionId).join(', ')})`);
    }
    // Cleared first: a second answer racing this one finds nothing to answer.
    this.set(s, 'running', null);
    const answered = await this.sc.effects.call('agentReplyPermission', { key: s.id, requestId, optionId });
    if (!answered) throw invalidState('replyPermission', 'expired', `the permission request '${requestId}' is gone (its agent process ended)`);
    return this.sc.store.sessionSummary(s.id)!;
  }

  /** Stop: answer the open request ACP `cancelled` (the turn is being cancelled too). */
  async cancel(s: SessionRow): Promise<void> {
    const pending = pendingOf(s);
    if (!pending) return;
    this.set(s, s.status === 'needs_input' ? 'running' : s.status, null);
    await this.sc.effects.call('agentReplyPermission', { key: s.id, requestId: pending.requestId, optionId: null });
  }

  private set(s: SessionRow, status: string, pending: string | null): void {
    this.sc.db.tx(() => {
      this.sc.store.updateSession(s.id, { status, pending_permission: pending });
      this.sc.recomputeTaskStatus(s.task_id);
    });
    this.sc.publisher.taskChanged(s.task_id);
  }
}
