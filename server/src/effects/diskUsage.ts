/** Disk use of folders (bytes of every file, symbolic links as themselves), for the explorer. */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function folderBytes(path: string): Promise<number | null> {
  const root = await lstat(path).catch(() => null);
  if (!root) return null;
  let bytes = 0;
  const stack = [path];
  while (stack.length) {
    const dir = stack.pop()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) stack.push(full);
      else bytes += (await lstat(full).catch(() => null))?.size ?? 0;
    }
  }
  return bytes;
}

/** Each folder's bytes, or null where it is gone. */
export async function diskUsage(p: { paths: string[] }): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const path of p.paths) out.push(await folderBytes(path));
  return out;
}
