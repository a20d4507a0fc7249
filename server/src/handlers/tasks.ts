import { readTail } from '../tail';
import type { Handlers } from './define';
import { invalidParams, invalidState, notFound } from '../errors';
import { newId } from '../ids';
import { slugify, titleFromPrompt, uniqueName } from './naming';
import type { SessionRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { applySetupScript } from './repos';
import { isPolicy } from '../agents/sessionModes';

const SETUP_LOG_TAIL = 256 * 1024;

export function mustTask(sc: Sidecar, taskId: string): TaskRow {
  const t = sc.store.task(taskId);
  if (!t) throw notFound('task', taskId);
  return t;
}

export function checkAgent(sc: Sidecar, agent: string, field = 'agent'): void {
  if (!sc.agents.has(agent)) throw invalidParams(`${field}: unknown agent '${agent}' (known: ${sc.agents.ids().join(', ')})`);
}

/** A new session's mode must be a policy: the agent's own modes are known only once it reported them. */
export function checkMode(mode: string | undefined): void {
  if (mode !== undefined && !isPolicy(mode)) throw invalidParams(`mode: '${mode}' is not an approval policy (ask, accept_edits, full_access); an agent's own modes can be chosen once the session has started`);
}

/**
 * Put a failed task back on its provisioning workflow at the stage that failed, with a fresh
 * snapshot of the repository's setup script (`setupScript` applied first: absent keeps it).
 */
export function retryProvisioning(sc: Sidecar, t: TaskRow, setupScript?: string): void {
  const stage = t.failed_stage ?? 'init_ensure_name';
  sc.db.tx(() => {
    const repo = applySetupScript(sc, sc.store.repo(t.repo_id)!, setupScript);
    sc.store.updateTask(t.id, { status: stage, error_message: null, status_message: 'Retrying', setup_script: repo.setup_script ?? '' });
    for (const s of sc.store.sessionsOf(t.id)) {
      if (s.status === 'error') sc.store.updateSession(s.id, { status: 'pending_provision', error_message: null });
    }
    sc.store.addHistory(t.id, { kind: 'retry', stage });
    sc.jobs.add('provision', t.id, t.id, stage);
  });
  sc.publisher.taskChanged(t.id);
}

/**
 * The branch of a task started from an existing branch (`fromBranch`) or pull request
 * (`fromPullRequest`: `branch`, or `pr/N`), checked against the repository's other tasks; nothing
 * is asked of git here (init_attach_branch fetches it). Undefined for a task on a new branch.
 */
function attachedBranch(p: { fromBranch?: string; fromPullRequest?: number; branch?: string }, taken: (b: string) => boolean): string | undefined {
  if (p.fromBranch !== undefined) {
    if (p.branch !== undefined && p.branch !== p.fromBranch) throw invalidParams(`branch: a task from branch '${p.fromBranch}' works on that branch; leave branch out`);
    if (taken(p.fromBranch)) throw invalidParams(`fromBranch: '${p.fromBranch}' is already used by another task`);
    return p.fromBranch;
  }
  if (p.fromPullRequest === undefined) return undefined;
  const branch = p.branch ?? `pr/${p.fromPullRequest}`;
  if (taken(branch)) throw invalidParams(`${p.branch ? 'branch' : 'fromPullRequest'}: '${branch}' is already used by another task`);
  return branch;
}

export const taskHandlers: Pick<Handlers, 'CreateTask' | 'GetWorkbench' | 'RenameTask' | 'RetryTask' | 'GetTaskLog'> = {
  CreateTask(sc, p) {
    const repo = sc.store.repo(p.repoId);
    if (!repo) throw notFound('repo', p.repoId);
    const agent = p.agent ?? sc.opts.defaultAgent;
    checkAgent(sc, agent);
    checkMode(p.mode);
    const title = p.title ?? titleFromPrompt(p.prompt);
    const taken = (b: string) => sc.store.branchTaken(repo.id, b);
    const attached = attachedBranch(p, taken);
    if (!attached && p.branch && taken(p.branch)) throw invalidParams(`branch: '${p.branch}' is already used by another task`);
    const branch = attached ?? p.branch ?? uniqueName(`foundry/${slugify(title)}`, taken);
    const now = Date.now();
    const task: TaskRow = {
      id: newId('task'),
      repo_id: repo.id,
      title,
      prompt: p.prompt,
      branch,
      branch_explicit: p.branch || attached ? 1 : 0,
      base_ref: null,
      status: 'init_enqueue_provision',
      status_message: 'Queued',
      error_message: null,
      failed_stage: null,
      agent,
      model: p.model ?? null,
      worktree_path: null,
      setup_script: null, // snapshotted below, in the transaction that may also update the repository
      changes_files: 0,
      changes_added: 0,
      changes_removed: 0,
      from_branch: p.fromBranch ?? null,
      from_pull_request: p.fromPullRequest ?? null,
      pool_entry_id: null,
      provider: p.provider ?? repo.provider ?? 'local',
      created_at: now,
      updated_at: now,
    };
    const session: SessionRow = {
      id: newId('ses'),
      task_id: task.id,
      name: 'Chat 1',
      agent,
      model: p.model ?? null,
      status: 'pending_provision',
      unread: 0,
      error_message: null,
      acp_session_id: null,
      is_first: 1,
      // The prompt is the first message of its queue, sent once the session is ready.
      first_prompt_sent: 1,
      turn_id: null,
      mode: p.mode ?? 'ask',
      position: 1,
      created_at: now,
      updated_at: now,
    };
    sc.db.tx(() => {
      task.setup_script = applySetupScript(sc, repo, p.setupScript).setup_script ?? '';
      // An instant sandbox: a ready pool worktree is this task's from this commit on.
      const pooled = sc.pool.leaseFor(task);
      sc.store.insertTask(task);
      sc.store.insertSession(session);
      sc.queue.enqueue(session.id, p.prompt);
      sc.store.addHistory(task.id, { kind: 'created', message: `branch ${branch}, agent ${agent}` });
      if (pooled) sc.store.addHistory(task.id, { kind: 'pool', message: pooled });
      sc.jobs.add('provision', task.id, task.id);
    });
    sc.publisher.taskChanged(task.id);
    return sc.store.taskSummary(task.id)!;
  },

  GetWorkbench(sc) {
    return { version: sc.publisher.currentVersion(), repos: sc.store.repos().map((r) => sc.store.repoSummary(r)), tasks: sc.store.allTaskSummaries() };
  },

  RenameTask(sc, { taskId, title }) {
    const t = mustTask(sc, taskId);
    if (t.title !== title) {
      sc.db.tx(() => {
        sc.store.updateTask(taskId, { title });
        sc.store.addHistory(taskId, { kind: 'renamed', message: title });
      });
      sc.publisher.taskChanged(taskId);
    }
    return sc.store.taskSummary(taskId)!;
  },

  RetryTask(sc, { taskId, setupScript }) {
    const t = mustTask(sc, taskId);
    if (t.status !== 'error') throw invalidState('retryTask', t.status, 'only a task in error can be retried');
    retryProvisioning(sc, t, setupScript);
    return sc.store.taskSummary(taskId)!;
  },

  async GetTaskLog(sc, { taskId }) {
    mustTask(sc, taskId);
    return { history: sc.store.history(taskId), setupOutput: await readTail(sc.setupLogPath(taskId), SETUP_LOG_TAIL) };
  },
};
