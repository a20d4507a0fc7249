/**
 * Delete with undo, in durable steps (shared/protocol.ts DeleteSteps): stop the agents, snapshot
 * the worktree under refs/foundry/deleted/<id>/snapshot, remove the worktree and the branch (its
 * tip kept as refs/foundry/deleted/<id>/branch). The task stays as a tombstone (`deleted`) until a
 * purge (jobs/purge.ts); `foundry/undoDeleteTask` brings it back (jobs/restore.ts).
 */
import { DeleteSteps } from '../../../shared/protocol';
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { walkSteps } from './steps';
import { branchIsUsers, deletedBranchRef, deletedSnapshotRef, removeSandbox, snapshotWorktree, stopAgents } from './shelving';

type Step = (typeof DeleteSteps)[number];

const MESSAGES: Record<Step, string> = {
  delete_stop_agents: 'Stopping the agents',
  delete_snapshot: 'Taking a snapshot of the worktree',
  delete_remove_sandbox: 'Removing the worktree and the branch',
};

export function deleteJob(sc: Sidecar) {
  return (job: JobRow): Promise<void> =>
    walkSteps(sc, job, {
      steps: DeleteSteps,
      messages: MESSAGES,
      label: 'Delete',
      run: {
        delete_stop_agents: (id) => stopAgents(sc, id),
        delete_snapshot: (id) => snapshotWorktree(sc, id, deletedSnapshotRef(id), 'delete'),
        delete_remove_sandbox: (id) => removeSandboxAndBranch(sc, id),
      },
      finish: (id) =>
        sc.db.tx(() => {
          sc.store.updateTask(id, { status: 'deleted', status_message: null, error_message: null, failed_stage: null, shelved_at: Date.now() });
          sc.store.addHistory(id, { kind: 'deleted', message: `snapshot and branch tip kept under refs/foundry/deleted/${id}/` });
          sc.measureDisk();
        }),
    });
}

async function removeSandboxAndBranch(sc: Sidecar, taskId: string): Promise<void> {
  await removeSandbox(sc, taskId, deletedSnapshotRef(taskId));
  const t = sc.store.task(taskId)!;
  if (branchIsUsers(t)) {
    sc.store.addHistory(taskId, { kind: 'stage_finished', stage: 'delete_remove_sandbox', message: `branch ${t.branch} is the one the task started from; it is kept` });
    return;
  }
  const repo = sc.store.repo(t.repo_id)!;
  await sc.effects.call('removeTaskBranch', { repoPath: repo.path, branch: t.branch, keepRef: deletedBranchRef(taskId) });
}
