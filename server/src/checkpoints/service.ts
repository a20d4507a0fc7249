/**
 * Checkpoints per turn (issue 9): a snapshot of the task's worktree (effects/snapshot.ts) when it
 * is provisioned (`start`), at the end of each agent turn (`turn`) and before any restore
 * (`before_restore`), each skipped when nothing changed since the task's last one.
 *
 * Off the time to first chunk: a turn's checkpoint runs in the effects worker after the turn
 * ended. A message queued behind the turn waits for it (tens of ms, see docs/bench.md), so that
 * checkpoint never catches the next turn half way. A message sent to the idle session never waits:
 * its turn starts at once, even while the checkpoint is still being written (the agent's first
 * write comes long after a snapshot's few ms; if one landed first, it is in that checkpoint).
 * A turn's start records, with no git, which checkpoint it began from (`turn_checkpoints`); a turn
 * begun while the last turn's checkpoint was being written is moved onto it once it lands.
 */
import type { CheckpointRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { CheckpointsUpdatedParams } from '../../../shared/protocol';
import { newId } from '../ids';
import { errorMessage } from '../errors';
import { regenerableOf } from '../handlers/repos';
import { toCheckpoint, toRestore, toTurnCheckpoint } from '../store/checkpoints';

export class Checkpoints {
  /** Tasks whose turn checkpoint is being written (chained when two sessions end at once). */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly sc: Sidecar) {}

  private get store() {
    return this.sc.store.checkpoints;
  }

  /** Turn checkpoints being written: the sidecar is not quiescent meanwhile. */
  get writing(): number {
    return this.inFlight.size;
  }

  get enabled(): boolean {
    return this.sc.opts.checkpointsEnabled;
  }

  /**
   * No turn of the task may start now: a restore is open, or (except for a message sent to an idle
   * session, `idleSend`) its last turn's checkpoint is being written.
   */
  holds(taskId: string, idleSend = false): boolean {
    return (!idleSend && this.inFlight.has(taskId)) || this.store.openRestore(taskId) !== undefined;
  }

  /** In the turn's start transaction: which checkpoint the turn begins from (one read, one insert). */
  turnStarted(taskId: string, sessionId: string, turnId: string): void {
    if (!this.enabled) return;
    const latest = this.store.latest(taskId);
    if (latest) this.store.turnStarted({ turn_id: turnId, session_id: sessionId, task_id: taskId, checkpoint_id: latest.id, started_at: Date.now() });
  }

  /** After a turn ended: checkpoint the worktree in the worker, then let the task's queues go on. */
  afterTurn(taskId: string, sessionId: string, turnId: string): void {
    if (!this.enabled || this.sc.draining) return;
    const t = this.sc.store.task(taskId);
    if (!t?.worktree_path) return;
    const previous = this.inFlight.get(taskId) ?? Promise.resolve();
    const since = Date.now();
    const before = this.store.latest(taskId)?.id;
    const run = previous
      .then(() => this.take(taskId, 'turn', { sessionId, turnId }))
      .then(
        (row) => {
          // Turns sent to the idle session meanwhile began from this checkpoint, not the one before.
          const unchanged = !row || row.id === before;
          if (!unchanged) this.store.rebaseTurns(taskId, since, row.id);
          this.push(taskId, { turnId, unchanged });
        },
        (e: unknown) => this.sc.log(`checkpoint of task ${taskId} after turn ${turnId} failed: ${errorMessage(e)}`),
      )
      .finally(() => {
        if (this.inFlight.get(taskId) !== run) return;
        this.inFlight.delete(taskId);
        this.sc.activityChanged();
        this.release(taskId);
      });
    this.inFlight.set(taskId, run);
    this.sc.activityChanged();
  }

  /** The worktree as the task's `start` checkpoint, once (provisioning; idempotent on resume). */
  async atStart(taskId: string): Promise<void> {
    if (!this.enabled || this.store.latest(taskId)) return;
    // A checkpoint that cannot be taken never fails provisioning: the task works without it.
    await this.take(taskId, 'start', {}).catch((e: unknown) => this.sc.log(`start checkpoint of task ${taskId} failed: ${errorMessage(e)}`));
  }

  /** Resolves once no turn checkpoint of the task is being written. */
  settled(taskId: string): Promise<void> {
    return this.inFlight.get(taskId) ?? Promise.resolve();
  }

  /**
   * Snapshot the task's worktree as its next checkpoint. Unchanged since the latest: nothing is
   * written and the latest is returned. Idempotent: a retry after a crash writes the same ref.
   */
  async take(taskId: string, kind: CheckpointRow['kind'], who: { sessionId?: string; turnId?: string }): Promise<CheckpointRow | undefined> {
    const t = this.sc.store.task(taskId);
    if (!t?.worktree_path) return undefined;
    const latest = this.store.latest(taskId);
    const seq = (latest?.seq ?? 0) + 1;
    const ref = `refs/foundry/checkpoints/${taskId}/${seq}`;
    const r = await this.sc.effects.call('takeSnapshot', {
      worktreePath: t.worktree_path,
      ref,
      regenerable: this.regenerable(t),
      message: `Foundry checkpoint ${seq} (${kind}) of ${taskId}`,
      ...(latest ? { previous: latest.commit_sha } : {}),
    });
    if (r.unchanged) return latest;
    const pushNow = kind !== 'turn'; // afterTurn pushes once the turns are rebased
    const row: CheckpointRow = {
      id: newId('cp'),
      task_id: taskId,
      session_id: who.sessionId ?? null,
      turn_id: who.turnId ?? null,
      kind,
      seq,
      commit_sha: r.commit,
      ref,
      files: r.files,
      bytes: r.bytes,
      excluded: JSON.stringify(r.excluded),
      created_at: Date.now(),
    };
    // A second checkpoint of the same seq (a resumed step racing nothing, but be sure) is not inserted twice.
    if (this.store.latest(taskId)?.seq === seq) return this.store.latest(taskId);
    this.store.insert(row);
    if (pushNow) this.push(taskId);
    return row;
  }

  regenerable(t: TaskRow): readonly string[] {
    return regenerableOf(this.sc.store.repo(t.repo_id));
  }

  /** What `foundry/listCheckpoints` answers and `foundry/checkpointsUpdated` pushes. */
  list(taskId: string): CheckpointsUpdatedParams {
    const restore = this.store.latestRestore(taskId);
    return {
      taskId,
      checkpoints: this.store.of(taskId).map(toCheckpoint),
      turns: this.store.turnsOf(taskId).map(toTurnCheckpoint),
      ...(restore ? { restore: toRestore(restore) } : {}),
    };
  }

  push(taskId: string, turnChecked?: CheckpointsUpdatedParams['turnChecked']): void {
    if (!this.sc.draining) this.sc.channels.checkpointsUpdated({ ...this.list(taskId), ...(turnChecked ? { turnChecked } : {}) });
  }

  /** The hold on the task ended: each of its sessions takes its next queued message, if any. */
  release(taskId: string): void {
    if (this.sc.draining || this.holds(taskId)) return;
    for (const s of this.sc.store.sessionsOf(taskId)) this.sc.queue.dispatch(s.id);
  }
}
