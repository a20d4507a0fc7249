/**
 * The sidecar's context: owns the database, the effects worker, the job runner, the turn
 * manager and the push channels, and their lifetimes. Handlers and job steps get it as
 * their one dependency.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isShelved, turnInProgress, type AgentDefinition, type AgentsUpdatedParams, type CheckpointsUpdatedParams, type RepoActionUpdatedParams, type RepoOverviewUpdatedParams, type ServerStatusParams, type SidecarSettings, type TaskStatus, type WorkbenchUpdatedParams } from '../../shared/protocol';
import { Db } from './db/database';
import { Store } from './store/store';
import { Effects } from './effects/client';
import type { EffectsEvent } from './effects/api';
import { Publisher } from './workbench/publisher';
import { Transcripts, type TranscriptAudience } from './workbench/transcripts';
import { JobRunner } from './jobs/runner';
import { registerJobs } from './jobs';
import { Turns } from './agents/turns';
import { Permissions } from './agents/permissions';
import { AgentRegistry, agentsDirOf } from './agents/registry';
import { MessageQueue } from './agents/queue';
import { StallMonitor } from './agents/stalls';
import { reconcileEarlierVersions } from './reconcile';
import { retryProvisioning } from './handlers/tasks';
import { GitHub, type GitHubSettings } from './github/service';
import { Overviews } from './github/overview';
import { Pool } from './pool/pool';
import { DISK_JOB, DISK_KEY } from './jobs/diskUsage';
import { RETENTION_JOB, RETENTION_KEY } from './jobs/retention';
import { Checkpoints } from './checkpoints/service';
import { Providers } from './providers';

export interface Options {
  dataDir: string;
  jobConcurrency: number;
  /** Ready worktrees kept per repository (`foundry.pool.size`; 0 = no pool). */
  poolSize: number;
  agentIdleStopMs: number;
  defaultAgent: string;
  changesDebounceMs: number;
  /** Agent definitions from the settings (overriding or adding to the built-ins). */
  extraAgents: Record<string, AgentDefinition>;
  /** Non-secret environment per agent, from the settings. */
  agentEnv: Record<string, Record<string, string>>;
  /** Where pinned agent installs live (FOUNDRY_AGENTS_DIR, else `<dataDir>/agents`). */
  agentsDir: string;
  stalledAfterMs: number;
  /** Folder of the bundles (server.js, effects-worker.js, demo-agent.js). */
  bundleDir: string;
  /** GitHub's API base, the remote -> owner/repo mapping and the PR projection's period. */
  github: GitHubSettings;
  /** Retention (jobs/retention.ts): days (0 = off) and the periodic job's period. */
  retention: { retentionArchiveIdleDays: number; retentionPurgeDeletedDays: number; intervalMs: number };
  /** Disk use is measured at most this often (jobs/diskUsage.ts). */
  diskUsageThrottleMs: number;
  /** Checkpoints at each turn's end (checkpoints/service.ts). */
  checkpointsEnabled: boolean;
  /** The Daytona provider's API (its key is a credential: providers/index.ts). */
  daytona: DaytonaSettings;
}

export interface DaytonaSettings {
  apiUrl: string;
  target?: string;
  /** Daytona's own auto-stop interval for idle sandboxes (minutes; 0 = never). */
  autoStopMinutes: number;
  /** One Daytona API call's limit before its stage fails (seconds; default 60 in remote.ts). */
  requestTimeoutSeconds?: number;
}

