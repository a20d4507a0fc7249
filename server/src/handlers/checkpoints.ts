/** Checkpoints (issue 9): list them; restore one, or undo a session's last turn, as a durable job. */
import type { Handlers } from './define';
import { invalidState, notFound } from '../errors';
import { newId } from '../ids';
import { turnInProgress } from '../../../shared/protocol';
import { mustTask } from './tasks';
import type { Sidecar } from '../sidecar';

/** Queue the restore of `checkpointId` (the request's one write) and its job; refused while a turn runs. */
function queueRestore(sc: Sidecar, request: string, taskId: string, checkpointId: string, sessionId: string | null): string {
  const t = mustTask(sc, taskId);
  if ((t.status !== 'idle' && t.status !== 'running') || !t.worktree_path) throw invalidState(request, t.status, 'the task has no worktree to restore');
  const cp = sc.store.checkpoints.get(checkpointId);
  if (!cp || cp.task_id !== taskId) throw notFound('checkpoint', checkpointId);
  if (sc.store.sessionsOf(taskId).some((s) => turnInProgress(s.status))) throw invalidState(request, 'running', 'a turn of the task is running: stop it first');
  const open = sc.store.checkpoints.openRestore(taskId);
  if (open) throw invalidState(request, `restore_${open.status}`, `restore ${open.id} of this task is not finished`);
  const id = newId('rst');
  const now = Date.now();
  sc.db.tx(() => {
    sc.store.checkpoints.insertRestore({
      id,
      task_id: taskId,
      checkpoint_id: checkpointId,
      session_id: sessionId,
      status: 'queued',
      before_checkpoint_id: null,
      written: null,
      removed: null,
      error: null,
      created_at: now,
      updated_at: now,
    });
    sc.jobs.add('restore_checkpoint', id, taskId);
  });
  sc.checkpoints.push(taskId);
  return id;
}

export const checkpointHandlers: Pick<Handlers, 'ListCheckpoints' | 'RestoreCheckpoint' | 'UndoLastTurn'> = {
  ListCheckpoints(sc, { taskId }) {
    mustTask(sc, taskId);
    const { checkpoints, turns, restore } = sc.checkpoints.list(taskId);
    return { checkpoints, turns, ...(restore ? { restore } : {}) };
  },

  RestoreCheckpoint(sc, { taskId, checkpointId }) {
    return { status: 'queued' as const, restoreId: queueRestore(sc, 'restoreCheckpoint', taskId, checkpointId, null) };
  },

  UndoLastTurn(sc, { sessionId }) {
    const s = sc.store.session(sessionId);
    if (!s) throw notFound('session', sessionId);
    const last = sc.store.checkpoints.lastTurnOf(sessionId);
    if (!last) throw invalidState('undoLastTurn', 'no_checkpoint', 'the session has no turn with a checkpoint before it');
    return { status: 'queued' as const, restoreId: queueRestore(sc, 'undoLastTurn', s.task_id, last.checkpoint_id, sessionId), checkpointId: last.checkpoint_id };
  },
};
