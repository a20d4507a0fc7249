/**
 * The task provisioning workflow: the stages its provider declares (providers/stages.ts; local:
 * ensure_name -> create_sandbox -> ensure_agent -> create_session), after attach_branch for a
 * task started from an existing branch or pull request. Naming the branch, attaching it and the
 * first session are this job's own steps; the others are the provider's (providers/). Each stage is idempotent and the job row records the stage it is in, so
 * a sidecar that crashed mid-stage resumes there; the client re-sends nothing.
 */
import { existsSync } from 'node:fs';
import { isShelved, turnInProgress, type ProvisionStage } from '../../../shared/protocol';
import type { JobRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';
import { stagesFor } from '../providers/stages';

type Stage = Exclude<ProvisionStage, 'init_enqueue_provision'>;
const isAttached = (t: TaskRow) => t.from_branch != null || t.from_pull_request != null;
/** The stages the task's provider declares (providers/stages.ts), after init_attach_branch for an existing branch. */
const stagesOf = (t: TaskRow) => stagesFor(t.provider, isAttached(t));

export function provisionJob(sc: Sidecar) {
  // The stages every provider shares; the rest are the provider's own (providers/).
  const common: Partial<Record<Stage, (taskId: string) => Promise<void>>> = {
    init_attach_branch: (id) => attachBranch(sc, id),
    init_ensure_name: (id) => ensureName(sc, id),
    init_create_session: (id) => createFirstSession(sc, id),
  };
  const stepOf = (t: TaskRow, stage: Stage) => {
    const step = common[stage] ?? sc.providers.of(t).steps[stage];
    if (!step) throw new Error(`the ${t.provider ?? 'local'} provider has no step for ${stage}`);
    return step;
  };
  return async (job: JobRow): Promise<void> => {
    const taskId = job.subject;
    const task = sc.store.task(taskId);
    if (!task) return;
    const stages = stagesOf(task);
    const from = Math.max(0, stages.findIndex((s) => s.id === job.step));
    for (const { id: stage, message } of stages.slice(from)) {
      const t = sc.store.task(taskId);
      if (!t || isShelved(t.status)) return;
      if (sc.draining) {
        markInterrupted(sc, taskId, stage);
        throw new Interrupted(stage);
      }
      await credentialsForResumed(sc, t, job, stage);
      sc.db.tx(() => {
        sc.store.updateJob(job.id, { step: stage });
        sc.store.updateTask(taskId, { status: stage, status_message: message, error_message: null, failed_stage: null });
        sc.store.addHistory(taskId, { kind: 'stage_started', stage });
      });
      sc.publisher.taskChanged(taskId);
      const started = Date.now();
      try {
        await stepOf(t, stage as Stage)(taskId);
      } catch (e) {
        failStage(sc, taskId, stage, e);
        throw e;
      }
      sc.store.addHistory(taskId, { kind: 'stage_finished', stage, durationMs: Date.now() - started });
    }
    finishProvisioning(sc, taskId);
  };
}

/** How long a job this sidecar resumed waits for a client to send its provider's credentials. */
const RESUMED_CREDENTIALS_WAIT_MS = 30_000;

/**
 * A job begun by an earlier sidecar whose provider has no credentials yet (they live in memory,
 * and come again with the next client that connects) waits for them, saying so, instead of
 * failing at once; a new task without them fails at once with the way out.
 */
async function credentialsForResumed(sc: Sidecar, t: TaskRow, job: JobRow, stage: ProvisionStage): Promise<void> {
  const provider = sc.providers.of(t);
  if (provider.info().ready || job.created_at >= sc.startedAt) return;
  sc.store.updateTask(t.id, { status: stage, status_message: `Waiting for the ${provider.id === 'daytona' ? 'Daytona API key' : `${provider.id} credentials`} (a window sends it when it connects)` });
  sc.publisher.taskChanged(t.id);
  await sc.providers.waitForCredentials(provider.id, RESUMED_CREDENTIALS_WAIT_MS);
}

/** A drain stopped the stage: it is not an error, and it re-runs when the sidecar starts again. */
function markInterrupted(sc: Sidecar, taskId: string, stage: ProvisionStage): void {
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { status: stage, status_message: 'Interrupted, resuming', error_message: null });
    sc.store.addHistory(taskId, { kind: 'interrupted', stage });
  });
  sc.publisher.taskChanged(taskId);
}

