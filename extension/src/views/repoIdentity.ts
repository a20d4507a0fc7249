/**
 * A folder's repository identity, read from the file system alone (no git process): walk up to
 * the `.git` entry; a folder is the common git folder itself, a `gitdir:` file points at a
 * worktree's admin folder whose `commondir` names the common one. The identity is the real path
 * of the common folder's parent - the repository's main working tree - which is what the sidecar
 * stores as a repository's path (it asks `git rev-parse --git-common-dir`).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function commonGitDir(dotGit: string): Promise<string | undefined> {
  if (await isDir(dotGit)) return dotGit;
  const text = await readFile(dotGit, 'utf8').catch(() => '');
  const m = /^gitdir:\s*(.+)\s*$/m.exec(text);
  if (!m) return undefined;
  const gitDir = isAbsolute(m[1]!) ? m[1]! : resolve(dirname(dotGit), m[1]!);
  const common = (await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
  return common ? resolve(gitDir, common) : gitDir;
}

/** The main working tree of the repository holding `folder`, or undefined outside any repository. */
export async function repoIdentity(folder: string): Promise<string | undefined> {
  let dir = await realpath(folder).catch(() => resolve(folder));
  for (;;) {
    const common = await commonGitDir(join(dir, '.git'));
    if (common) return realpath(dirname(common)).catch(() => dirname(common));
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
