/**
 * What createWorktree may do with a folder already at the sandbox path (a resume or a retry).
 * Nothing here ever deletes: a worktree of the repository on the task's branch is reused (its
 * work, committed or not, stays), an empty folder is filled by `git worktree add`, and anything
 * else fails the stage with a message naming the folder, for the user to sort out.
 */
import { readdir } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import { adminDirOf, commonDirOf, ownerOf, realOrNull, toplevelOf, writeOwnerMarker } from './ownership';

const leaveIt = 'Foundry never deletes it';

export async function checkExistingFolder(p: { repoPath: string; worktreePath: string; branch: string; taskId: string }): Promise<'reuse' | 'fill'> {
  const { repoPath, worktreePath, branch, taskId } = p;
  if ((await readdir(worktreePath)).length === 0) return 'fill';
  // Real paths: the data folder may be reached through a symlink, and git answers with real ones.
  const real = await realOrNull(worktreePath);
  if (!real || (await toplevelOf(worktreePath)) !== real) {
    throw new Error(`folder ${worktreePath} exists but is not a git worktree; ${leaveIt}: move it away, then retry`);
  }
  const admin = await adminDirOf(repoPath, worktreePath);
  if (!admin) {
    const other = await commonDirOf(worktreePath);
    throw new Error(`folder ${worktreePath} is a git working tree of ${other ?? 'another repository'}, not of ${repoPath}; ${leaveIt}: move it away, then retry`);
  }
  const head = (await simpleGit({ baseDir: worktreePath }).raw(['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')).trim();
  if (head !== branch) {
    const where = head ? `is on branch '${head}'` : 'has a detached HEAD';
    throw new Error(`worktree folder ${worktreePath} ${where}, not on '${branch}'; ${leaveIt}: check out '${branch}' there (or move the folder away), then retry`);
  }
  const owner = await ownerOf(admin);
  if (owner && owner !== taskId) throw new Error(`worktree folder ${worktreePath} belongs to task ${owner}; ${leaveIt}`);
  // At this task's own path and on its branch: an add that was interrupted before the marker.
  if (!owner) await writeOwnerMarker(admin, taskId);
  return 'reuse';
}