function failStage(sc: Sidecar, taskId: string, stage: ProvisionStage, e: unknown): void {
  if (sc.draining || e instanceof Interrupted) {
    markInterrupted(sc, taskId, stage);
    throw new Interrupted(stage);
  }
  const message = errorMessage(e);
  sc.db.tx(() => {
    // A stage that cannot be retried on its own (its remote sandbox is gone) names where Retry resumes.
    const resumeFrom = (e as { resumeFrom?: ProvisionStage } | undefined)?.resumeFrom;
    sc.store.updateTask(taskId, { status: 'error', status_message: null, error_message: message, failed_stage: resumeFrom ?? stage });
    sc.store.addHistory(taskId, { kind: 'error', stage, message });
    if (stage === 'init_create_session') {
      const first = sc.store.sessionsOf(taskId).find((s) => s.is_first === 1);
      if (first && first.status === 'pending_session_create') sc.store.updateSession(first.id, { status: 'error', error_message: message });
    }
  });
  sc.publisher.taskChanged(taskId);
}

function finishProvisioning(sc: Sidecar, taskId: string): void {
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { status: sc.settledStatus(taskId), status_message: null });
    for (const s of sc.store.sessionsOf(taskId)) {
      if (s.is_first === 0 && s.status === 'pending_provision') sc.jobs.add('create_session', s.id, taskId);
    }
  });
  sc.publisher.taskChanged(taskId);
  const t = sc.store.task(taskId);
  if (t?.worktree_path) sc.watch(taskId, t.worktree_path);
  sc.refreshChanges(taskId);
}

/**
 * Fetch the existing branch (or the pull request's head) the task starts from, and check that no
 * working tree has it checked out (effects/attachBranch.ts). The base stays the default branch:
 * where the branch left it.
 */
async function attachBranch(sc: Sidecar, taskId: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  if (t.worktree_path && existsSync(t.worktree_path)) return; // attached and checked out already
  const repo = sc.store.repo(t.repo_id)!;
  const { baseRef } = await sc.effects.call('attachBranch', {
    repoPath: repo.path,
    branch: t.branch,
    defaultBranch: repo.default_branch,
    ...(t.from_pull_request != null ? { pullRequest: t.from_pull_request } : {}),
  });
  sc.store.updateTask(taskId, { base_ref: baseRef });
}

async function ensureName(sc: Sidecar, taskId: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  if (t.worktree_path && existsSync(t.worktree_path)) return; // the branch is already ours
  if (isAttached(t)) return; // the existing branch is the point: init_attach_branch vouched for it
  const repo = sc.store.repo(t.repo_id)!;
  const inGit = new Set(await sc.effects.call('listBranches', { repoPath: repo.path }));
  const current = sc.store.task(taskId)!;
  // The user chose this name: never silently pick another, and never take over their branch.
  if (current.branch_explicit === 1) {
    if (inGit.has(current.branch)) throw new Error(`branch '${current.branch}' already exists; attaching existing branches comes later`);
    return;
  }
  const taken = new Set([...inGit, ...sc.store.branches(t.repo_id).filter((b) => b !== current.branch)]);
  if (!taken.has(current.branch)) return;
  let n = 2;
  while (taken.has(`${current.branch}-${n}`)) n++;
  const branch = `${current.branch}-${n}`;
  sc.store.updateTask(taskId, { branch });
  sc.store.addHistory(taskId, { kind: 'stage_started', stage: 'init_ensure_name', message: `branch ${current.branch} exists in git; using ${branch}` });
}

async function createFirstSession(sc: Sidecar, taskId: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  const first = sc.store.sessionsOf(taskId).find((s) => s.is_first === 1);
  if (!first || first.status === 'closed') return;
  if (first.first_prompt_sent === 1 && (first.status === 'ready' || turnInProgress(first.status))) return;
  sc.store.updateSession(first.id, { status: 'pending_session_create', error_message: null });
  sc.publisher.taskChanged(taskId);
  await sc.turns.createAgentSession(first.id);
  sc.db.tx(() => {
    // A task of an earlier version whose prompt was never sent: it joins the queue now.
    if (first.first_prompt_sent === 0) sc.queue.enqueue(first.id, t.prompt);
    sc.store.updateSession(first.id, { status: 'ready', first_prompt_sent: 1 });
  });
  sc.publisher.taskChanged(taskId);
  sc.queue.dispatch(first.id);
}