export function resolveOptions(dataDir: string, init: SidecarSettings, bundleDir: string): Options {
  return {
    dataDir,
    jobConcurrency: init.jobConcurrency ?? 4,
    poolSize: init.poolSize ?? 2,
    agentIdleStopMs: init.agentIdleStopMs ?? 5 * 60_000,
    defaultAgent: init.defaultAgent ?? 'demo',
    changesDebounceMs: init.changesDebounceMs ?? 300,
    extraAgents: init.agents ?? {},
    agentEnv: init.agentEnv ?? {},
    agentsDir: agentsDirOf(dataDir, process.env),
    stalledAfterMs: init.stalledAfterMs ?? 120_000,
    bundleDir,
    github: {
      apiUrl: init.githubApiUrl ?? 'https://api.github.com',
      repositories: init.githubRepositories ?? {},
      refreshMs: init.pullRequestRefreshMs ?? 60_000,
    },
    retention: {
      retentionArchiveIdleDays: init.retentionArchiveIdleDays ?? 0,
      retentionPurgeDeletedDays: init.retentionPurgeDeletedDays ?? 0,
      intervalMs: init.retentionIntervalMs ?? 60 * 60_000,
    },
    diskUsageThrottleMs: init.diskUsageThrottleMs ?? 60_000,
    checkpointsEnabled: init.checkpointsEnabled ?? true,
    daytona: {
      apiUrl: init.daytona?.apiUrl ?? process.env.DAYTONA_API_URL ?? 'https://app.daytona.io/api',
      ...(init.daytona?.target ?? process.env.DAYTONA_TARGET ? { target: init.daytona?.target ?? process.env.DAYTONA_TARGET } : {}),
      autoStopMinutes: init.daytona?.autoStopMinutes ?? 15,
      ...(init.daytona?.requestTimeoutSeconds ? { requestTimeoutSeconds: init.daytona.requestTimeoutSeconds } : {}),
    },
  };
}

export interface Channels {
  serverStatus(p: ServerStatusParams): void;
  workbenchUpdated(p: WorkbenchUpdatedParams): void;
  agentsUpdated(p: AgentsUpdatedParams): void;
  repoActionUpdated(p: RepoActionUpdatedParams): void;
  repoOverviewUpdated(p: RepoOverviewUpdatedParams): void;
  checkpointsUpdated(p: CheckpointsUpdatedParams): void;
  transcripts: TranscriptAudience;
  log(message: string): void;
}


