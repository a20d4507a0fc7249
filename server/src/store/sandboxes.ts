/**
 * The sandboxes rows: a remote task's sandbox as its provider last saw it (providers/daytona/).
 * Uptime is counted from `started_at` while started and folded into `uptime_ms` on each stop.
 * Every method is one short synchronous statement; callers group writes with `db.tx`.
 */
import type { Db } from '../db/database';
import type { SandboxRow } from '../db/schema';

export type SandboxPatch = Partial<Omit<SandboxRow, 'task_id' | 'created_at'>>;

export class SandboxStore {
  constructor(private readonly db: Db) {}

  private get q() {
    return this.db.q;
  }

  get(taskId: string): SandboxRow | undefined {
    return this.db.get(this.q.selectFrom('sandboxes').selectAll().where('task_id', '=', taskId));
  }

  all(): SandboxRow[] {
    return this.db.all(this.q.selectFrom('sandboxes').selectAll());
  }

  /** Insert the row (state `creating`) or update it. */
  put(taskId: string, provider: string, patch: SandboxPatch): SandboxRow {
    const now = Date.now();
    const existing = this.get(taskId);
    if (!existing) {
      const row: SandboxRow = { task_id: taskId, provider, sandbox_id: null, state: 'creating', workdir: null, agent_port: null, endpoint_url: null, started_at: null, uptime_ms: 0, error: null, created_at: now, updated_at: now, ...patch };
      this.db.run(this.q.insertInto('sandboxes').values(row));
      return row;
    }
    this.db.run(this.q.updateTable('sandboxes').set({ ...patch, updated_at: now }).where('task_id', '=', taskId));
    return { ...existing, ...patch, updated_at: now };
  }

  /** The sandbox runs (again): its uptime counts from now, unless it was counting already. */
  started(taskId: string, provider: string, patch: SandboxPatch = {}): void {
    const existing = this.get(taskId);
    const startedAt = existing?.state === 'started' && existing.started_at != null ? existing.started_at : Date.now();
    this.put(taskId, provider, { ...patch, state: 'started', started_at: startedAt, error: null });
  }

  /** It stopped (or is gone): the uptime so far is kept. */
  stopped(taskId: string, state: 'stopped' | 'lost' | 'deleted' | 'error', error: string | null = null): void {
    const existing = this.get(taskId);
    if (!existing) return;
    const ran = existing.state === 'started' && existing.started_at != null ? Math.max(0, Date.now() - existing.started_at) : 0;
    this.put(taskId, existing.provider, { state, started_at: null, uptime_ms: existing.uptime_ms + ran, error });
  }
}
