/**
 * WAL checkpoints off the request path: the main connection never checkpoints on its own
 * (wal_autocheckpoint = 0); it asks the worker, whose own connection copies the WAL back into
 * the database while requests keep being answered.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { EffectsApi } from './api';

export function createCheckpointEffects(): Pick<EffectsApi, 'checkpoint'> & { close(): void } {
  let db: BetterSqlite3.Database | undefined;
  let file: string | undefined;
  return {
    checkpoint({ dbFile }) {
      if (!db || file !== dbFile) {
        db?.close();
        db = new BetterSqlite3(dbFile, { fileMustExist: true });
        db.pragma('busy_timeout = 5000');
        file = dbFile;
      }
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      return { walPages: r.log, checkpointed: r.checkpointed };
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}
