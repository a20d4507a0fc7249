/** Row -> wire shape conversions (the projection the workbench reads). */
import { PendingPermission, type Repo, type SessionSummary, type TaskStatus, type SessionStatus, type TaskSummary } from '../../../shared/protocol';
import type { RepoRow, SessionRow, TaskRow } from '../db/schema';

export const toRepo = (r: RepoRow): Repo => ({
  id: r.id,
  name: r.name,
  path: r.path,
  defaultBranch: r.default_branch,
  ...(r.setup_script != null ? { setupScript: r.setup_script } : {}),
});

export const toSession = (s: SessionRow): SessionSummary => ({
  id: s.id,
  taskId: s.task_id,
  name: s.name,
  agent: s.agent,
  ...(s.model ? { model: s.model } : {}),
  status: s.status as SessionStatus,
  unread: s.unread === 1,
  ...(s.error_message ? { errorMessage: s.error_message } : {}),
  ...(s.pending_permission ? { pendingPermission: PendingPermission.parse(JSON.parse(s.pending_permission)) } : {}),
});

export const toTask = (t: TaskRow, sessions: SessionRow[]): TaskSummary => ({
  id: t.id,
  repoId: t.repo_id,
  title: t.title,
  branch: t.branch,
  status: t.status as TaskStatus,
  ...(t.status_message ? { statusMessage: t.status_message } : {}),
  ...(t.error_message ? { errorMessage: t.error_message } : {}),
  agent: t.agent,
  sessions: sessions.map(toSession),
  changes: { files: t.changes_files, added: t.changes_added, removed: t.changes_removed },
  ...(t.worktree_path ? { worktreePath: t.worktree_path } : {}),
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});
