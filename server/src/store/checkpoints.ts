/**
 * The checkpoint rows (migration 11): snapshots of a task's worktree kept as checkpoints, which
 * checkpoint each turn began from, and each restore. Every method is one short synchronous
 * statement; callers group writes with `db.tx`.
 */
import type { Db } from '../db/database';
import type { CheckpointRestoreRow, CheckpointRow, TurnCheckpointRow } from '../db/schema';
import type { Checkpoint, CheckpointRestore, TurnCheckpoint } from '../../../shared/protocol';

export const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  id: r.id,
  taskId: r.task_id,
  ...(r.session_id ? { sessionId: r.session_id } : {}),
  ...(r.turn_id ? { turnId: r.turn_id } : {}),
  kind: r.kind,
  commit: r.commit_sha,
  ref: r.ref,
  files: r.files,
  bytes: r.bytes,
  excluded: JSON.parse(r.excluded) as string[],
  createdAt: r.created_at,
});

export const toTurnCheckpoint = (r: TurnCheckpointRow): TurnCheckpoint => ({ turnId: r.turn_id, sessionId: r.session_id, checkpointId: r.checkpoint_id, startedAt: r.started_at });

export const toRestore = (r: CheckpointRestoreRow): CheckpointRestore => ({
  id: r.id,
  taskId: r.task_id,
  checkpointId: r.checkpoint_id,
  status: r.status,
  ...(r.before_checkpoint_id ? { beforeCheckpointId: r.before_checkpoint_id } : {}),
  ...(r.written != null ? { written: r.written } : {}),
  ...(r.removed != null ? { removed: r.removed } : {}),
  ...(r.error ? { error: r.error } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class CheckpointStore {
  constructor(private readonly db: Db) {}

  private get q() {
    return this.db.q;
  }

  insert(row: CheckpointRow): void {
    this.db.run(this.q.insertInto('checkpoints').values(row));
  }

  get(id: string): CheckpointRow | undefined {
    return this.db.get(this.q.selectFrom('checkpoints').selectAll().where('id', '=', id));
  }

  /** A task's checkpoints, oldest first. */
  of(taskId: string): CheckpointRow[] {
    return this.db.all(this.q.selectFrom('checkpoints').selectAll().where('task_id', '=', taskId).orderBy('seq'));
  }

  /** The task's latest checkpoint. */
  latest(taskId: string): CheckpointRow | undefined {
    return this.db.get(this.q.selectFrom('checkpoints').selectAll().where('task_id', '=', taskId).orderBy('seq', 'desc').limit(1));
  }

  /** The next seq of the task's checkpoints (the ref's last segment). */
  nextSeq(taskId: string): number {
    return (this.latest(taskId)?.seq ?? 0) + 1;
  }

  /** The turn began from the task's latest checkpoint (the turn's start transaction). */
  turnStarted(row: TurnCheckpointRow): void {
    this.db.run(this.q.insertInto('turn_checkpoints').values(row).onConflict((oc) => oc.column('turn_id').doNothing()));
  }

  /** Turns of the task begun at or after `since` began from `checkpointId` (it landed after they started). */
  rebaseTurns(taskId: string, since: number, checkpointId: string): void {
    this.db.run(this.q.updateTable('turn_checkpoints').set({ checkpoint_id: checkpointId }).where('task_id', '=', taskId).where('started_at', '>=', since));
  }

  turnsOf(taskId: string): TurnCheckpointRow[] {
    return this.db.all(this.q.selectFrom('turn_checkpoints').selectAll().where('task_id', '=', taskId).orderBy('started_at').orderBy('turn_id'));
  }

  /** The session's last turn that began from a checkpoint. */
  lastTurnOf(sessionId: string): TurnCheckpointRow | undefined {
    return this.db.get(this.q.selectFrom('turn_checkpoints').selectAll().where('session_id', '=', sessionId).orderBy('started_at', 'desc').orderBy('turn_id', 'desc').limit(1));
  }

  insertRestore(row: CheckpointRestoreRow): void {
    this.db.run(this.q.insertInto('checkpoint_restores').values(row));
  }

  restore(id: string): CheckpointRestoreRow | undefined {
    return this.db.get(this.q.selectFrom('checkpoint_restores').selectAll().where('id', '=', id));
  }

  updateRestore(id: string, patch: Partial<CheckpointRestoreRow>): void {
    this.db.run(this.q.updateTable('checkpoint_restores').set({ ...patch, updated_at: Date.now() }).where('id', '=', id));
  }

  /** The task's latest restore. */
  latestRestore(taskId: string): CheckpointRestoreRow | undefined {
    return this.db.get(this.q.selectFrom('checkpoint_restores').selectAll().where('task_id', '=', taskId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1));
  }

  /** A restore of the task queued or running. */
  openRestore(taskId: string): CheckpointRestoreRow | undefined {
    return this.db.get(this.q.selectFrom('checkpoint_restores').selectAll().where('task_id', '=', taskId).where('status', 'in', ['queued', 'running']).limit(1));
  }
}
