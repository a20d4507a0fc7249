/**
 * The instant sandbox pool: per repository, `foundry.pool.size` worktrees made ahead of time by a
 * durable job with the setup script already run (`FOUNDRY_POOL=1`, no task id yet). createTask
 * leases one in its own transaction (poolStore.lease); the task's init_create_sandbox adopts it
 * (adopt: branch renamed, marker rewritten, task variables recorded) and skips the worktree and
 * setup script, or falls back to a fresh worktree and says why. The fill job runs one at a time
 * per repository (its job key), discards stale entries (base commit or setup script changed),
 * and backs off after a failed setup script. At start, orphans (marked worktrees no task or
 * entry holds) are removed only if they hold nothing (orphans.ts).
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRow, PoolEntryRow, RepoRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';
import { newId } from '../ids';
import { readTail } from '../tail';
import { copyIgnoredOf } from '../store/summaries';
import { setupHash } from './poolStore';
import { sweepOrphans } from './orphans';

export const POOL_JOB = 'pool';
const POOL_BRANCH_PREFIX = 'foundry/pool/';
/** The job key: one pool operation at a time per repository. */
const poolKey = (repoId: string) => `pool:${repoId}`;
/** After the n-th failed setup script in a row: 5 s, 20 s, 80 s, ... at most 30 minutes. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 4 ** (attempts - 1), 30 * 60_000);

type Verdict = { ok: true } | { ok: false; reason: string };

export class Pool {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly sc: Sidecar) {}

  private get rows() {
    return this.sc.store.pool;
  }

  /** Queue a fill of the repository's pool, unless one is queued already. */
  scheduleFill(repoId: string): void {
    if (this.sc.draining) return;
    if (this.rows.size === 0 && this.rows.unleased(repoId).length === 0) return;
    if (this.sc.store.queuedJobFor(POOL_JOB, repoId)) return;
    this.sc.jobs.add(POOL_JOB, repoId, poolKey(repoId));
  }

  repoAdded(repoId: string): void {
    this.scheduleFill(repoId);
  }

  /** Sidecar start, before jobs resume: sweep orphans, then fill every repository's pool. */
  async start(): Promise<void> {
    await sweepOrphans(this.sc, (owner) => this.holds(owner));
    for (const r of this.sc.store.repos()) {
      if (!this.sc.store.openJobFor(POOL_JOB, r.id)) this.scheduleFill(r.id);
    }
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Whether a task or a pool entry row holds the worktree marked `owner`. */
  private holds(owner: string): boolean {
    return owner.startsWith('pool:') ? this.rows.entry(owner.slice('pool:'.length)) !== undefined : this.sc.store.task(owner) !== undefined;
  }

  /**
   * createTask's lease, inside its transaction, before the task row is inserted: sets
   * `task.pool_entry_id` when a ready entry ran the task's setup script. A task on an existing
   * branch never leases (its branch is the point). Returns the history line to record, if any.
   */
  leaseFor(task: TaskRow): string | undefined {
    if (task.from_branch != null || task.from_pull_request != null) return undefined;
    // The pool holds local worktrees: a task whose sandbox is remote never takes one.
    if ((task.provider ?? 'local') !== 'local') return undefined;
    // The pool is off (`foundry.pool.size` 0): entries left from before are discarded, never leased.
    if (this.rows.size === 0) return undefined;
    const { entry, stale } = this.rows.lease(task.repo_id, setupHash(task.setup_script), task.id);
    if (stale > 0) this.sc.publisher.repoChanged(task.repo_id);
    if (entry) {
      task.pool_entry_id = entry.id;
      this.sc.publisher.repoChanged(task.repo_id);
      return `leased ready worktree ${entry.id} from the pool`;
    }
    // Nothing to lease: the pool is refilled now (after a lease it is, once the lease is adopted).
    setImmediate(() => this.scheduleFill(task.repo_id));
    return stale > 0 ? `the pool's ready worktrees ran another setup script (they are replaced); a fresh worktree is made` : undefined;
  }

  /**
   * init_create_sandbox of a task that leased an entry: true once the entry's worktree is the
   * task's (nothing more to do: its setup script ran in the pool). False: the entry was stale or
   * broken, the task's history says so, and the stage makes a fresh worktree.
   */
  async adopt(taskId: string): Promise<boolean> {
    const t = this.sc.store.task(taskId)!;
    if (!t.pool_entry_id) return false;
    // Adopted already (a resume after the lease was recorded): the setup script ran in the pool.
    if (t.worktree_path) return t.worktree_path === this.rows.entry(t.pool_entry_id)?.worktree_path;
    const e = this.rows.entry(t.pool_entry_id);
    const repo = this.sc.store.repo(t.repo_id)!;
    let verdict: Verdict;
    if (!e || e.task_id !== taskId || e.status !== 'leased' || !e.base_ref || e.status_digest === null) verdict = { ok: false, reason: 'is no longer on record' };
    else {
      verdict = await this.sc.effects
        .call('poolAdopt', { repoPath: repo.path, worktreePath: e.worktree_path, entryId: e.id, poolBranch: e.branch, baseRef: e.base_ref, statusDigest: e.status_digest, taskId, branch: t.branch })
        .catch((err: unknown): Verdict => ({ ok: false, reason: `could not be handed over (${errorMessage(err)})` }));
    }
    if (!verdict.ok) {
      const message = `The pool's worktree ${verdict.reason}; making a fresh worktree instead`;
      this.sc.db.tx(() => {
        if (e) this.rows.update(e.id, { status: 'stale', error: verdict.reason });
        this.sc.store.updateTask(taskId, { pool_entry_id: null, status_message: message });
        this.sc.store.addHistory(taskId, { kind: 'pool', stage: 'init_create_sandbox', message });
      });
      this.sc.publisher.taskChanged(taskId);
      this.sc.publisher.repoChanged(repo.id);
      this.scheduleFill(repo.id);
      return false;
    }
    const entry = e!;
    this.sc.db.tx(() => {
      this.sc.store.updateTask(taskId, { worktree_path: entry.worktree_path, base_ref: entry.base_ref });
      this.sc.store.addHistory(taskId, { kind: 'pool', stage: 'init_create_sandbox', message: `Took ready worktree ${entry.id} from the pool (its setup script already ran)` });
    });
    this.sc.publisher.taskChanged(taskId);
    await this.carrySetupLog(entry.id, taskId);
    await this.copyIgnoredInto(repo, entry.worktree_path);
    this.scheduleFill(repo.id);
    return true;
  }

  /** Copy the repository's listed ignored files into a new worktree (fresh, pooled, or on lease when they changed). */
  async copyIgnoredInto(repo: RepoRow, worktreePath: string): Promise<void> {
    const paths = copyIgnoredOf(repo);
    if (!paths.length) return;
    const { copied, skipped } = await this.sc.effects.call('copyIgnored', { repoPath: repo.path, worktreePath, paths });
    if (copied.length) this.sc.log(`copied ${copied.length} ignored file(s) into ${worktreePath}: ${copied.join(', ')}`);
    if (skipped.length) this.sc.log(`not copied into ${worktreePath} (missing, or not git-ignored): ${skipped.join(', ')}`);
  }

  /** The pool entry's setup output goes into the task's setup log, so the task log shows what ran. */
  private async carrySetupLog(entryId: string, taskId: string): Promise<void> {
    const text = await readFile(this.logPath(entryId), 'utf8').catch(() => '');
    if (!text) return;
    await appendFile(this.sc.setupLogPath(taskId), `--- setup script ran in the pool (FOUNDRY_POOL=1, entry ${entryId}) ---\n${text}`).catch(() => {});
  }

  private logPath(entryId: string): string {
    return join(this.sc.opts.dataDir, 'logs', `${entryId}-setup.log`);
  }

  /** The fill job: bring the repository's pool to its size, one entry at a time. */
  job() {
    return (job: JobRow) => this.fill(job.subject);
  }

  private async fill(repoId: string): Promise<void> {
    // This job is the only maker of entries and runs one at a time per repository, so a row
    // still `creating` when it starts is one that a crash or a drain cut short.
    for (const e of this.rows.unleased(repoId).filter((r) => r.status === 'creating')) await this.discard(e);
    for (;;) {
      if (this.sc.draining) throw new Interrupted('the pool fill');
      const repo = this.sc.store.repo(repoId);
      if (!repo) return;
      const hash = setupHash(repo.setup_script);
      const head = await this.sc.effects.call('repoHead', { repoPath: repo.path }).catch(() => null);
      const entries = this.rows.unleased(repoId);
      const stale = entries.find((e) => e.status === 'stale' || (e.status === 'ready' && (e.setup_hash !== hash || (head !== null && e.base_ref !== head))));
      if (stale) {
        await this.discard(stale);
        continue;
      }
      for (const e of entries.filter((r) => r.status === 'failed' && r.setup_hash !== hash)) this.rows.remove(e.id); // the script changed: try at once
      const ready = entries.filter((e) => e.status === 'ready');
      if (ready.length > this.rows.size) {
        await this.discard(ready[0]);
        continue;
      }
      if (ready.length >= this.rows.size) return;
      const failed = entries.find((e) => e.status === 'failed' && e.setup_hash === hash);
      if (failed && (failed.retry_at ?? 0) > Date.now()) {
        this.retryLater(repoId, failed.retry_at! - Date.now());
        this.sc.publisher.repoChanged(repoId);
        return;
      }
      await this.createEntry(repo, hash, failed);
    }
  }

  private retryLater(repoId: string, delayMs: number): void {
    clearTimeout(this.timers.get(repoId));
    const timer = setTimeout(() => {
      this.timers.delete(repoId);
      this.scheduleFill(repoId);
    }, delayMs);
    timer.unref();
    this.timers.set(repoId, timer);
  }

  private async createEntry(repo: RepoRow, hash: string, failed: PoolEntryRow | undefined): Promise<void> {
    const id = failed?.id ?? newId('pool');
    const worktreePath = join(this.sc.opts.dataDir, 'worktrees', id);
    const branch = `${POOL_BRANCH_PREFIX}${id}`;
    const now = Date.now();
    if (failed) this.rows.update(id, { status: 'creating', error: null, setup_hash: hash, base_ref: null, status_digest: null });
    else {
      this.rows.insert({ id, repo_id: repo.id, status: 'creating', worktree_path: worktreePath, branch, base_ref: null, setup_hash: hash, status_digest: null, task_id: null, attempts: 0, error: null, retry_at: null, created_at: now, updated_at: now });
    }
    this.sc.publisher.repoChanged(repo.id);
    try {
      const { baseRef } = await this.sc.effects.call('poolCreate', { repoPath: repo.path, worktreePath, branch, entryId: id });
      this.rows.update(id, { base_ref: baseRef });
      await this.copyIgnoredInto(repo, worktreePath);
      await this.runSetup(repo, id, worktreePath, branch);
      const digest = await this.sc.effects.call('worktreeDigest', { worktreePath });
      this.rows.update(id, { status: 'ready', status_digest: digest, attempts: 0, error: null, retry_at: null });
    } catch (e) {
      if (this.sc.draining || e instanceof Interrupted) throw new Interrupted('the pool fill'); // the row stays `creating`: discarded on resume
      const attempts = (failed?.attempts ?? 0) + 1;
      const message = errorMessage(e);
      const entry = this.rows.entry(id)!;
      const removed = await this.remove({ ...entry, status_digest: null });
      if (!removed.ok) this.sc.log(`pool: left ${worktreePath}: ${removed.reason}`);
      this.rows.update(id, { status: 'failed', attempts, error: message, retry_at: Date.now() + backoffMs(attempts), base_ref: null });
      this.sc.log(`pool: an entry of ${repo.name} failed (${message}); retrying in ${Math.round(backoffMs(attempts) / 1000)} s`);
    }
    this.sc.publisher.repoChanged(repo.id);
  }

  private async runSetup(repo: RepoRow, id: string, worktreePath: string, branch: string): Promise<void> {
    const script = repo.setup_script;
    if (!script?.trim()) return;
    const logPath = this.logPath(id);
    await writeFile(logPath, `--- setup script started ${new Date().toISOString()} ---\n`);
    const r = await this.sc.effects.call('runScript', {
      owner: `pool:${id}`,
      script,
      cwd: worktreePath,
      logPath,
      env: { FOUNDRY_POOL: '1', FOUNDRY_REPO_PATH: repo.path, FOUNDRY_WORKTREE: worktreePath, FOUNDRY_BRANCH: branch },
    });
    if (r.exitCode === 0) return;
    if (this.sc.draining) throw new Interrupted('the pool setup script');
    const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    const last = (await readTail(logPath, 4096)).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--- setup script')).at(-1) ?? '';
    throw new Error(`Setup script ${how}${last ? `: ${last.slice(0, 300)}` : ''}`);
  }

  private remove(e: PoolEntryRow): Promise<Verdict> {
    const repo = this.sc.store.repo(e.repo_id);
    if (!repo) return Promise.resolve({ ok: false, reason: 'its repository is gone' });
    return this.sc.effects
      .call('poolRemove', { repoPath: repo.path, worktreePath: e.worktree_path, entryId: e.id, branch: e.branch, baseRef: e.base_ref, statusDigest: e.status_digest })
      .catch((err: unknown): Verdict => ({ ok: false, reason: errorMessage(err) }));
  }

  /** Remove an unleased entry's worktree (unless it changed since its setup: then left, logged) and its row. */
  private async discard(e: PoolEntryRow): Promise<void> {
    const v = await this.remove(e.status === 'creating' ? { ...e, status_digest: null } : e);
    if (!v.ok) this.sc.log(`pool: left ${e.worktree_path}: ${v.reason}`);
    this.rows.remove(e.id);
    this.sc.publisher.repoChanged(e.repo_id);
  }
}
