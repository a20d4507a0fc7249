/**
 * One sidecar per data dir: an exclusive lock file holding the owner's pid. A second
 * sidecar (a window reload racing the old one's exit) waits a few seconds, then gives up
 * with a clear message.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export async function acquireLock(dataDir: string, waitMs: number): Promise<() => void> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'sidecar.lock');
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (!owner || !alive(owner)) {
      try {
        unlinkSync(file); // stale: its sidecar died without cleaning up
      } catch {
        // someone else removed it first
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Another Foundry sidecar (pid ${owner}) is using the data folder ${dataDir}. Close the other window, or wait for it to exit, then restart Foundry.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
