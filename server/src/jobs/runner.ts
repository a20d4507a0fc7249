/**
 * Durable jobs: rows in SQLite, run through p-queue with bounded concurrency, never two
 * jobs of one task at once (one writer per task). On start, queued and interrupted jobs
 * are picked up again; an interrupted job resumes at its recorded step.
 *
 * Three lanes, so slow work never starves quick work: provisioning (setup scripts may run
 * for minutes), interactive (a new tab's agent session, archive, importing an earlier version's
 * database) and projections (changes).
 */
import PQueue from 'p-queue';
import type { JobRow } from '../db/schema';
import type { Store } from '../store/store';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';

export type JobKind = 'provision' | 'create_session' | 'changes' | 'archive' | 'delete' | 'restore' | 'purge' | 'disk_usage' | 'retention' | 'import' | 'install_agent' | 'repo_action' | 'pull_requests' | 'repo_overview' | 'pool' | 'restore_checkpoint';
type Lane = 'provision' | 'interactive' | 'projection';
const LANE: Record<JobKind, Lane> = {
  provision: 'provision',
  create_session: 'interactive',
  archive: 'interactive',
  // Archive's siblings: the user waits on each (delete, unarchive, undo delete, purge).
  delete: 'interactive',
  restore: 'interactive',
  purge: 'interactive',
  // Background measurements and the periodic retention pass: never in the way of the user's work.
  disk_usage: 'projection',
  retention: 'projection',
  // The user asked for it and waits to see the tasks; it copies rows and never runs a script.
  import: 'interactive',
  changes: 'projection',
  // Minutes of downloading at most; never holds up a provisioning stage.
  install_agent: 'interactive',
  // The user waits on it; a repository's actions run one at a time (actions/job.ts).
  repo_action: 'interactive',
  // GitHub's side of the projections (github/): network reads, never a script.
  pull_requests: 'projection',
  repo_overview: 'projection',
  // The instant sandbox pool's fill (pool/pool.ts): runs setup scripts, like provisioning.
  pool: 'provision',
  // The user waits on it (Restore to here, Undo Last Turn); the task takes no turn meanwhile.
  restore_checkpoint: 'interactive',
};
/**
 * Refreshes that keep no trail of their runs (their rows go when they end). `pull_requests`, the
 * PR projection's poll while a client is connected, is also not activity: it never flips the
 * server's quiescence (a poll that finds nothing new must push nothing).
 */
const TRAILLESS = new Set<string>(['changes', 'pull_requests', 'repo_overview', 'pool', 'disk_usage', 'retention']);
const QUIET = new Set<string>(['pull_requests', 'disk_usage', 'retention']);
export type JobHandler = (job: JobRow) => Promise<void>;

export class JobRunner {
  private readonly lanes: Record<Lane, PQueue>;
  private readonly waiting = new Map<string, { id: number; lane: Lane; quiet: boolean }[]>();
  /** Keys with a job running, and whether that job is quiet. */
  private readonly busy = new Map<string, boolean>();
  private handlers = new Map<string, JobHandler>();
  private listeners: (() => void)[] = [];
  private readonly active = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: Store,
    concurrency: number,
    private readonly log: (msg: string) => void,
  ) {
    this.lanes = {
      provision: new PQueue({ concurrency }),
      interactive: new PQueue({ concurrency }),
      projection: new PQueue({ concurrency: 2 }),
    };
  }

  register(kind: JobKind, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Insert a job row (call inside the caller's transaction); it is scheduled once the request has answered. */
  add(kind: JobKind, subject: string, taskId: string, step: string | null = null): number {
    const id = this.store.insertJob(kind, subject, taskId, step);
    // After the current request has answered: the caller's response goes out first.
    setImmediate(() => this.schedule(id, taskId, kind));
    return id;
  }

  /** Pick up every queued or interrupted job (sidecar start). */
  resumeAll(): JobRow[] {
    const open = this.store.openJobs();
    for (const job of open) this.schedule(job.id, job.task_id, job.kind as JobKind);
    return open.filter((j) => j.status === 'running');
  }

  /** Schedule open job rows written by other means (an import), once their transaction has committed. */
  resume(jobs: Pick<JobRow, 'id' | 'task_id' | 'kind'>[]): void {
    for (const job of jobs) this.schedule(job.id, job.task_id, job.kind as JobKind);
  }

  /** Jobs queued or running. */
  get count(): number {
    let n = 0;
    for (const quiet of this.busy.values()) if (!quiet) n++;
    for (const list of this.waiting.values()) n += list.filter((j) => !j.quiet).length;
    return n;
  }

  /**
   * Start nothing more; resolve once the running jobs have returned. A job interrupted by the
   * stop keeps its row open (status running, its step recorded), so the next start resumes it.
   */
  stop(): Promise<void> {
    this.stopping = true;
    for (const lane of Object.values(this.lanes)) lane.pause();
    return Promise.allSettled([...this.active]).then(() => undefined);
  }

  /** Called whenever the count may have changed. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private schedule(jobId: number, taskId: string, kind: JobKind): void {
    const list = this.waiting.get(taskId) ?? [];
    if (list.some((j) => j.id === jobId)) return;
    // A kind this build does not know (a row from another version) fails in runJob.
    list.push({ id: jobId, lane: LANE[kind] ?? 'interactive', quiet: QUIET.has(kind) });
    this.waiting.set(taskId, list);
    this.pump(taskId);
    for (const l of this.listeners) l();
  }

  private pump(taskId: string): void {
    if (this.busy.has(taskId)) return;
    const list = this.waiting.get(taskId);
    const next = list?.shift();
    if (list && list.length === 0) this.waiting.delete(taskId);
    if (next === undefined) return;
    this.busy.set(taskId, next.quiet);
    void this.lanes[next.lane]
      .add(() => this.run(next.id))
      .finally(() => {
        this.busy.delete(taskId);
        this.pump(taskId);
        for (const l of this.listeners) l();
      });
  }

  private run(jobId: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const p = this.runJob(jobId);
    this.active.add(p);
    return p.finally(() => this.active.delete(p));
  }

  private async runJob(jobId: number): Promise<void> {
    const job = this.store.job(jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return;
    const handler = this.handlers.get(job.kind);
    if (!handler) {
      this.store.updateJob(job.id, { status: 'failed', error: `unknown job kind ${job.kind}` });
      return;
    }
    this.store.updateJob(job.id, { status: 'running', attempts: job.attempts + 1 });
    try {
      await handler({ ...job, attempts: job.attempts + 1, status: 'running' });
      // Projection refreshes happen after every turn and file change: keep no trail of them.
      if (TRAILLESS.has(job.kind)) this.store.deleteJob(job.id);
      else this.store.updateJob(job.id, { status: 'done', error: null });
    } catch (e) {
      if (this.stopping || e instanceof Interrupted) {
        // Not a failure: the row stays open at its step and resumes on the next start.
        this.log(`job ${job.kind} ${job.subject} interrupted at ${this.store.job(job.id)?.step ?? 'its start'}`);
        return;
      }
      this.log(`job ${job.kind} ${job.subject} failed: ${errorMessage(e)}`);
      this.store.updateJob(job.id, { status: 'failed', error: errorMessage(e) });
    }
  }
}
