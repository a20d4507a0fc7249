/** Row -> wire shape conversions (the projection the workbench reads). */
import { isShelved, PendingPermission, type RepoAction, type RepoActionKind, type RepoActionStatus, type FileChange, type FileChangeStatus, type PullRequestChecks, type PullRequestInfo, type Repo, type TaskGitState, type SessionSummary, type TaskStatus, type SessionStatus, type TaskSummary, type SandboxInfo, type SandboxState } from '../../../shared/protocol';
import type { QueuedMessageRow, SandboxRow, RepoActionRow, TaskPullRequestRow, RepoRow, SessionRow, TaskFileRow, TaskGitRow, TaskRow } from '../db/schema';
import { POLICY_OPTIONS, stored } from '../agents/sessionModes';
import { providerOf, stagesFor } from '../providers/stages';

export const toRepo = (r: RepoRow, pool?: Repo['pool']): Repo => ({
  id: r.id,
  name: r.name,
  path: r.path,
  defaultBranch: r.default_branch,
  ...(r.setup_script != null ? { setupScript: r.setup_script } : {}),
  ...(copyIgnoredOf(r).length ? { copyIgnored: copyIgnoredOf(r) } : {}),
  ...(pool ? { pool } : {}),
  ...(r.teardown_script != null ? { teardownScript: r.teardown_script } : {}),
  ...(r.disk_bytes != null ? { diskBytes: r.disk_bytes } : {}),
  ...(r.provider && r.provider !== 'local' ? { provider: providerOf(r.provider) } : {}),
  ...(r.regenerable_folders != null ? { regenerableFolders: JSON.parse(r.regenerable_folders) as string[] } : {}),
});

/** The repository's copyIgnored list (repos.copy_ignored, JSON). */
export const copyIgnoredOf = (r: RepoRow): string[] => (r.copy_ignored ? (JSON.parse(r.copy_ignored) as string[]) : []);

export const toSession = (s: SessionRow, queue: readonly QueuedMessageRow[] = []): SessionSummary => {
  const config = stored(s);
  return {
  id: s.id,
  taskId: s.task_id,
  name: s.name,
  agent: s.agent,
  ...(s.model ? { model: s.model } : {}),
  status: s.status as SessionStatus,
  unread: s.unread === 1,
  ...(s.error_message ? { errorMessage: s.error_message } : {}),
  ...(s.pending_permission ? { pendingPermission: PendingPermission.parse(JSON.parse(s.pending_permission)) } : {}),
  mode: s.mode ?? 'ask',
  modes: [...POLICY_OPTIONS, ...config.extraModes],
  models: config.models,
  stalled: s.stalled === 1,
  queue: queue.map((m) => ({ id: m.id, turnId: m.turn_id, text: m.text, createdAt: m.created_at })),
  queuePaused: s.queue_paused === 1,
  };
};

export const toFileChange = (f: TaskFileRow): FileChange => ({
  path: f.path,
  status: f.status as FileChangeStatus,
  added: f.added,
  removed: f.removed,
  ...(f.old_path ? { oldPath: f.old_path } : {}),
  ...(f.binary ? { binary: true } : {}),
  ...(f.untracked ? { untracked: true } : {}),
});

export const toGit = (g: TaskGitRow): TaskGitState => ({
  ahead: g.ahead,
  behind: g.behind,
  ...(g.upstream_ref ? { upstream: { ref: g.upstream_ref, ahead: g.upstream_ahead ?? 0, behind: g.upstream_behind ?? 0 } } : {}),
  ...(g.merges_cleanly !== null ? { mergesCleanly: g.merges_cleanly === 1 } : {}),
  ...(g.last_commit_sha ? { lastCommit: { sha: g.last_commit_sha, subject: g.last_commit_subject ?? '', at: g.last_commit_at ?? 0 } } : {}),
  ...(g.uncommitted != null ? { uncommitted: g.uncommitted } : {}),
  refreshedAt: g.refreshed_at,
});

