/**
 * Reading a file strictly inside a session's folder: the path may not leave the folder,
 * lexically or once symbolic links are followed.
 */
import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isInside } from './safeWrite.js';

/** Reads `path` (relative to `cwd`) as UTF-8, refusing a path whose real location is outside `cwd`. */
export async function readInside(cwd: string, path: string): Promise<string> {
  const shown = resolve(cwd, path);
  const refused = () => new Error(`refused: "${path}" is outside the session folder`);
  if (!isInside(resolve(cwd), shown)) throw refused();
  const target = await realpath(shown);
  if (!isInside(await realpath(cwd), target)) throw refused();
  return readFile(target, 'utf8');
}
