/**
 * The steps archive and delete share (jobs/archive.ts, jobs/deleteTask.ts): stop the agents,
 * snapshot the worktree, remove it once the snapshot is verified; and the refs they keep.
 */
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

/**
 * Snapshot the sandbox's whole state under `ref` in the local repository (its provider writes it:
 * a local worktree's snapshot, or a remote sandbox's state brought back as a bundle), recorded on
 * the task. Without a sandbox (archived already: a delete of an archived task) the snapshot
 * recorded is kept under `ref` too.
 */
export async function snapshotWorktree(sc: Sidecar, taskId: string, ref: string, what: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  const repo = sc.store.repo(t.repo_id)!;
  const provider = sc.providers.of(t);
  if (!provider.hasSandbox(t)) {
    if (t.snapshot_commit) await sc.effects.call('copyRef', { repoPath: repo.path, from: t.snapshot_commit, to: ref });
    return;
  }
  const r = await provider.snapshot(t, ref, { regenerable: regenerableOf(repo), message: `foundry ${what} of ${taskId}: ${t.title}` });
  sc.db.tx(() => {
    sc.store.updateTask(taskId, { snapshot_commit: r.commit, snapshot_excluded: JSON.stringify(r.excluded) });
    const left = r.excluded.length ? `; left out (regenerable): ${r.excluded.join(', ')}` : '';
    const size = r.files != null ? `: ${r.files} files, ${r.bytes} bytes` : '';
    sc.store.addHistory(taskId, { kind: 'stage_finished', stage: `${what}_snapshot`, message: `snapshot ${r.commit.slice(0, 12)}${size}${left}` });
  });
}

/** Remove the sandbox, once its snapshot is recorded (the provider checks it against the present state first). */
export async function removeSandbox(sc: Sidecar, taskId: string, ref: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  await sc.providers.of(t).removeSandbox(t, ref);
}
