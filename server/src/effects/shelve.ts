/**
 * The git side of archive, delete and their way back (jobs/archive.ts, jobs/deleteTask.ts,
 * jobs/restore.ts). Every removal checks first: a worktree only with Foundry's ownership proof
 * (ownership.ts) and only once a snapshot equal to its present state is recorded; a branch only at
 * the tip that was kept under `refs/foundry/`; a ref only under `refs/foundry/`.
 */
import { existsSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import { adminDirOf, assertOwned, ownerOf, writeOwnerMarker } from './ownership';
import type { RestoreSnapshotParams, RestoreSnapshotResult, SnapshotResult, TakeSnapshotParams } from './snapshot';
import { withRepoLock } from './git';

/** The snapshot effects, on their own thread (snapshotClient.ts). */
export interface Snapshots {
  takeSnapshot(p: TakeSnapshotParams): Promise<SnapshotResult>;
  restoreSnapshot(p: RestoreSnapshotParams): Promise<RestoreSnapshotResult>;
}

/** The effects that snapshot or restore, bound to the snapshot thread. */
export function createShelveEffects(snapshots: Snapshots) {
  return {
    removeSnapshottedWorktree: (p: RemoveSnapshotted) => removeSnapshottedWorktree(snapshots, p),
    restoreTaskWorktree: (p: RestoreWorktree) => restoreTaskWorktree(snapshots, p),
  };
}

const git = (cwd: string) => simpleGit({ baseDir: cwd });
const revOrNull = async (repoPath: string, rev: string): Promise<string | null> =>
  (await git(repoPath).raw(['rev-parse', '-q', '--verify', `${rev}^{commit}`]).catch(() => '')).trim() || null;

/** Branches checked out in some working tree of the repository. */
async function checkedOut(repoPath: string): Promise<Set<string>> {
  const out = await git(repoPath).raw(['worktree', 'list', '--porcelain']);
  return new Set(out.split('\n').filter((l) => l.startsWith('branch refs/heads/')).map((l) => l.slice('branch refs/heads/'.length)));
}

export interface RemoveSnapshotted {
  repoPath: string;
  worktreePath: string;
  taskId: string;
  recordedPath: string | null;
  /** The snapshot's ref and the commit recorded on the task. */
  ref: string;
  commit: string;
  regenerable: readonly string[];
}

/**
 * Remove the worktree, forced (it holds uncommitted and ignored work: the snapshot has it), but
 * only when the snapshot recorded equals its present state. When the worktree changed since, a new
 * snapshot is written to the ref and `removed` is false: the caller records it and calls again.
 */
function removeSnapshottedWorktree({ takeSnapshot }: Snapshots, p: RemoveSnapshotted): Promise<{ removed: boolean; commit: string }> {
  return withRepoLock(p.repoPath, async () => {
    if (!existsSync(p.worktreePath)) {
      await git(p.repoPath).raw(['worktree', 'prune']);
      return { removed: true, commit: p.commit };
    }
    await assertOwned(p);
    const now = await takeSnapshot({ worktreePath: p.worktreePath, ref: p.ref, regenerable: p.regenerable, message: `foundry: ${p.taskId} before removal`, previous: p.commit });
    if (!now.unchanged) return { removed: false, commit: now.commit };
    await git(p.repoPath).raw(['worktree', 'remove', '--force', p.worktreePath]);
    return { removed: true, commit: p.commit };
  });
}

export interface RestoreWorktree {
  repoPath: string;
  worktreePath: string;
  taskId: string;
  branch: string;
  /** The snapshot to restore. */
  commit: string;
  regenerable: readonly string[];
  /** Where the branch's tip was kept (undo delete): the branch is recreated there when git has none. */
  keptTip?: string;
}

/**
 * Recreate the task's worktree from a snapshot, byte for byte, on its branch. The branch is used
 * when it is where the snapshot left it (or absent: made there) and no working tree has it;
 * otherwise `<branch>-restored` (then `-restored-2`, ...) is made at the snapshot's HEAD.
 * Idempotent: the task's own worktree at the path (a resume) is restored again.
 */
function restoreTaskWorktree({ restoreSnapshot }: Snapshots, p: RestoreWorktree): Promise<{ branch: string; movedTo: boolean; written: number }> {
  return withRepoLock(p.repoPath, async () => {
    const repo = git(p.repoPath);
    const head = (await repo.raw(['rev-parse', `${p.commit}^1`])).trim();
    let branch = p.branch;
    if (existsSync(p.worktreePath)) {
      const admin = await adminDirOf(p.repoPath, p.worktreePath);
      if (!admin || (await ownerOf(admin)) !== p.taskId) throw new Error(`folder ${p.worktreePath} exists and is not this task's worktree; Foundry leaves it as it is: move it away, then retry`);
      branch = (await git(p.worktreePath).raw(['symbolic-ref', '--short', 'HEAD'])).trim();
    } else {
      await repo.raw(['worktree', 'prune']);
      // Undo delete: the branch comes back at its kept tip first (it may be past the snapshot's HEAD).
      const keptTip = p.keptTip ? await revOrNull(p.repoPath, p.keptTip) : null;
      if (keptTip && !(await revOrNull(p.repoPath, `refs/heads/${branch}`))) await repo.raw(['update-ref', `refs/heads/${branch}`, keptTip, '']);
      const busy = await checkedOut(p.repoPath);
      const usable = async (b: string) => {
        const tip = await revOrNull(p.repoPath, `refs/heads/${b}`);
        return !busy.has(b) && (tip === null || tip === head);
      };
      if (!(await usable(branch))) {
        branch = `${p.branch}-restored`;
        for (let n = 2; !(await usable(branch)); n++) branch = `${p.branch}-restored-${n}`;
      }
      if (await revOrNull(p.repoPath, `refs/heads/${branch}`)) await repo.raw(['worktree', 'add', p.worktreePath, branch]);
      else await repo.raw(['worktree', 'add', '-b', branch, p.worktreePath, head]);
      const admin = await adminDirOf(p.repoPath, p.worktreePath);
      if (!admin) throw new Error(`git worktree add made ${p.worktreePath}, but its admin folder in ${p.repoPath} was not found`);
      await writeOwnerMarker(admin, p.taskId);
    }
    const r = await restoreSnapshot({ worktreePath: p.worktreePath, commit: p.commit, regenerable: p.regenerable });
    return { branch, movedTo: branch !== p.branch, written: r.written };
  });
}

/**
 * Keep the branch's tip under `keepRef`, then delete the branch - only at that tip, and never
 * while a working tree has it checked out. A branch already gone answers the kept tip.
 */
export function removeTaskBranch(p: { repoPath: string; branch: string; keepRef: string }): Promise<{ tip: string | null }> {
  return withRepoLock(p.repoPath, async () => {
    if (!p.keepRef.startsWith('refs/foundry/')) throw new Error(`keepRef ${p.keepRef} is not under refs/foundry/`);
    const repo = git(p.repoPath);
    const tip = await revOrNull(p.repoPath, `refs/heads/${p.branch}`);
    if (!tip) return { tip: await revOrNull(p.repoPath, p.keepRef) };
    if ((await checkedOut(p.repoPath)).has(p.branch)) throw new Error(`branch '${p.branch}' is checked out in a working tree; Foundry leaves it as it is`);
    await repo.raw(['update-ref', p.keepRef, tip]);
    await repo.raw(['update-ref', '-d', `refs/heads/${p.branch}`, tip]);
    return { tip };
  });
}

/** Point `to` (under refs/foundry/) at what `from` names. */
export async function copyRef(p: { repoPath: string; from: string; to: string }): Promise<void> {
  if (!p.to.startsWith('refs/foundry/')) throw new Error(`ref ${p.to} is not under refs/foundry/`);
  await git(p.repoPath).raw(['update-ref', p.to, p.from]);
}

/** Delete refs, each only under `refs/foundry/` and only at the value the inventory read. */
export async function removeFoundryRefs(p: { repoPath: string; refs: { ref: string; sha: string }[] }): Promise<{ removed: string[] }> {
  const removed: string[] = [];
  for (const { ref, sha } of p.refs) {
    if (!ref.startsWith('refs/foundry/')) throw new Error(`ref ${ref} is not Foundry's (not under refs/foundry/); left as it is`);
    await git(p.repoPath).raw(['update-ref', '-d', ref, sha]);
    removed.push(ref);
  }
  return { removed };
}
