/**
 * Writing a file strictly inside a session's folder.
 *
 * The path is walked one component at a time from the folder's real path. Every
 * component that exists is lstat'ed: a symbolic link (dangling or not) is followed
 * by hand, and refused when its target leaves the folder. No component, before or
 * after following links, may be `.git`: the worktree's git metadata is not the
 * agent's to write (a `.git` file or folder of its own would break the worktree too).
 */
import { lstat, mkdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** What a write did: the absolute path, and the text before (null for a new file). */
interface WriteResult {
  path: string;
  oldText: string | null;
}

/** A write the agent refuses; the message says which path and why. */
class WriteRefused extends Error {}

/** Like the kernel's limit (MAXSYMLINKS): a loop of links ends in a refusal, not a hang. */
const MAX_LINKS = 40;

const outside = (path: string, why = '') => new WriteRefused(`refused: "${path}" is outside the session folder${why}`);

/**
 * Writes `content` to `path` (relative to `cwd`), creating folders. Refuses paths
 * that leave `cwd`, lexically or through a symbolic link, and paths with a `.git` component.
 */
export async function writeInside(cwd: string, path: string, content: string): Promise<WriteResult> {
  const shown = resolve(cwd, path);
  if (!isInside(resolve(cwd), shown) || shown === resolve(cwd)) throw outside(path);
  const root = await realpath(cwd);
  const target = await realTarget(root, components(relative(resolve(cwd), shown)), path);
  await mkdir(dirname(target), { recursive: true });
  const oldText = await readFile(target, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  await writeFile(target, content, 'utf8');
  return { path: shown, oldText };
}

/**
 * The real path that `parts` (relative to `root`, itself a real path) names once every
 * symbolic link on the way is followed. Components past the first missing one are new.
 */
async function realTarget(root: string, parts: string[], path: string): Promise<string> {
  let current = root;
  let links = 0;
  const pending = [...parts];
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part.toLowerCase() === '.git') {
      throw new WriteRefused(`refused: "${path}" is inside a .git folder, which belongs to git, not the agent`);
    }
    const next = join(current, part);
    const stat = await lstat(next).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!stat?.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new WriteRefused(`refused: "${path}" goes through more than ${MAX_LINKS} symbolic links`);
    // `current` holds no links, so resolving `..` in the link's text lexically is exact.
    const linkTarget = resolve(current, await readlink(next));
    if (!isInside(root, linkTarget)) {
      throw outside(path, ` (the symbolic link "${relative(root, next)}" points to ${linkTarget})`);
    }
    pending.unshift(...components(relative(root, linkTarget)));
    current = root;
  }
  return current;
}

function components(rel: string): string[] {
  return rel.split(sep).filter((p) => p !== '' && p !== '.');
}

export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
