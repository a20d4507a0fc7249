/**
 * Which file a chat tab may open: the transcript is the agent's text, so a path in it is untrusted.
 * Only an existing file inside the task's worktree is opened, its real path checked so that a
 * symlink or `..` cannot lead out. No `vscode` import, so it is unit-tested.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The file to open for `requested`, or a rejection whose message says why not. */
export async function fileInWorktree(worktreePath: string, requested: string): Promise<string> {
  if (!isAbsolute(requested)) throw new Error(`Cannot open ${requested}: not an absolute path.`);
  const root = await realpath(worktreePath).catch(() => {
    throw new Error(`Cannot open ${requested}: the task's worktree ${worktreePath} is missing.`);
  });
  const real = await realpath(requested).catch(() => {
    throw new Error(`Cannot open ${requested}: no such file.`);
  });
  const rel = relative(root, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`Cannot open ${requested}: it is outside the task's worktree (${worktreePath}).`);
  }
  if (!(await stat(real)).isFile()) throw new Error(`Cannot open ${requested}: not a file.`);
  return resolve(requested);
}
