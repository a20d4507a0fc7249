/**
 * Review comments: stored per task until sent (server/src/store/reviewComments.ts), then sent to
 * one of the task's sessions as ONE message through the session's message queue, as
 * foundry/sendMessage sends (it starts a turn, or queues while one runs); the comments are marked
 * sent in the transaction that queues the message. Each change pushes the task, whose
 * `reviewComments` is its unsent count.
 */
import { isShelved, SendMessage } from '../../../shared/protocol';
import type { Handlers } from './define';
import { invalidParams, invalidState, notFound } from '../errors';
import { newId } from '../ids';
import { toReviewComment } from '../store/reviewComments';
import type { ReviewCommentRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { mustTask } from './tasks';
import { reviewMessage } from './reviewMessage';

const MAX_MESSAGE = SendMessage.params.shape.text.maxLength ?? 200_000;

function mustComment(sc: Sidecar, commentId: string): ReviewCommentRow {
  const c = sc.store.reviewComments.unsent(commentId);
  if (!c) throw notFound('review comment', commentId);
  return c;
}

/** The unsent comments `ids` names (all of the task's when absent), in the list's order. */
function chosen(sc: Sidecar, taskId: string, ids: readonly string[] | undefined): ReviewCommentRow[] {
  const all = sc.store.reviewComments.unsentOf(taskId);
  if (!ids) return all;
  const wanted = new Set(ids);
  const found = all.filter((c) => wanted.has(c.id));
  const missing = [...wanted].find((id) => !found.some((c) => c.id === id));
  if (missing) throw notFound('review comment', `${missing} (commentIds: no unsent comment of task ${taskId})`);
  return found;
}

export const reviewCommentHandlers: Pick<Handlers, 'AddReviewComment' | 'EditReviewComment' | 'DeleteReviewComment' | 'ListReviewComments' | 'SendReviewComments'> = {
  AddReviewComment(sc, p) {
    const t = mustTask(sc, p.taskId);
    if (isShelved(t.status)) throw invalidState('addReviewComment', t.status, 'the task is archived or deleted');
    const row: ReviewCommentRow = {
      id: newId('rc'),
      task_id: t.id,
      path: p.path,
      line: p.line,
      side: p.side ?? 'modified',
      line_text: p.lineText ?? null,
      text: p.text,
      created_at: Date.now(),
      sent_at: null,
      sent_turn_id: null,
    };
    sc.store.reviewComments.insert(row);
    sc.publisher.taskChanged(t.id);
    return toReviewComment(row);
  },

  EditReviewComment(sc, { commentId, text }) {
    const c = mustComment(sc, commentId);
    if (c.text !== text) {
      sc.store.reviewComments.setText(c.id, text);
      // The count is the same; the push tells other windows to read the threads again.
      sc.publisher.taskChanged(c.task_id);
    }
    return toReviewComment({ ...c, text });
  },

  DeleteReviewComment(sc, { commentId }) {
    const c = mustComment(sc, commentId);
    sc.store.reviewComments.delete(c.id);
    sc.publisher.taskChanged(c.task_id);
    return {};
  },

  ListReviewComments(sc, { taskId }) {
    mustTask(sc, taskId);
    return { comments: sc.store.reviewComments.unsentOf(taskId).map(toReviewComment) };
  },

  SendReviewComments(sc, { taskId, sessionId, commentIds, note }) {
    const t = mustTask(sc, taskId);
    const s = sc.store.session(sessionId);
    if (!s) throw notFound('session', sessionId);
    if (s.task_id !== t.id) throw notFound('session', `${sessionId} (sessionId: a session of another task, not of ${taskId})`);
    const comments = chosen(sc, t.id, commentIds);
    if (comments.length === 0) throw invalidState('sendReviewComments', 'no_comments', `task ${taskId} has no unsent review comment`);
    const text = reviewMessage(t.title, comments, note);
    if (text.length > MAX_MESSAGE) {
      throw invalidParams(`commentIds: the message would be ${text.length} characters, over ${MAX_MESSAGE}; send fewer comments at a time`);
    }
    const sent = sc.queue.send(s, text, (turnId) => sc.store.reviewComments.markSent(comments.map((c) => c.id), turnId, Date.now()));
    return { sent: comments.length, text, ...sent };
  },
};
