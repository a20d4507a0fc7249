/** Git effects (simple-git): repository facts, worktrees, and the changes projection's numbers. */
import { simpleGit } from 'simple-git';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EffectsApi } from './api';
import { checkExistingFolder } from './existingWorktree';
import { adminDirOf, assertOwned, writeOwnerMarker } from './ownership';
import { WORK_PATHSPECS } from './ignoredWork';
import { repoIdentities, repoIdentity } from './repoIdentity';
import { backfillOwnerMarkers } from './markerBackfill';

const git = (cwd: string) => simpleGit({ baseDir: cwd, maxConcurrentProcesses: 4 });

/**
 * Worktree add/remove/prune of one repository run one at a time: git keeps shared state under
 * .git/worktrees, and concurrent `worktree add`s race on it ("failed to read .../commondir").
 */
const repoLocks = new Map<string, Promise<unknown>>();
function withRepoLock<T>(repoPath: string, fn: () => Promise<T>): Promise<T> {
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
const MAX_UNTRACKED_BYTES = 2 * 1024 * 1024;

export function createGitEffects(): Pick<
  EffectsApi,
  'repoInfo' | 'repoIdentities' | 'backfillOwnerMarkers' | 'listBranches' | 'createWorktree' | 'removeWorktree' | 'isDirty' | 'diffStat' | 'ignoredWork'
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

    async diffStat({ worktreePath, baseRef }) {
      const g = git(worktreePath);
      const numstat = await g.raw(['diff', '--numstat', baseRef]);
      const files = new Set<string>();
      let added = 0;
      let removed = 0;
      for (const line of numstat.split('\n')) {
        const [a, r, file] = line.split('\t');
        if (!file) continue;
        files.add(file);
        added += Number(a) || 0;
        removed += Number(r) || 0;
      }
      const untracked = (await g.raw(['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
      for (const file of untracked) {
        files.add(file);
        added += await countLines(join(worktreePath, file));
      }
      return { files: files.size, added, removed };
    },

    async ignoredWork({ worktreePath }) {
      if (!existsSync(worktreePath)) return [];
      const out = await git(worktreePath).raw(['ls-files', '--others', '--ignored', '--exclude-standard', '-z', '--', ...WORK_PATHSPECS]);
      return out.split('\0').filter(Boolean).sort();
    },
  };
}

async function countLines(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile() || s.size > MAX_UNTRACKED_BYTES) return 0;
    const buf = await readFile(file);
    if (buf.includes(0)) return 0; // binary
    if (buf.length === 0) return 0;
    let n = 0;
    for (const b of buf) if (b === 10) n++;
    return buf[buf.length - 1] === 10 ? n : n + 1;
  } catch {
    return 0;
  }
}
