/**
 * The way back: unarchive (`unarchive_restore`) and undo delete (`undo_delete_restore`). The
 * worktree is recreated from the task's snapshot, byte for byte, on its branch (undo delete brings
 * the branch back at its kept tip first), or on `<branch>-restored` when the branch moved or is
 * checked out elsewhere (effects/shelve.ts). Idempotent: a resumed restore restores again.
 */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';
import { deletedBranchRef } from './shelving';

export function restoreJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const taskId = job.subject;
    const t = sc.store.task(taskId);
    if (!t || (t.status !== 'unarchive_restore' && t.status !== 'undo_delete_restore')) return;
    const undo = t.status === 'undo_delete_restore';
    try {
      if (!t.snapshot_commit) throw new Error('no snapshot is recorded for this task');
      const r = await sc.providers.of(t).restore(t, { commit: t.snapshot_commit, ...(undo ? { keptTip: deletedBranchRef(taskId) } : {}) });
      sc.db.tx(() => {
        const moved = r.movedTo ? `; branch '${t.branch}' moved or is checked out elsewhere, so the worktree is on '${r.branch}'` : '';
        sc.store.updateTask(taskId, { status: sc.settledStatus(taskId), status_message: r.movedTo ? `Restored onto ${r.branch}` : null, error_message: null, failed_stage: null, branch: r.branch, worktree_path: r.worktreePath ?? null, shelved_at: null });
        sc.store.addHistory(taskId, { kind: undo ? 'undeleted' : 'unarchived', message: `worktree restored from snapshot ${t.snapshot_commit!.slice(0, 12)} (${r.written} files)${moved}` });
      });
      if (r.worktreePath) sc.watch(taskId, r.worktreePath);
      sc.refreshChanges(taskId);
      sc.measureDisk();
    } catch (e) {
      if (sc.draining) throw new Interrupted(t.status);
      const message = `${undo ? 'Undo delete' : 'Unarchive'} failed: ${errorMessage(e)}`;
      sc.db.tx(() => {
        sc.store.updateTask(taskId, { status: 'error', status_message: null, error_message: message, failed_stage: t.status });
        sc.store.addHistory(taskId, { kind: 'error', stage: t.status, message });
      });
      throw e;
    } finally {
      sc.publisher.taskChanged(taskId);
    }
  };
}