export class Sidecar {
  /** When this sidecar process started (ms): jobs created before it were resumed from an earlier one. */
  readonly startedAt = Date.now();
  readonly db: Db;
  readonly store: Store;
  readonly effects: Effects;
  readonly publisher: Publisher;
  readonly transcripts: Transcripts;
  readonly jobs: JobRunner;
  readonly turns: Turns;
  readonly permissions: Permissions;
  readonly agents: AgentRegistry;
  readonly queue: MessageQueue;
  readonly stalls: StallMonitor;
  readonly github: GitHub;
  readonly overviews: Overviews;
  readonly pool: Pool;
  readonly checkpoints: Checkpoints;
  readonly providers: Providers;
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
    this.transcripts = new Transcripts(this.store, channels.transcripts, (m) => this.log(m));
    this.effects = new Effects(opts.bundleDir, channels.log, () => {
      // Exit so the client restarts the sidecar; jobs resume from their recorded steps.
      process.exit(70);
    });
    this.effects.onEvent((e) => this.onEffectsEvent(e));
    this.db.onCheckpointDue = () =>
      void this.effects.call('checkpoint', { dbFile }).catch((e) => this.log(`WAL checkpoint failed: ${e instanceof Error ? e.message : String(e)}`));
    this.jobs = new JobRunner(this.store, opts.jobConcurrency, channels.log);
    this.agents = new AgentRegistry({
      bundleDir: opts.bundleDir,
      agentsDir: opts.agentsDir,
      extra: opts.extraAgents,
      agentEnv: opts.agentEnv,
      inherited: process.env,
    });
    this.turns = new Turns(this);
    this.permissions = new Permissions(this);
    this.queue = new MessageQueue(this);
    this.stalls = new StallMonitor(this);
    this.github = new GitHub(this, opts.github);
    this.overviews = new Overviews(this, (overview) => channels.repoOverviewUpdated({ overview }));
    this.store.pool.size = opts.poolSize;
    this.pool = new Pool(this);
    this.checkpoints = new Checkpoints(this);
    this.providers = new Providers(this);
    this.jobs.onChange(() => this.activityChanged());
    registerJobs(this);
  }

  private quiescent = true;
  private statusScheduled = false;
  private drainPromise: Promise<void> | undefined;

  /** True once a drain began: no new work starts, and interrupted steps are not failures. */
  get draining(): boolean {
    return this.drainPromise !== undefined;
  }

  /** The last status pushed (or the initial quiescent one). */
  get status(): ServerStatusParams {
    return { quiescent: this.quiescent, jobs: this.backgroundWork(), turns: this.turns.running.size };
  }

  /** Durable jobs queued or running, and turn checkpoints being written (not jobs: see checkpoints/service.ts). */
  private backgroundWork(): number {
    return this.jobs.count + this.checkpoints.writing;
  }

  /** Re-check quiescence at the end of the tick; push serverStatus only when it flips. */
  activityChanged(): void {
    if (this.statusScheduled) return;
    this.statusScheduled = true;
    setImmediate(() => {
      this.statusScheduled = false;
      const jobs = this.backgroundWork();
      const turns = this.turns.running.size;
      const quiescent = jobs === 0 && turns === 0;
      if (quiescent === this.quiescent) return;
      this.quiescent = quiescent;
      this.channels.serverStatus({ quiescent, jobs, turns });
    });
  }

  log(message: string): void {
    let masked = this.github ? this.github.redact(message) : message;
    for (const secret of this.providers?.secrets() ?? []) masked = masked.split(secret).join('***');
    this.channels.log(this.agents ? this.agents.redact(masked) : masked);
  }

  private agentsScheduled = false;
  /** Push the agent list at the end of the tick (coalesced). */
  agentsChanged(): void {
    if (this.agentsScheduled) return;
    this.agentsScheduled = true;
    setImmediate(() => {
      this.agentsScheduled = false;
      if (!this.draining) this.channels.agentsUpdated({ agents: this.agents.list() });
    });
  }

  /**
   * The settings a running sidecar applies at once when D/settings.json changes (modes/listen.ts
   * watches it): the agents' non-secret environment, the stall delay and the GitHub settings. The
   * others are read at start.
   */
  applyLiveSettings(settings: SidecarSettings): void {
    const resolved = resolveOptions(this.opts.dataDir, settings, this.opts.bundleDir);
    this.opts.github = resolved.github;
    this.github.applySettings(resolved.github);
    const envChanged = JSON.stringify(resolved.agentEnv) !== JSON.stringify(this.opts.agentEnv);
    this.opts.stalledAfterMs = resolved.stalledAfterMs;
    this.opts.retention = resolved.retention;
    this.opts.checkpointsEnabled = resolved.checkpointsEnabled;
    this.opts.daytona = resolved.daytona;
    if (!envChanged) return;
    this.opts.agentEnv = resolved.agentEnv;
    this.agents.setAgentEnv(resolved.agentEnv);
    this.agentsChanged();
    for (const id of this.agents.ids()) this.retryWaitingOn(id);
  }

  worktreePath(taskId: string): string {
    return join(this.opts.dataDir, 'worktrees', taskId);
  }
  setupLogPath(taskId: string): string {
    return join(this.opts.dataDir, 'logs', `${taskId}-setup.log`);
  }

  /** Recover from whatever the last sidecar left, then resume queued and interrupted jobs. */
  async start(): Promise<void> {
    // First and synchronously: a session still `running` is one the last sidecar left, never a
    // turn a client has just started (no request is served before start() resolves).
    this.turns.recoverInterruptedTurns();
    await this.endStaleGroups();
    await reconcileEarlierVersions(this);
    // Before any job runs: orphans are swept while nothing makes worktrees; then the pools fill.
    await this.pool.start();
    const resumed = this.jobs.resumeAll();
    this.db.tx(() => {
      for (const job of resumed) {
        if (job.kind === 'provision') this.store.addHistory(job.task_id, { kind: 'resumed', stage: job.step ?? undefined });
        // An archive, delete or restore resumes at the step its task's status records.
        if (job.kind === 'archive' || job.kind === 'delete' || job.kind === 'restore') this.store.addHistory(job.task_id, { kind: 'resumed', stage: this.store.task(job.task_id)?.status });
      }
    });
    for (const t of this.store.tasks()) {
      if ((t.status === 'idle' || t.status === 'running') && t.worktree_path) this.watch(t.id, t.worktree_path);
    }
    this.measureDisk();
    this.runRetention();
    this.retentionTimer = setInterval(() => this.runRetention(), this.opts.retention.intervalMs);
    this.retentionTimer.unref();
    // A ready session with messages waiting and its queue not paused (a stop between a turn's end
    // and the next dispatch) carries on.
    for (const s of this.store.allSessions()) this.queue.dispatch(s.id);
  }

  /**
   * End the process groups an earlier sidecar left, each only if its leader is provably the
   * process it spawned; forget the rest unsignalled. A row goes once its group is known gone.
   */
  private async endStaleGroups(): Promise<void> {
    const stale = this.store.processes();
    if (!stale.length) return;
    const groups = stale.map((p) => ({ pgid: p.pgid, bootId: p.boot_id, startTime: p.start_time }));
    const { ended, dropped, survivors } = await this.effects.call('endStaleGroups', { groups });
    const gone = new Set([...ended, ...dropped]);
    this.db.tx(() => stale.filter((p) => gone.has(p.pgid)).forEach((p) => this.store.removeProcessRow(p)));
    if (ended.length) this.log(`ended ${ended.length} process group(s) left by an earlier sidecar`);
    if (dropped.length) this.log(`forgot ${dropped.length} process group record(s) whose leader is not the recorded process (left unsignalled)`);
    if (survivors.length) this.log(`process group(s) ${survivors.join(', ')} still run after SIGKILL; kept on record`);
  }

  /**
   * Stop for good, losing nothing: no job starts; each running job stops at its step boundary
   * with its row left open (it resumes on the next start) instead of failing; scripts and
   * agents are ended and waited for (an interrupted turn is recorded as such); then the
   * database closes. Idempotent.
   */
  drain(): Promise<void> {
    this.drainPromise ??= (async () => {
      if (this.retentionTimer) clearInterval(this.retentionTimer);
      if (this.diskTimer) clearTimeout(this.diskTimer);
      this.github.stop();
      this.pool.stop();
      const running = this.jobs.stop();
      this.log('draining: ending scripts and agents');
      await this.effects.terminate().catch((e) => this.log(`effects shutdown: ${e instanceof Error ? e.message : String(e)}`));
      this.killLiveGroups();
      await running;
      await this.turns.settled();
      this.transcripts.flush();
      this.publisher.close();
      this.db.close();
      this.log('drained');
    })();
    return this.drainPromise;
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

  /** How many clients are connected (the host's count): GitHub is polled only while there is one. */
  clientsChanged(count: number): void {
    if (!this.draining) this.github.clientsChanged(count);
  }

  watch(taskId: string, path: string): void {
    void this.effects.call('watch', { taskId, path, debounceMs: this.opts.changesDebounceMs }).catch(() => {});
  }

  /** Queue a refresh of the task's changes projection (coalesced with one already queued). */
  refreshChanges(taskId: string): void {
    if (this.draining) return;
    const t = this.store.task(taskId);
    if (!t || !this.providers.of(t).hasSandbox(t) || !t.base_ref || isShelved(t.status)) return;
    // Coalesced: at most one refresh running and one waiting per task; the waiting one sees
    // every change made before it starts.
    this.measureDisk();
    if (this.store.queuedJobFor('changes', taskId)) return;
    this.jobs.add('changes', taskId, taskId);
  }

  private retentionTimer: NodeJS.Timeout | undefined;
  private diskTimer: NodeJS.Timeout | undefined;
  private diskMeasuredAt = 0;

  /**
   * Measure disk use in the background (jobs/diskUsage.ts): at most once per
   * `diskUsageThrottleMs`; a call inside the window schedules one run at its end.
   */
  measureDisk(): void {
    if (this.draining || this.diskTimer) return;
    const wait = this.diskMeasuredAt + this.opts.diskUsageThrottleMs - Date.now();
    const run = () => {
      this.diskTimer = undefined;
      if (this.draining || this.store.queuedJobFor(DISK_JOB, DISK_KEY)) return;
      this.diskMeasuredAt = Date.now();
      this.jobs.add(DISK_JOB, DISK_KEY, DISK_KEY);
    };
    if (wait <= 0) return run();
    this.diskTimer = setTimeout(run, wait);
    this.diskTimer.unref();
  }

  /** The retention pass (jobs/retention.ts), when a setting asks for one. */
  runRetention(): void {
    const r = this.opts.retention;
    if (this.draining || (r.retentionArchiveIdleDays <= 0 && r.retentionPurgeDeletedDays <= 0)) return;
    if (!this.store.queuedJobFor(RETENTION_JOB, RETENTION_KEY)) this.jobs.add(RETENTION_JOB, RETENTION_KEY, RETENTION_KEY);
  }

  /** running while any session has a turn in progress, idle otherwise (provisioned tasks only). */
  settledStatus(taskId: string): TaskStatus {
    return this.store.sessionsOf(taskId).some((s) => turnInProgress(s.status)) ? 'running' : 'idle';
  }

  /** Re-derive a provisioned task's running/idle status after a session changed. */
  recomputeTaskStatus(taskId: string): void {
    const t = this.store.task(taskId);
    if (!t || (t.status !== 'running' && t.status !== 'idle')) return;
    const next = this.settledStatus(taskId);
    if (next !== t.status) this.store.updateTask(taskId, { status: next, status_message: null });
  }

  /**
   * The agent became ready (installed, credentials given): tasks that failed at init_ensure_agent
   * waiting on it, and its sessions that failed to start for that reason, go again.
   */
  retryWaitingOn(agentId: string): void {
    if (!this.agents.info(agentId)?.ready || this.draining) return;
    for (const t of this.store.tasks()) {
      if (t.status === 'error' && t.failed_stage === 'init_ensure_agent' && t.agent === agentId) retryProvisioning(this, t);
    }
  }

  private installProgress(key: string, message: string): void {
    const id = key.replace(/^agent:/, '');
    this.agents.setInstall(id, { status: 'installing', message });
    this.agentsChanged();
  }

  private onEffectsEvent(e: EffectsEvent): void {
    switch (e.type) {
      case 'spawned':
        this.liveGroups.add(e.pgid);
        this.store.addProcess(e.pgid, e.owner, e.kind, e.identity);
        // Recorded (committed): a held setup script may run now.
        if (e.kind === 'script') void this.effects.call('released', { pgid: e.pgid }).catch(() => {});
        break;
      case 'exited':
        this.liveGroups.delete(e.pgid);
        this.store.removeProcess(e.pgid);
        break;
      case 'acp':
        this.turns.onAcpMessage(e.key, e.sender, e.message);
        break;
      case 'permissionRequested':
        this.permissions.requested(e.key, e.permission);
        break;
      case 'permissionClosed':
        this.permissions.closed(e.key, e.requestId);
        break;
      case 'agentExited':
        this.turns.onAgentExited(e.key, e);
        break;
      case 'installProgress':
        this.installProgress(e.key, e.message);
        break;
      case 'fsRefused':
        this.transcripts.foundry(e.key, { kind: 'fs_refused', text: `Refused to ${e.op} ${e.path}: ${e.reason}` });
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
