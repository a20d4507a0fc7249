/** The pool's rows (pool_entries, migration 13): one short synchronous statement per method. */
import { createHash } from 'node:crypto';
import type { Db } from '../db/database';
import type { PoolEntryRow } from '../db/schema';
import type { Repo } from '../../../shared/protocol';

export type PoolStatus = 'creating' | 'ready' | 'failed' | 'leased' | 'stale';

/** What a pool entry's setup script is compared by: the script's sha256 ('' when there is none). */
export const setupHash = (script: string | null | undefined): string => createHash('sha256').update(script?.trim() ? script : '').digest('hex');

export class PoolStore {
  /** `foundry.pool.size` (the sidecar sets it from its settings). */
  size = 0;

  constructor(private readonly db: Db) {}

  entry(id: string): PoolEntryRow | undefined {
    return this.db.get(this.db.q.selectFrom('pool_entries').selectAll().where('id', '=', id));
  }
  /** Every entry of the repository that no task has leased. */
  unleased(repoId: string): PoolEntryRow[] {
    return this.db.all(this.db.q.selectFrom('pool_entries').selectAll().where('repo_id', '=', repoId).where('status', '!=', 'leased').orderBy('created_at'));
  }
  all(): PoolEntryRow[] {
    return this.db.all(this.db.q.selectFrom('pool_entries').selectAll());
  }
  insert(row: PoolEntryRow): void {
    this.db.run(this.db.q.insertInto('pool_entries').values(row));
  }
  update(id: string, patch: Partial<PoolEntryRow>): void {
    this.db.updateById('pool_entries', id, { ...patch, updated_at: Date.now() });
  }
  remove(id: string): void {
    this.db.run(this.db.q.deleteFrom('pool_entries').where('id', '=', id));
  }

  /**
   * Lease the oldest ready entry that ran `hash` to `taskId` (call inside createTask's
   * transaction: SQLite's one writer makes it atomic, and task_id is UNIQUE). Ready entries that
   * ran another script are marked stale (the fill job replaces them). Returns the entry leased
   * and how many were stale.
   */
  lease(repoId: string, hash: string, taskId: string): { entry: PoolEntryRow | undefined; stale: number } {
    const ready = this.db.all(this.db.q.selectFrom('pool_entries').selectAll().where('repo_id', '=', repoId).where('status', '=', 'ready').orderBy('created_at'));
    const stale = ready.filter((e) => e.setup_hash !== hash);
    for (const e of stale) this.update(e.id, { status: 'stale' });
    const entry = ready.find((e) => e.setup_hash === hash);
    if (entry) this.update(entry.id, { status: 'leased', task_id: taskId });
    return { entry: entry && { ...entry, status: 'leased', task_id: taskId }, stale: stale.length };
  }

  /** The repository's pool on the wire; undefined when the pool is off and has no entries. */
  info(repoId: string): Repo['pool'] {
    const rows = this.unleased(repoId);
    if (this.size === 0 && rows.length === 0) return undefined;
    const count = (s: PoolStatus) => rows.filter((r) => r.status === s).length;
    const failed = rows.filter((r) => r.status === 'failed');
    const error = failed.at(-1)?.error;
    return { size: this.size, ready: count('ready'), creating: count('creating'), failed: failed.length, ...(error ? { error } : {}) };
  }
}
