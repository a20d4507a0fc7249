/**
 * The one message foundry/sendReviewComments sends: a header naming the task, then per comment its
 * file and line, the line's text quoted, and the comment.
 *
 *   Review comments on Fix the login form:
 *
 *   src/login.ts:12
 *   > const password = form.get('pw');
 *   This field is called "password" in the form.
 */
import type { ReviewCommentRow } from '../db/schema';

function quoted(comment: ReviewCommentRow): string {
  const where = `${comment.path}:${comment.line}${comment.side === 'original' ? ' (before the change)' : ''}`;
  const line = comment.line_text === null ? [] : [`> ${comment.line_text}`];
  return [where, ...line, comment.text].join('\n');
}

export function reviewMessage(taskTitle: string, comments: readonly ReviewCommentRow[], note?: string): string {
  const head = [...(note?.trim() ? [note.trim()] : []), `Review comments on ${taskTitle}:`];
  return [...head, ...comments.map(quoted)].join('\n\n');
}
