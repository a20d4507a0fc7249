/**
 * Proof that Foundry made a worktree, checked before anything removes one (archive's
 * removeWorktree, any later pool or cleanup). Two records must agree: the task row names the
 * folder (tasks.worktree_path, passed in as `recordedPath`), and the worktree's git admin
 * folder (`<repo>/.git/worktrees/<name>`) holds a `foundry-owner` marker naming the task.
 */
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';

const MARKER = 'foundry-owner';

export interface OwnershipClaim {
  repoPath: string;
  worktreePath: string;
  taskId: string;
  /** The task row's worktree_path. */
  recordedPath: string | null;
}

/** `git rev-parse <flag>` in `cwd`, as a real absolute path; null when git cannot answer. */
async function gitPath(cwd: string, flag: '--git-dir' | '--git-common-dir' | '--show-toplevel'): Promise<string | null> {
  try {
    const out = (await simpleGit({ baseDir: cwd }).revparse([flag])).trim();
    return out ? await realpath(resolve(cwd, out)) : null;
  } catch {
    return null;
  }
}

export const realOrNull = (path: string): Promise<string | null> => realpath(path).catch(() => null);
export const toplevelOf = (path: string) => gitPath(path, '--show-toplevel');
export const commonDirOf = (path: string) => gitPath(path, '--git-common-dir');

/** The worktree's admin folder in `repoPath`'s .git/worktrees, or null if it is not a worktree of that repository. */
export async function adminDirOf(repoPath: string, worktreePath: string): Promise<string | null> {
  const [gitDir, common] = await Promise.all([gitPath(worktreePath, '--git-dir'), commonDirOf(repoPath)]);
  return gitDir && common && dirname(gitDir) === join(common, 'worktrees') ? gitDir : null;
}

export async function ownerOf(adminDir: string): Promise<string | null> {
  return (await readFile(join(adminDir, MARKER), 'utf8').catch(() => '')).trim() || null;
}

export async function writeOwnerMarker(adminDir: string, taskId: string): Promise<void> {
  await writeFile(join(adminDir, MARKER), `${taskId}\n`);
}

/** Null when `claim` is proven; otherwise why not, naming the folder. */
export async function ownershipProblem({ repoPath, worktreePath, taskId, recordedPath }: OwnershipClaim): Promise<string | null> {
  const real = await realOrNull(worktreePath);
  if (!real) return `folder ${worktreePath} does not exist`;
  if (!recordedPath || (await realOrNull(recordedPath)) !== real) return `Foundry has no record of making ${worktreePath} for task ${taskId}`;
  if ((await toplevelOf(worktreePath)) !== real) return `folder ${worktreePath} is not a git worktree of its own`;
  const admin = await adminDirOf(repoPath, worktreePath);
  if (!admin) return `folder ${worktreePath} is not a worktree of ${repoPath}`;
  const owner = await ownerOf(admin);
  if (owner !== taskId) return `worktree ${worktreePath} ${owner ? `belongs to task ${owner}` : 'carries no Foundry ownership marker'}, not to task ${taskId}`;
  return null;
}

/** Throws unless Foundry provably made the worktree for this task. */
export async function assertOwned(claim: OwnershipClaim): Promise<void> {
  const problem = await ownershipProblem(claim);
  if (problem) throw new Error(`${problem}; Foundry leaves it as it is`);
}
