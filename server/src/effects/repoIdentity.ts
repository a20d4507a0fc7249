/**
 * Which repository a path belongs to. `git rev-parse --show-toplevel` answers with the working
 * tree the path is in, so one repository reached through a symlinked path, a subfolder or one
 * of its linked worktrees looked like several. Here a repository is known by the real path of
 * its git common dir (`git rev-parse --git-common-dir`), which all of those share, and its path
 * is its main working tree: in the usual layout the common dir's parent (`<repo>/.git` ->
 * `<repo>`), and in general the first entry of `git worktree list` (so a submodule or a
 * `--separate-git-dir` repository, whose common dir lives elsewhere, keeps its own working tree).
 * The common dir itself, not its parent, is the key: two repositories whose separate git dirs
 * share a folder have one parent but two common dirs.
 */
import { realpath } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import { commonDirOf, toplevelOf } from './ownership';

export interface RepoIdentity {
  /** Real path of the repository's git common dir: the same from every path into it. */
  identity: string;
  /** Real path of its main working tree (for a bare repository: the linked worktree asked about). */
  path: string;
}

/** Throws, naming the path, when it is in no git repository or in a bare one without a working tree. */
export async function repoIdentity(path: string): Promise<RepoIdentity> {
  const identity = await commonDirOf(path);
  if (!identity) throw new Error(`path is not a git repository: ${path}`);
  const list = await simpleGit({ baseDir: path }).raw(['worktree', 'list', '--porcelain']).catch(() => '');
  const main = mainWorktree(list);
  const mainPath = main && !main.bare ? await realpath(main.path).catch(() => null) : null;
  const own = mainPath ?? (await toplevelOf(path));
  if (!own) throw new Error(`path is a bare git repository without a working tree: ${path}`);
  return { identity, path: own };
}

/** The first entry of `git worktree list --porcelain`: the main worktree. */
function mainWorktree(porcelain: string): { path: string; bare: boolean } | null {
  const block = porcelain.split('\n\n')[0]?.split('\n') ?? [];
  const line = block.find((l) => l.startsWith('worktree '));
  return line ? { path: line.slice('worktree '.length), bare: block.includes('bare') } : null;
}

/** Each path's identity, or null where the path is gone or in no repository (never throws). */
export function repoIdentities(paths: string[]): Promise<(RepoIdentity | null)[]> {
  return Promise.all(paths.map((p) => repoIdentity(p).catch(() => null)));
}
