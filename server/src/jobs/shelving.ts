/**
 * The steps archive and delete share (jobs/archive.ts, jobs/deleteTask.ts): stop the agents,
 * snapshot the worktree, remove it once the snapshot is verified; and the refs they keep.
 */
import { existsSync } from 'node:fs';
import type { Sidecar } from '../sidecar';
import { regenerableOf } from '../handlers/repos';

/** Where archive keeps the worktree's snapshot. */
export const archiveRef = (taskId: string) => `refs/foundry/archive/${taskId}`;
/** Where delete keeps the snapshot and the branch tip. */
export const deletedSnapshotRef = (taskId: string) => `refs/foundry/deleted/${taskId}/snapshot`;
export const deletedBranchRef = (taskId: string) => `refs/foundry/deleted/${taskId}/branch`;
/** Every ref prefix of a task's own (checkpoints are the snapshots branch's). */
export const taskRefPrefixes = (taskId: string) => [archiveRef(taskId), `refs/foundry/deleted/${taskId}/`, `refs/foundry/checkpoints/${taskId}/`];

/** The repository's regenerable folders (its setting, else the defaults). */
export { regenerableOf };

/** A task started from an existing branch or pull request works on a branch that is the user's. */
export const branchIsUsers = (t: { from_branch?: string | null; from_pull_request?: number | null }) => t.from_branch != null || t.from_pull_request != null;

/** Stop every agent of the task and the worktree's watch. Idempotent. */
export async function stopAgents(sc: Sidecar, taskId: string): Promise<void> {
  for (const s of sc.store.sessionsOf(taskId)) await sc.turns.stop(s.id);
  await sc.effects.call('unwatch', { taskId });
}

/** Snapshot the worktree's whole state under `ref`, recorded on the task. Without a worktree, the snapshot recorded stays. */
export async function snapshotWorktree(sc: Sidecar, taskId: string, ref: string, what: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  const repo = sc.store.repo(t.repo_id)!;
  if (!t.worktree_path || !existsSync(t.worktree_path)) {
    // Archived already (a delete of an archived task): the archive's snapshot is kept under `ref` too.
    if (t.snapshot_commit) await sc.effects.call('copyRef', { repoPath: repo.path, from: t.snapshot_commit, to: ref });
    return;
  }
  const r = await sc.effects.call('takeSnapshot', { worktreePath: t.worktree_path, ref, regenerable: regenerableOf(repo), message: `foundry ${what} of ${taskId}: ${t.title}` });
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { snapshot_commit: r.commit, snapshot_excluded: JSON.stringify(r.excluded) });
    const left = r.excluded.length ? `; left out (regenerable): ${r.excluded.join(', ')}` : '';
    sc.store.addHistory(taskId, { kind: 'stage_finished', stage: `${what}_snapshot`, message: `snapshot ${r.commit.slice(0, 12)}: ${r.files} files, ${r.bytes} bytes${left}` });
  });
}

/**
 * Remove the worktree: only Foundry's own (ownership.ts), forced only once the recorded snapshot
 * equals its present state. A worktree that changed since is snapshotted again first.
 */
export async function removeSandbox(sc: Sidecar, taskId: string, ref: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  if (!t.worktree_path) return;
  const repo = sc.store.repo(t.repo_id)!;
  let commit = t.snapshot_commit;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!commit) {
      if (existsSync(t.worktree_path)) throw new Error(`no snapshot of ${t.worktree_path} is recorded; the worktree is kept`);
      return;
    }
    const r = await sc.effects.call('removeSnapshottedWorktree', {
      repoPath: repo.path,
      worktreePath: t.worktree_path,
      taskId,
      recordedPath: t.worktree_path,
      ref,
      commit,
      regenerable: regenerableOf(repo),
    });
    if (r.commit !== commit) sc.store.updateTask(taskId, { snapshot_commit: r.commit });
    if (r.removed) return;
    commit = r.commit;
  }
  throw new Error(`the worktree ${t.worktree_path} kept changing while it was being snapshotted; it is kept`);
}
