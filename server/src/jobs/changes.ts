/** The changes projection: files changed against the branch's base, lines added and removed. */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';

export function changesJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const t = sc.store.task(job.subject);
    if (!t?.worktree_path || !t.base_ref || t.status === 'archived') return;
    const c = await sc.effects.call('diffStat', { worktreePath: t.worktree_path, baseRef: t.base_ref });
    const now = sc.store.task(job.subject);
    if (!now || (now.changes_files === c.files && now.changes_added === c.added && now.changes_removed === c.removed)) return;
    sc.store.updateTask(job.subject, { changes_files: c.files, changes_added: c.added, changes_removed: c.removed });
    sc.publisher.taskChanged(job.subject);
  };
}
