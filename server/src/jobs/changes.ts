/**
 * The changes projection: the task's changed files against its base and its branch's git state,
 * refreshed in one effects-worker call (effects/gitState.ts) and kept in SQLite (task_files,
 * task_git; the coarse TaskSummary.changes on the task row). A workbenchUpdated goes out only when
 * something a user sees changed.
 */
import { isShelved, type FileChange } from '../../../shared/protocol';
import type { JobRow, TaskFileRow, TaskGitRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { toFileChange, toGit } from '../store/summaries';

const fileRow = (taskId: string, f: FileChange): TaskFileRow => ({
  task_id: taskId,
  path: f.path,
  status: f.status,
  added: f.added,
  removed: f.removed,
  old_path: f.oldPath ?? null,
  binary: f.binary ? 1 : 0,
  untracked: f.untracked ? 1 : 0,
});

export function changesJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const t = sc.store.task(job.subject);
    if (!t || !t.base_ref || isShelved(t.status)) return;
    const provider = sc.providers.of(t);
    if (!provider.hasSandbox(t)) return;
    const repo = sc.store.repo(t.repo_id);
    const t0 = performance.now();
    const r = await provider.gitState(t, repo?.default_branch ?? null);
    const now = sc.store.task(job.subject);
    if (!now || isShelved(now.status)) return;
    const before = sc.store.taskGit(job.subject);
    const git: TaskGitRow = {
      task_id: job.subject,
      ahead: r.git.ahead,
      behind: r.git.behind,
      upstream_ref: r.git.upstream?.ref ?? null,
      upstream_ahead: r.git.upstream?.ahead ?? null,
      upstream_behind: r.git.upstream?.behind ?? null,
      merges_cleanly: r.git.mergesCleanly === undefined ? null : r.git.mergesCleanly ? 1 : 0,
      last_commit_sha: r.git.lastCommit?.sha ?? null,
      last_commit_subject: r.git.lastCommit?.subject ?? null,
      last_commit_at: r.git.lastCommit?.at ?? null,
      uncommitted: r.git.uncommitted ?? null,
      refreshed_at: Date.now(),
      refresh_ms: Math.round(performance.now() - t0),
      refreshes: (before?.refreshes ?? 0) + 1,
    };
    const rows = r.files.map((f) => fileRow(job.subject, f));
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const { refreshedAt: _a, ...gitBefore } = before ? toGit(before) : { refreshedAt: 0 };
    const { refreshedAt: _b, ...gitAfter } = toGit(git);
    const filesChanged = !same(sc.store.taskFiles(job.subject).map(toFileChange), rows.map(toFileChange));
    const changed = !before || filesChanged || !same(gitBefore, gitAfter);
    sc.db.tx(() => {
      sc.store.putTaskGit(git);
      if (!filesChanged) return;
      sc.store.replaceTaskFiles(job.subject, rows);
      const added = rows.reduce((n, f) => n + f.added, 0);
      const removed = rows.reduce((n, f) => n + f.removed, 0);
      sc.store.updateTask(job.subject, { changes_files: rows.length, changes_added: added, changes_removed: removed });
    });
    if (changed) sc.publisher.taskChanged(job.subject);
  };
}
