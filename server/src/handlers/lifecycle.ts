/**
 * Archive, unarchive, delete, undo delete, purge and clean up: each handler checks the state,
 * writes the task's first step and its job in one transaction, and returns (jobs/archive.ts,
 * jobs/deleteTask.ts, jobs/restore.ts, jobs/purge.ts).
 */
import { ArchiveSteps, DeleteSteps, type CleanupScope } from '../../../shared/protocol';
import type { Handlers } from './define';
import { invalidParams, invalidState, notFound } from '../errors';
import type { Sidecar } from '../sidecar';
import { mustTask } from './tasks';
import { cleanupInventory } from '../jobs/purge';

const settled = (status: string) => status === 'idle' || status === 'error';

/** The archive step to start at: a failed archive resumes at the step that failed. */
export function queueArchive(sc: Sidecar, taskId: string, skipTeardown: boolean): void {
  const t = mustTask(sc, taskId);
  const failed = t.status === 'error' && (ArchiveSteps as readonly string[]).includes(t.failed_stage ?? '') ? t.failed_stage! : ArchiveSteps[0];
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { status: failed, status_message: 'Archiving', error_message: null, failed_stage: null, skip_teardown: skipTeardown ? 1 : 0 });
    sc.jobs.add('archive', taskId, taskId, failed);
  });
  sc.publisher.taskChanged(taskId);
}

export function queuePurge(sc: Sidecar, taskId: string, scope: CleanupScope): void {
  if (sc.store.queuedJobFor('purge', taskId)) return;
  sc.jobs.add('purge', taskId, taskId, scope);
}

/** Put the task in its restore stage and queue the restore job (unarchive and undo delete share it). */
function queueRestore(sc: Sidecar, taskId: string, stage: 'unarchive_restore' | 'undo_delete_restore', message: string) {
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { status: stage, status_message: message, error_message: null, failed_stage: null });
    sc.jobs.add('restore', taskId, taskId, stage);
  });
  sc.publisher.taskChanged(taskId);
  return sc.store.taskSummary(taskId)!;
}

export const lifecycleHandlers: Pick<Handlers, 'ArchiveTask' | 'UnarchiveTask' | 'DeleteTask' | 'UndoDeleteTask' | 'GetCleanupInventory' | 'RunCleanup'> = {
  ArchiveTask(sc, { taskId, skipTeardown }) {
    const t = mustTask(sc, taskId);
    if (t.status === 'archived') return sc.store.taskSummary(taskId)!;
    if (!settled(t.status)) throw invalidState('archiveTask', t.status, t.status === 'running' ? 'stop the running turn first' : t.status === 'deleted' ? 'undo the delete first' : 'wait until it settles');
    queueArchive(sc, taskId, skipTeardown === true);
    return sc.store.taskSummary(taskId)!;
  },

  UnarchiveTask(sc, { taskId }) {
    const t = mustTask(sc, taskId);
    if (t.status !== 'archived' && !(t.status === 'error' && t.failed_stage === 'unarchive_restore')) throw invalidState('unarchiveTask', t.status, 'only an archived task can be unarchived');
    if (!t.snapshot_commit) throw invalidState('unarchiveTask', 'no_snapshot', 'it was archived by an earlier version, which kept no snapshot; its branch is still there');
    return queueRestore(sc, taskId, 'unarchive_restore', 'Restoring the worktree');
  },

  DeleteTask(sc, { taskId }) {
    const t = mustTask(sc, taskId);
    if (t.status === 'deleted') return sc.store.taskSummary(taskId)!;
    if (!settled(t.status) && t.status !== 'archived') throw invalidState('deleteTask', t.status, t.status === 'running' ? 'stop the running turn first' : 'wait until it settles');
    const failed = t.status === 'error' && (DeleteSteps as readonly string[]).includes(t.failed_stage ?? '') ? t.failed_stage! : DeleteSteps[0];
    sc.db.tx(() => {
      sc.store.updateTask(taskId, { status: failed, status_message: 'Deleting', error_message: null, failed_stage: null });
      sc.jobs.add('delete', taskId, taskId, failed);
    });
    sc.publisher.taskChanged(taskId);
    return sc.store.taskSummary(taskId)!;
  },

  UndoDeleteTask(sc, { taskId }) {
    const t = mustTask(sc, taskId);
    if (t.status !== 'deleted' && !(t.status === 'error' && t.failed_stage === 'undo_delete_restore')) throw invalidState('undoDeleteTask', t.status, 'only a deleted task can be brought back');
    if (!t.snapshot_commit) throw invalidState('undoDeleteTask', 'no_snapshot', 'the task had no worktree when it was deleted');
    return queueRestore(sc, taskId, 'undo_delete_restore', 'Restoring the deleted task');
  },

  async GetCleanupInventory(sc, { scope, repoId }) {
    if (repoId && !sc.store.repo(repoId)) throw notFound('repo', repoId);
    return { items: await cleanupInventory(sc, scope, repoId) };
  },

  RunCleanup(sc, { taskIds, scope }) {
    const tasks = taskIds.map((id) => sc.store.task(id) ?? (() => { throw invalidParams(`taskIds: '${id}' names no task`); })());
    if (scope === 'deleted') {
      const live = tasks.find((t) => t.status !== 'deleted');
      if (live) throw invalidState('runCleanup', live.status, `task ${live.id} is not deleted; only deleted tasks are purged`);
    }
    sc.db.tx(() => {
      for (const t of tasks) queuePurge(sc, t.id, scope);
    });
    return { queued: tasks.map((t) => t.id) };
  },
};
