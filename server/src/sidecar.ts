/**
 * The sidecar's context: owns the database, the effects worker, the job runner, the turn
 * manager and the push channels, and their lifetimes. Handlers and job steps get it as
 * their one dependency.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InitializationOptions, ServerStatusParams, TaskStatus, TranscriptAppendedParams, WorkbenchUpdatedParams } from '../../shared/protocol';
import { Db } from './db/database';
import { Store } from './store/store';
import { Effects } from './effects/client';
import type { EffectsEvent } from './effects/api';
import { Publisher } from './workbench/publisher';
import { Transcripts } from './workbench/transcripts';
import { JobRunner } from './jobs/runner';
import { registerJobs } from './jobs';
import { Turns } from './agents/turns';
import { agentRegistry, type AgentEntry } from './agents/registry';

export interface Options {
  dataDir: string;
  jobConcurrency: number;
  agentIdleStopMs: number;
  defaultAgent: string;
  changesDebounceMs: number;
  agents: Map<string, AgentEntry>;
  /** Folder of the bundles (server.js, effects-worker.js, demo-agent.js). */
  bundleDir: string;
}

export function resolveOptions(init: InitializationOptions, bundleDir: string): Options {
  return {
    dataDir: init.dataDir,
    jobConcurrency: init.jobConcurrency ?? 4,
    agentIdleStopMs: init.agentIdleStopMs ?? 5 * 60_000,
    defaultAgent: init.defaultAgent ?? 'demo',
    changesDebounceMs: init.changesDebounceMs ?? 300,
    agents: agentRegistry(bundleDir, init.agents),
    bundleDir,
  };
}

export interface Channels {
  serverStatus(p: ServerStatusParams): void;
  workbenchUpdated(p: WorkbenchUpdatedParams): void;
  transcriptAppended(p: TranscriptAppendedParams): void;
  log(message: string): void;
}

export class Sidecar {
  readonly db: Db;
  readonly store: Store;
  readonly effects: Effects;
  readonly publisher: Publisher;
  readonly transcripts: Transcripts;
  readonly jobs: JobRunner;
  readonly turns: Turns;
  /** Process groups alive now (ended synchronously if the sidecar exits). */
  readonly liveGroups = new Set<number>();

  constructor(
    readonly opts: Options,
    readonly channels: Channels,
  ) {
    mkdirSync(join(opts.dataDir, 'worktrees'), { recursive: true });
    mkdirSync(join(opts.dataDir, 'logs'), { recursive: true });
    const dbFile = join(opts.dataDir, 'foundry.db');
    this.db = new Db(dbFile);
    this.store = new Store(this.db);
    this.publisher = new Publisher(this.store, channels.workbenchUpdated);
    this.transcripts = new Transcripts(this.store, channels.transcriptAppended);
    this.effects = new Effects(opts.bundleDir, channels.log, () => {
      // Exit so the client restarts the sidecar; jobs resume from their recorded steps.
      process.exit(70);
    });
    this.effects.onEvent((e) => this.onEffectsEvent(e));
    this.db.onCheckpointDue = () =>
      void this.effects.call('checkpoint', { dbFile }).catch((e) => this.log(`WAL checkpoint failed: ${e instanceof Error ? e.message : String(e)}`));
    this.jobs = new JobRunner(this.store, opts.jobConcurrency, channels.log);
    this.turns = new Turns(this);
    this.jobs.onChange(() => this.activityChanged());
    registerJobs(this);
  }

  private quiescent = true;
  private statusScheduled = false;

  /** Re-check quiescence at the end of the tick; push serverStatus only when it flips. */
  activityChanged(): void {
    if (this.statusScheduled) return;
    this.statusScheduled = true;
    setImmediate(() => {
      this.statusScheduled = false;
      const jobs = this.jobs.count;
      const turns = this.turns.running.size;
      const quiescent = jobs === 0 && turns === 0;
      if (quiescent === this.quiescent) return;
      this.quiescent = quiescent;
      this.channels.serverStatus({ quiescent, jobs, turns });
    });
  }

  log(message: string): void {
    this.channels.log(message);
  }

  worktreePath(taskId: string): string {
    return join(this.opts.dataDir, 'worktrees', taskId);
  }
  setupLogPath(taskId: string): string {
    return join(this.opts.dataDir, 'logs', `${taskId}-setup.log`);
  }

  /** Recover from whatever the last sidecar left, then resume queued and interrupted jobs. */
  async start(): Promise<void> {
    const stale = this.store.processes();
    if (stale.length) {
      await this.effects.call('killGroups', { pgids: stale.map((p) => p.pgid) });
      this.db.tx(() => stale.forEach((p) => this.store.removeProcess(p.pgid)));
      this.log(`ended ${stale.length} process group(s) left by an earlier sidecar`);
    }
    this.turns.recoverInterruptedTurns();
    const resumed = this.jobs.resumeAll();
    this.db.tx(() => {
      for (const job of resumed) {
        if (job.kind === 'provision') this.store.addHistory(job.task_id, { kind: 'resumed', stage: job.step ?? undefined });
      }
    });
    for (const t of this.store.tasks()) {
      if ((t.status === 'idle' || t.status === 'running') && t.worktree_path) this.watch(t.id, t.worktree_path);
    }
  }

  async close(): Promise<void> {
    await this.effects.terminate().catch(() => {});
    this.killLiveGroups();
    this.db.close();
  }

  /** Synchronous last resort on process exit: end every group still alive. */
  killLiveGroups(): void {
    for (const pgid of this.liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  watch(taskId: string, path: string): void {
    void this.effects.call('watch', { taskId, path, debounceMs: this.opts.changesDebounceMs }).catch(() => {});
  }

  /** Queue a refresh of the task's changes projection (coalesced with one already queued). */
  refreshChanges(taskId: string): void {
    const t = this.store.task(taskId);
    if (!t?.worktree_path || !t.base_ref || t.status === 'archived') return;
    const queued = this.store.openJobFor('changes', taskId);
    if (queued && queued.status === 'queued') return;
    this.jobs.add('changes', taskId, taskId);
  }

  /** running while any session has a turn in progress, idle otherwise (provisioned tasks only). */
  settledStatus(taskId: string): TaskStatus {
    return this.store.sessionsOf(taskId).some((s) => s.status === 'running') ? 'running' : 'idle';
  }

  /** Re-derive a provisioned task's running/idle status after a session changed. */
  recomputeTaskStatus(taskId: string): void {
    const t = this.store.task(taskId);
    if (!t || (t.status !== 'running' && t.status !== 'idle')) return;
    const next = this.settledStatus(taskId);
    if (next !== t.status) this.store.updateTask(taskId, { status: next, status_message: null });
  }

  private onEffectsEvent(e: EffectsEvent): void {
    switch (e.type) {
      case 'spawned':
        this.liveGroups.add(e.pgid);
        this.store.addProcess(e.pgid, e.owner, e.kind);
        break;
      case 'exited':
        this.liveGroups.delete(e.pgid);
        this.store.removeProcess(e.pgid);
        break;
      case 'acp':
        this.turns.onAcpMessage(e.key, e.sender, e.message);
        break;
      case 'permissionRejected':
        this.turns.onPermissionRejected(e.key, e.title);
        break;
      case 'agentExited':
        this.turns.onAgentExited(e.key, e.code, e.signal);
        break;
      case 'fsChanged':
        this.refreshChanges(e.taskId);
        break;
      case 'log':
        this.log(e.message);
        break;
    }
  }
}
