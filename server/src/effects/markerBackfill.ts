/**
 * Ownership markers for worktrees made before Foundry wrote them (ownership.ts). Earlier versions
 * made each task's worktree with `git worktree add <data>/worktrees/<taskId> <branch>` and
 * recorded the folder, but left no marker, so archive could never prove the folder is Foundry's.
 * A marker is written for such a worktree only when git itself vouches for it: `git worktree
 * list` of the task's repository lists that folder, on the task's branch, and the folder is
 * named after the task. Anything else is left as it is (and archive refuses it, naming why).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { adminDirOf, ownerOf, realOrNull, writeOwnerMarker } from './ownership';

export interface BackfillItem {
  taskId: string;
  repoPath: string;
  /** The task row's worktree_path. */
  worktreePath: string;
  branch: string;
}

export interface BackfillResult {
  /** Tasks whose worktree got its marker now. */
  marked: string[];
  /** Worktrees without a marker that were left so, and why. */
  left: { taskId: string; worktreePath: string; reason: string }[];
}

export async function backfillOwnerMarkers(items: BackfillItem[]): Promise<BackfillResult> {
  const result: BackfillResult = { marked: [], left: [] };
  const listings = new Map<string, Promise<Map<string, string | null>>>();
  const listOf = (repoPath: string) => {
    let l = listings.get(repoPath);
    if (!l) listings.set(repoPath, (l = worktreesOf(repoPath)));
    return l;
  };
  for (const item of items) {
    if (!existsSync(item.worktreePath) || (await markedAlready(item.worktreePath))) continue;
    const reason = await backfillOne(item, listOf);
    if (reason) result.left.push({ taskId: item.taskId, worktreePath: item.worktreePath, reason });
    else result.marked.push(item.taskId);
  }
  return result;
}

/** Null once the marker is written; otherwise why not. */
async function backfillOne(item: BackfillItem, listOf: (repoPath: string) => Promise<Map<string, string | null>>): Promise<string | null> {
  const { taskId, repoPath, worktreePath, branch } = item;
  if (basename(resolve(worktreePath)) !== taskId) return `the folder is not named after the task`;
  const real = await realOrNull(worktreePath);
  const listed = (await listOf(repoPath)).get(real ?? '');
  if (listed === undefined) return `git does not list it as a worktree of ${repoPath}`;
  if (listed !== branch) return `it is ${listed ? `on branch '${listed}'` : 'on a detached HEAD'}, not on the task's branch '${branch}'`;
  const admin = await adminDirOf(repoPath, worktreePath);
  if (!admin) return `its git admin folder in ${repoPath} was not found`;
  const owner = await ownerOf(admin);
  if (owner) return owner === taskId ? null : `its marker names task ${owner}`;
  await writeOwnerMarker(admin, taskId);
  return null;
}

/** Cheap first look, no git: the worktree's `.git` file names an admin folder that has a marker. */
async function markedAlready(worktreePath: string): Promise<boolean> {
  const dotGit = await readFile(join(worktreePath, '.git'), 'utf8').catch(() => '');
  const m = /^gitdir: (.+)$/m.exec(dotGit);
  return m ? (await ownerOf(resolve(worktreePath, m[1].trim()))) !== null : false;
}

/** `git worktree list` of a repository: real folder path -> branch (short name; null when detached). */
async function worktreesOf(repoPath: string): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  if (!existsSync(repoPath)) return map;
  const out = await simpleGit({ baseDir: repoPath }).raw(['worktree', 'list', '--porcelain']).catch(() => '');
  for (const block of out.split('\n\n')) {
    const lines = block.split('\n');
    const path = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (!path) continue;
    const ref = lines.find((l) => l.startsWith('branch '))?.slice('branch '.length);
    const real = (await realOrNull(path)) ?? path;
    map.set(real, ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null);
  }
  return map;
}
