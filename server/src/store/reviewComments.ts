/**
 * The review_comments rows: comments on lines of a task's diff, kept until a message carries them
 * (`sent_at`, `sent_turn_id`; the row stays). Every method is one short synchronous statement;
 * callers group writes with `db.tx`.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { ReviewCommentRow } from '../db/schema';
import type { ReviewComment } from '../../../shared/protocol';

export const toReviewComment = (r: ReviewCommentRow): ReviewComment => ({
  id: r.id,
  taskId: r.task_id,
  path: r.path,
  line: r.line,
  side: r.side as ReviewComment['side'],
  ...(r.line_text !== null ? { lineText: r.line_text } : {}),
  text: r.text,
  createdAt: r.created_at,
});

export class ReviewCommentStore {
  constructor(private readonly db: Db) {}

  private get q() {
    return this.db.q;
  }

  private unsentQuery() {
    return this.q.selectFrom('review_comments').selectAll().where('sent_at', 'is', null);
  }

  insert(row: ReviewCommentRow): void {
    this.db.run(this.q.insertInto('review_comments').values(row));
  }

  /** An unsent comment, or undefined (sent ones are no longer editable). */
  unsent(id: string): ReviewCommentRow | undefined {
    return this.db.get(this.unsentQuery().where('id', '=', id));
  }

  /** A task's unsent comments by path, then line (then side and age). */
  unsentOf(taskId: string): ReviewCommentRow[] {
    return this.db.all(this.unsentQuery().where('task_id', '=', taskId).orderBy('path').orderBy('line').orderBy('side').orderBy('created_at').orderBy('id'));
  }

  setText(id: string, text: string): void {
    this.db.run(this.q.updateTable('review_comments').set({ text }).where('id', '=', id));
  }

  delete(id: string): void {
    this.db.run(this.q.deleteFrom('review_comments').where('id', '=', id));
  }

  markSent(ids: readonly string[], turnId: string, at: number): void {
    if (ids.length) this.db.run(this.q.updateTable('review_comments').set({ sent_at: at, sent_turn_id: turnId }).where('id', 'in', ids));
  }

  /** How many unsent comments a task has. */
  unsentCount(taskId: string): number {
    const row = this.db.get(
      this.q.selectFrom('review_comments').select((eb) => eb.fn.countAll<number>().as('n')).where('task_id', '=', taskId).where('sent_at', 'is', null),
    );
    return Number(row?.n ?? 0);
  }

  /** Unsent counts of every task that has any (one read for the whole workbench). */
  unsentCounts(): Map<string, number> {
    const rows = this.db.all(
      this.q
        .selectFrom('review_comments')
        .select(['task_id', sql<number>`count(*)`.as('n')])
        .where('sent_at', 'is', null)
        .groupBy('task_id'),
    );
    return new Map(rows.map((r) => [r.task_id, Number(r.n)]));
  }
}
