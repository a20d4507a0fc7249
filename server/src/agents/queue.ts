/**
 * The durable message queue. A message the session cannot take now (provisioning, a turn under
 * way, messages ahead of it, a paused queue) is a row in `queued_messages`, committed before
 * `foundry/sendMessage` answers (a message the session takes at once has one too). When the session turns `ready` the oldest row starts its turn
 * (`dispatched`); the row goes only once its `session/prompt` is in the transcript, in the same
 * transaction. So a message is, at every instant, either in the queue or in the transcript:
 * a reload, a sidecar crash or an agent crash never loses it.
 *
 * Stop and a failed turn pause the queue; the next message the user sends, or "Send queued",
 * resumes it. A turn that fails before its prompt reached the agent puts its message back at the
 * head, paused.
 */
import { isShelved } from '../../../shared/protocol';
import type { QueuedMessageRow, SessionRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { invalidState } from '../errors';
import { newId } from '../ids';

export class MessageQueue {
  constructor(private readonly sc: Sidecar) {}

  private get store() {
    return this.sc.store;
  }

  /**
   * `foundry/sendMessage`: every message gets a row first, so a turn that never reaches the agent
   * gives its text back; when the session can take it now, it is dispatched in the same step.
   * `alongside` runs in the same transaction, with the message's turn (what the message carries
   * is marked sent there: foundry/sendReviewComments).
   */
  send(s: SessionRow, text: string, alongside?: (turnId: string) => void): { turnId: string; queued: boolean; messageId?: string } {
    if (s.status === 'error' || s.status === 'closed') {
      throw invalidState('sendMessage', s.status, s.status === 'error' ? 'restart the session first (Retry Session)' : '');
    }
    const task = this.store.task(s.task_id);
    if (task && isShelved(task.status)) throw invalidState('sendMessage', task.status, task.status === 'deleted' ? 'undo the delete first' : 'unarchive the task first');
    let m: { turnId: string; messageId: string };
    let head: QueuedMessageRow | undefined;
    this.sc.db.tx(() => {
      m = this.enqueue(s.id, text);
      alongside?.(m.turnId);
      // Sending again is the user's way to carry on after Stop or a failure.
      if (s.queue_paused === 1) this.store.updateSession(s.id, { queue_paused: 0 });
      // An idle send never waits for the last turn's checkpoint (checkpoints/service.ts).
      head = this.claimHead(s.id, true)?.head;
    });
    this.sc.publisher.taskChanged(s.task_id);
    if (head) void this.sc.turns.runTurn(s.id, head.turn_id, head.text);
    return head?.id === m!.messageId ? { turnId: m!.turnId, queued: false } : { turnId: m!.turnId, queued: true, messageId: m!.messageId };
  }

  /** Queue a message without starting anything (a task's prompt, a handoff digest). Caller's transaction. */
  enqueue(sessionId: string, text: string): { turnId: string; messageId: string } {
    const turnId = newId('turn');
    const messageId = newId('msg');
    this.store.enqueue({ id: messageId, session_id: sessionId, turn_id: turnId, text, created_at: Date.now() });
    return { turnId, messageId };
  }

  edit(s: SessionRow, messageId: string, text: string): void {
    this.mustWaiting(s, messageId, 'editQueuedMessage');
    this.store.updateQueued(messageId, { text });
    this.sc.publisher.taskChanged(s.task_id);
  }

  remove(s: SessionRow, messageId: string): void {
    this.mustWaiting(s, messageId, 'removeQueuedMessage');
    this.store.deleteQueued(messageId);
    this.sc.publisher.taskChanged(s.task_id);
  }

  /** "Send queued": unpause and send the oldest message once the session can take it. */
  resume(s: SessionRow): void {
    if (s.status === 'error' || s.status === 'closed') throw invalidState('sendQueued', s.status);
    if (s.queue_paused === 1) {
      this.store.updateSession(s.id, { queue_paused: 0 });
      this.sc.publisher.taskChanged(s.task_id);
    }
    this.dispatch(s.id);
  }

  pause(sessionId: string): void {
    const s = this.store.session(sessionId);
    if (!s || s.queue_paused === 1) return;
    this.store.updateSession(sessionId, { queue_paused: 1 });
    this.sc.publisher.taskChanged(s.task_id);
  }

  /** The session may take a message: start the oldest one's turn, unless paused or busy. Returns the message started. */
  dispatch(sessionId: string): string | undefined {
    const claimed = this.sc.db.tx(() => this.claimHead(sessionId));
    if (!claimed) return undefined;
    this.sc.publisher.taskChanged(claimed.taskId);
    void this.sc.turns.runTurn(sessionId, claimed.head.turn_id, claimed.head.text);
    return claimed.head.id;
  }

  /** The oldest message, marked sent and its turn begun, if the session can take it now. Caller's transaction. */
  private claimHead(sessionId: string, idleSend = false): { head: QueuedMessageRow; taskId: string } | undefined {
    if (this.sc.draining) return undefined;
    const s = this.store.session(sessionId);
    if (!s || s.status !== 'ready' || s.queue_paused === 1) return undefined;
    // The last turn's checkpoint is being written (not for an idle send), or a restore is open: it dispatches once done.
    if (this.sc.checkpoints.holds(s.task_id, idleSend)) return undefined;
    // An archived or deleted task has no worktree: its queue waits for the unarchive.
    const task = this.store.task(s.task_id);
    if (task && isShelved(task.status)) return undefined;
    const head = this.store.queued(sessionId)[0];
    if (!head) return undefined;
    this.store.updateQueued(head.id, { dispatched: 1 });
    this.startTurnRows(s, head.turn_id);
    return { head, taskId: s.task_id };
  }

  /** The turn's session/prompt is in the transcript: its queued row has done its job. Caller's transaction. */
  delivered(sessionId: string, turnId: string): void {
    const m = this.store.dispatchedMessage(sessionId, turnId);
    if (m) this.store.deleteQueued(m.id);
  }

  /** The turn ended before its prompt reached the agent: the message goes back to the head, paused. */
  undelivered(sessionId: string, turnId: string): boolean {
    const m = this.store.dispatchedMessage(sessionId, turnId);
    if (!m) return false;
    this.sc.db.tx(() => {
      this.store.updateQueued(m.id, { dispatched: 0 });
      this.store.updateSession(sessionId, { queue_paused: 1 });
    });
    return true;
  }

  /** After a crash: messages whose turn was cut short before delivery wait again, paused. */
  recover(): void {
    for (const m of this.store.dispatchedMessages()) {
      this.store.updateQueued(m.id, { dispatched: 0 });
      this.store.updateSession(m.session_id, { queue_paused: 1 });
    }
  }

  private startTurnRows(s: SessionRow, turnId: string): void {
    this.store.updateSession(s.id, { status: 'running', turn_id: turnId, stalled: 0 });
    this.sc.checkpoints.turnStarted(s.task_id, s.id, turnId);
    this.sc.recomputeTaskStatus(s.task_id);
  }

  private mustWaiting(s: SessionRow, messageId: string, request: string): void {
    const m = this.store.queuedMessage(messageId);
    if (!m || m.session_id !== s.id || m.dispatched === 1) {
      throw invalidState(request, m?.dispatched === 1 ? 'sent' : 'gone', `message '${messageId}' is not waiting in this session's queue`);
    }
  }
}