export const toAction = (a: RepoActionRow): RepoAction => ({
  id: a.id,
  kind: a.kind as RepoActionKind,
  status: a.status as RepoActionStatus,
  repoId: a.repo_id,
  ...(a.task_id ? { taskId: a.task_id } : {}),
  ...(a.message ? { message: a.message } : {}),
  ...(a.conflicts ? { conflicts: JSON.parse(a.conflicts) as string[] } : {}),
  ...(a.result ? { result: JSON.parse(a.result) as NonNullable<RepoAction['result']> } : {}),
  createdAt: a.created_at,
  updatedAt: a.updated_at,
});

/** A task's pull request as the PR projection last read it (github/pullRequests.ts). */
export function toPullRequest(r: TaskPullRequestRow): PullRequestInfo {
  const decision = (r.review_decision as PullRequestInfo['reviewDecision'] | null) ?? (r.reviewers_requested ? 'review_required' : undefined);
  return {
    number: r.number,
    url: r.url,
    title: r.title,
    state: r.state as PullRequestInfo['state'],
    checks: JSON.parse(r.checks) as PullRequestChecks,
    ...(decision ? { reviewDecision: decision } : {}),
    refreshedAt: r.refreshed_at,
  };
}

/** A remote sandbox as the explorer shows it: its state and its uptime so far (a rough cost). */
export const toSandbox = (r: SandboxRow, now = Date.now()): SandboxInfo => ({
  provider: providerOf(r.provider),
  ...(r.sandbox_id ? { id: r.sandbox_id } : {}),
  state: r.state as SandboxState,
  ...(r.started_at != null && r.state === 'started' ? { startedAt: r.started_at } : {}),
  uptimeMs: r.uptime_ms + (r.started_at != null && r.state === 'started' ? Math.max(0, now - r.started_at) : 0),
  ...(r.error ? { error: r.error } : {}),
});

/** `reviewComments`: the task's unsent review comments (absent from the summary when none). */
export const toTask = (
  t: TaskRow,
  sessions: SessionRow[],
  queued: ReadonlyMap<string, QueuedMessageRow[]> = new Map(),
  git?: TaskGitRow,
  lastAction?: RepoActionRow,
  pullRequest?: TaskPullRequestRow,
  reviewComments = 0,
  sandbox?: SandboxRow,
): TaskSummary => ({
  id: t.id,
  repoId: t.repo_id,
  title: t.title,
  branch: t.branch,
  status: t.status as TaskStatus,
  ...(t.status_message ? { statusMessage: t.status_message } : {}),
  ...(t.error_message ? { errorMessage: t.error_message } : {}),
  agent: t.agent,
  provider: providerOf(t.provider),
  stages: stagesFor(t.provider, t.from_branch != null || t.from_pull_request != null).map(({ id, label }) => ({ id, label })),
  ...(sandbox ? { sandbox: toSandbox(sandbox) } : {}),
  sessions: sessions.map((s) => toSession(s, queued.get(s.id))),
  changes: { files: t.changes_files, added: t.changes_added, removed: t.changes_removed },
  ...(git ? { git: toGit(git) } : {}),
  ...(pullRequest ? { pullRequest: toPullRequest(pullRequest) } : {}),
  ...(lastAction ? { lastAction: toAction(lastAction) } : {}),
  ...(reviewComments > 0 ? { reviewComments } : {}),
  // An archived or deleted task (or one on its way) has no worktree to open.
  ...(t.worktree_path && !isShelved(t.status) ? { worktreePath: t.worktree_path } : {}),
  ...(t.disk_bytes != null && t.worktree_path && !isShelved(t.status) ? { diskBytes: t.disk_bytes } : {}),
  ...(t.snapshot_commit && (t.status === 'archived' || t.status === 'deleted') ? { snapshotCommit: t.snapshot_commit } : {}),
  ...(t.shelved_at != null && (t.status === 'archived' || t.status === 'deleted') ? { shelvedAt: t.shelved_at } : {}),
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});
