/**
 * One sidecar per data folder, decided by a lock the OS holds: SQLite's exclusive locking mode
 * on `D/lock.db`. The first write takes an exclusive file lock that the connection keeps until
 * it closes - and the OS drops it when the process dies, however it dies. So there is no pid
 * file to go stale, no pid reuse to fool it, and two racing sidecars can never both win.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';

export class LockHeldError extends Error {
  constructor(readonly dataDir: string) {
    super(`Another Foundry sidecar is using the data folder ${dataDir}.`);
  }
}

export interface DataDirLock {
  release(): void;
}

function tryLock(dataDir: string): DataDirLock | undefined {
  const file = join(dataDir, 'lock.db');
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    // A write takes the exclusive lock; in EXCLUSIVE mode it is kept after the commit.
    db.exec(`BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER, at INTEGER); DELETE FROM holder;
      INSERT INTO holder VALUES (${process.pid}, ${Date.now()}); COMMIT;`);
  } catch (e) {
    db?.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw new Error(`could not take the lock ${file}: ${(e as Error).message}`);
  }
  const held = db;
  return { release: () => held.open && held.close() };
}

/**
 * Take the data folder's lock, waiting up to `waitMs` for a sidecar that is exiting (a window
 * reload racing the old sidecar's drain). Throws LockHeldError when it stays held.
 */
export async function acquireLock(dataDir: string, waitMs = 0): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = tryLock(dataDir);
    if (lock) return lock;
    // The holder gives no signal when it lets go: a short re-check is the only way to see it.
    if (Date.now() >= deadline) throw new LockHeldError(dataDir);
    await new Promise((r) => setTimeout(r, 100));
  }
}
