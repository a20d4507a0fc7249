/** Writing a file strictly inside a session's folder. */
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** What a write did: the absolute path, and the text before (null for a new file). */
interface WriteResult {
  path: string;
  oldText: string | null;
}

/** A write the agent refuses: the path leaves the session's folder. */
class PathEscapesCwd extends Error {
  constructor(path: string) {
    super(`refused: "${path}" is outside the session folder`);
  }
}

/** The absolute path `path` names inside `cwd`; throws PathEscapesCwd when it leaves it. */
function resolveInside(cwd: string, path: string): string {
  const target = resolve(cwd, path);
  if (!isInside(resolve(cwd), target) || target === resolve(cwd)) throw new PathEscapesCwd(path);
  return target;
}

/**
 * Writes `content` to `path` (relative to `cwd`), creating folders. Refuses paths
 * that leave `cwd`, lexically or through a symbolic link.
 */
export async function writeInside(cwd: string, path: string, content: string): Promise<WriteResult> {
  const target = resolveInside(cwd, path);
  const realCwd = await realpath(cwd);
  const anchor = await deepestExisting(dirname(target));
  if (!isInside(realCwd, await realpath(anchor))) throw new PathEscapesCwd(path);
  await mkdir(dirname(target), { recursive: true });
  if (!isInside(realCwd, await realpath(dirname(target)))) throw new PathEscapesCwd(path);
  const existing = await realpath(target).catch(() => undefined);
  if (existing !== undefined && !isInside(realCwd, existing)) throw new PathEscapesCwd(path);
  const oldText = await readFile(target, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  await writeFile(target, content, 'utf8');
  return { path: target, oldText };
}

function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}

async function deepestExisting(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    try {
      await realpath(current);
      return current;
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
