/**
 * The task provisioning workflow: ensure_name -> create_sandbox -> ensure_agent ->
 * create_session, after attach_branch for a task started from an existing branch or pull
 * request. Each stage is idempotent and the job row records the stage it is in, so
 * a sidecar that crashed mid-stage resumes there; the client re-sends nothing.
 */
import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { readTail } from '../tail';
import { isShelved, turnInProgress, type ProvisionStage } from '../../../shared/protocol';
import type { JobRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';

type Stage = Exclude<ProvisionStage, 'init_enqueue_provision'>;
export const STAGES: Stage[] = ['init_ensure_name', 'init_create_sandbox', 'init_ensure_agent', 'init_create_session'];
/** A task from `fromBranch` / `fromPullRequest` attaches its branch first; every other task walks STAGES as before. */
const ATTACHED_STAGES: Stage[] = ['init_attach_branch', ...STAGES];
const isAttached = (t: TaskRow) => t.from_branch != null || t.from_pull_request != null;
const stagesOf = (t: TaskRow) => (isAttached(t) ? ATTACHED_STAGES : STAGES);
const MESSAGES: Record<Stage, string> = {
  init_attach_branch: 'Fetching the branch',
  init_ensure_name: 'Checking the branch name against git',
  init_create_sandbox: 'Creating the worktree and running the setup script',
  init_ensure_agent: 'Checking that the agent can be launched',
  init_create_session: 'Starting the agent session and sending the prompt',
};

export function provisionJob(sc: Sidecar) {
  const steps: Record<Stage, (taskId: string) => Promise<void>> = {
    init_attach_branch: (id) => attachBranch(sc, id),
    init_ensure_name: (id) => ensureName(sc, id),
    init_create_sandbox: (id) => createSandbox(sc, id),
    init_ensure_agent: (id) => ensureAgent(sc, id),
    init_create_session: (id) => createFirstSession(sc, id),
  };
  return async (job: JobRow): Promise<void> => {
    const taskId = job.subject;
    const task = sc.store.task(taskId);
    if (!task) return;
    const stages = stagesOf(task);
    const from = Math.max(0, stages.indexOf(job.step as Stage));
    for (const stage of stages.slice(from)) {
      const t = sc.store.task(taskId);
      if (!t || isShelved(t.status)) return;
      if (sc.draining) {
        markInterrupted(sc, taskId, stage);
        throw new Interrupted(stage);
      }
      sc.db.tx(() => {
        sc.store.updateJob(job.id, { step: stage });
        sc.store.updateTask(taskId, { status: stage, status_message: MESSAGES[stage], error_message: null, failed_stage: null });
        sc.store.addHistory(taskId, { kind: 'stage_started', stage });
      });
      sc.publisher.taskChanged(taskId);
      const started = Date.now();
      try {
        await steps[stage](taskId);
      } catch (e) {
        failStage(sc, taskId, stage, e);
        throw e;
      }
      sc.store.addHistory(taskId, { kind: 'stage_finished', stage, durationMs: Date.now() - started });
    }
    finishProvisioning(sc, taskId);
  };
}

/** A drain stopped the stage: it is not an error, and it re-runs when the sidecar starts again. */
function markInterrupted(sc: Sidecar, taskId: string, stage: Stage): void {
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { status: stage, status_message: 'Interrupted, resuming', error_message: null });
    sc.store.addHistory(taskId, { kind: 'interrupted', stage });
  });
  sc.publisher.taskChanged(taskId);
}

function failStage(sc: Sidecar, taskId: string, stage: Stage, e: unknown): void {
  if (sc.draining || e instanceof Interrupted) {
    markInterrupted(sc, taskId, stage);
    throw new Interrupted(stage);
  }
  const message = errorMessage(e);
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { status: 'error', status_message: null, error_message: message, failed_stage: stage });
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

async function createSandbox(sc: Sidecar, taskId: string): Promise<void> {
  // A leased pool worktree: its setup script ran in the pool. Stale or broken: a fresh one below.
  if (await sc.pool.adopt(taskId)) return;
  const t = sc.store.task(taskId)!;
  const repo = sc.store.repo(t.repo_id)!;
  // The recorded folder, once there is one: a task imported from an earlier version's data
  // folder keeps its worktree where it is, never at a path recomputed from this data folder.
  const worktreePath = t.worktree_path ?? sc.worktreePath(taskId);
  const { baseRef } = await sc.effects.call('createWorktree', { repoPath: repo.path, worktreePath, branch: t.branch, baseRef: t.base_ref, taskId });
  sc.store.updateTask(taskId, { worktree_path: worktreePath, base_ref: baseRef });
  sc.publisher.taskChanged(taskId);
  await sc.pool.copyIgnoredInto(repo, worktreePath);
  // The snapshot taken when the task was created or retried, never the repository's script of the moment.
  const script = t.setup_script ?? repo.setup_script;
  if (!script?.trim()) return sc.checkpoints.atStart(taskId);
  const logPath = sc.setupLogPath(taskId);
  await appendFile(logPath, `--- setup script started ${new Date().toISOString()} ---\n`).catch((e: unknown) => {
    throw new Error(`could not write the setup script's log ${logPath}: ${errorMessage(e)}`);
  });
  const r = await sc.effects.call('runScript', {
    owner: taskId,
    script,
    cwd: worktreePath,
    logPath,
    env: { FOUNDRY_TASK_ID: taskId, FOUNDRY_REPO_PATH: repo.path, FOUNDRY_WORKTREE: worktreePath, FOUNDRY_BRANCH: t.branch },
  });
  if (r.exitCode !== 0) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    const last = await lastLine(logPath);
    throw new Error(`Setup script ${how}${last ? `: ${last}` : ''}`);
  }
  // The worktree as provisioned: what "Restore to here" at the first message brings back.
  await sc.checkpoints.atStart(taskId);
}

async function ensureAgent(sc: Sidecar, taskId: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  const info = sc.agents.info(t.agent);
  if (!info) throw new Error(`Unknown agent '${t.agent}'`);
  // Not installed, or no credentials: the error says the way out (Install, Configure Agent).
  if (!info.ready) throw new Error(info.reason ?? `${info.name} is not ready`);
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

async function lastLine(file: string): Promise<string> {
  const lines = (await readTail(file, 4096)).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--- setup script'));
  return (lines.at(-1) ?? '').slice(0, 300);
}
