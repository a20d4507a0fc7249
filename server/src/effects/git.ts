/** Git effects (simple-git): repository facts, worktrees; the changes projection and review reads (gitState.ts, reviewFiles.ts). */
import { simpleGit } from 'simple-git';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EffectsApi } from './api';
import { checkExistingFolder } from './existingWorktree';
import { adminDirOf, assertOwned, writeOwnerMarker } from './ownership';
import { WORK_PATHSPECS } from './ignoredWork';
import { repoIdentities, repoIdentity } from './repoIdentity';
import { backfillOwnerMarkers } from './markerBackfill';
import { gitState } from './gitState';
import { fileDiff, fileTree, revertFile, undoRevert } from './reviewFiles';
import { attachBranch } from './attachBranch';

const git = (cwd: string) => simpleGit({ baseDir: cwd, maxConcurrentProcesses: 4 });

/**
 * Worktree add/remove/prune of one repository run one at a time: git keeps shared state under
 * .git/worktrees, and concurrent `worktree add`s race on it ("failed to read .../commondir").
 */
const repoLocks = new Map<string, Promise<unknown>>();
export function withRepoLock<T>(repoPath: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(repoPath);
  const previous = repoLocks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  const settled = run.catch(() => undefined);
  repoLocks.set(key, settled);
  void settled.then(() => {
    if (repoLocks.get(key) === settled) repoLocks.delete(key);
  });
  return run;
}

export function createGitEffects(): Pick<
  EffectsApi,
  'repoInfo' | 'repoIdentities' | 'backfillOwnerMarkers' | 'listBranches' | 'attachBranch' | 'createWorktree' | 'removeWorktree' | 'isDirty' | 'ignoredWork' | 'gitState' | 'fileDiff' | 'fileTree' | 'revertFile' | 'undoRevert'
> {
  return {
    async repoInfo({ path }) {
      if (!existsSync(path)) throw new Error(`path does not exist: ${path}`);
      const id = await repoIdentity(path);
      let defaultBranch = 'main';
      try {
        defaultBranch = (await git(id.path).raw(['symbolic-ref', '--short', 'HEAD'])).trim() || 'main';
      } catch {
        // detached HEAD: keep the conventional default
      }
      return { ...id, defaultBranch };
    },

    repoIdentities: ({ paths }) => repoIdentities(paths),

    backfillOwnerMarkers: ({ worktrees }) => backfillOwnerMarkers(worktrees),

    async listBranches({ repoPath }) {
      const out = await git(repoPath).raw(['branch', '--format=%(refname:short)']);
      return out.split('\n').map((s) => s.trim()).filter(Boolean);
    },

    attachBranch: (p) => withRepoLock(p.repoPath, () => attachBranch(p)),

    createWorktree: ({ repoPath, worktreePath, branch, baseRef, taskId }) => withRepoLock(repoPath, async () => {
      const repo = git(repoPath);
      const base = baseRef ?? (await repo.revparse(['HEAD'])).trim();
      if (existsSync(worktreePath) && (await checkExistingFolder({ repoPath, worktreePath, branch, taskId })) === 'reuse') return { baseRef: base };
      await repo.raw(['worktree', 'prune']);
      const branches = (await repo.raw(['branch', '--format=%(refname:short)'])).split('\n').map((s) => s.trim());
      if (branches.includes(branch)) await repo.raw(['worktree', 'add', worktreePath, branch]);
      else await repo.raw(['worktree', 'add', '-b', branch, worktreePath, base]);
      const admin = await adminDirOf(repoPath, worktreePath);
      if (!admin) throw new Error(`git worktree add made ${worktreePath}, but its admin folder in ${repoPath} was not found`);
      await writeOwnerMarker(admin, taskId);
      return { baseRef: base };
    }),

    removeWorktree: ({ repoPath, worktreePath, taskId, recordedPath }) => withRepoLock(repoPath, async () => {
      if (!existsSync(worktreePath)) {
        await git(repoPath).raw(['worktree', 'prune']);
        return;
      }
      await assertOwned({ repoPath, worktreePath, taskId, recordedPath });
      await git(repoPath).raw(['worktree', 'remove', worktreePath]);
    }),

    async isDirty({ worktreePath }) {
      if (!existsSync(worktreePath)) return false;
      const out = await git(worktreePath).raw(['status', '--porcelain']);
      return out.trim().length > 0;
    },

    gitState,
    fileDiff,
    fileTree,
    revertFile,
    undoRevert,

    async ignoredWork({ worktreePath }) {
      if (!existsSync(worktreePath)) return [];
      const out = await git(worktreePath).raw(['ls-files', '--others', '--ignored', '--exclude-standard', '-z', '--', ...WORK_PATHSPECS]);
      return out.split('\0').filter(Boolean).sort();
    },
  };
}
