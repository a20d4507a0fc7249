/**
 * A database of an earlier Foundry version, opened for the import (jobs/import.ts). Earlier
 * versions kept one data folder per VS Code window, each with its own sidecar, its foundry.db and
 * a pid lock file (`sidecar.lock`) beside it.
 *
 * Opening refuses, with the reason, a file that is gone, this sidecar's own database, a file
 * whose sidecar still runs (its pid lock names a live process), one another process still uses
 * (`wal_checkpoint(TRUNCATE)` reports busy), and one that is no Foundry database or is from a
 * newer Foundry. The checkpoint also folds the file's WAL in, so the file alone holds everything.
 *
 * Reads are column-tolerant: each table is read with the columns it shares with this build's
 * table of the same name, so every earlier schema reads the same way (a column added since is
 * simply absent, and the importer fills it in); nothing is ever written to the old file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { errorMessage } from '../errors';

/** The pid lock file of an earlier version's sidecar, beside its foundry.db. */
export const LEGACY_LOCK = 'sidecar.lock';

export type LegacyTable = 'repos' | 'tasks' | 'sessions' | 'transcript' | 'jobs' | 'task_history' | 'processes';

export class LegacyDb {
  private constructor(
    readonly file: string,
    private readonly raw: BetterSqlite3.Database,
    /** Its PRAGMA user_version: how many of this build's migrations it has. */
    readonly schema: number,
  ) {}

  /**
   * Open `file` for import, or say why not (a sentence, without the file's name). `ownDb` is
   * this sidecar's database; `knownSchema` the number of migrations this build has.
   */
  static open(file: string, ownDb: string, knownSchema: number): LegacyDb | string {
    if (!existsSync(file)) return 'the file does not exist';
    if (realpathSync(file) === realpathSync(ownDb)) return "it is this sidecar's own database";
    const holder = liveLockHolder(dirname(file));
    if (holder) return `the Foundry sidecar that uses it still runs (pid ${holder}, named by ${join(dirname(file), LEGACY_LOCK)}); close its window, then import again`;
    let raw: BetterSqlite3.Database;
    try {
      raw = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
    } catch (e) {
      return `it could not be opened (${errorMessage(e)})`;
    }
    const refuse = (reason: string) => {
      raw.close();
      return reason;
    };
    try {
      raw.pragma('busy_timeout = 0');
      const [r] = raw.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (r?.busy) return refuse('another process still uses it (its WAL checkpoint is busy); close that window, then import again');
      const schema = raw.pragma('user_version', { simple: true }) as number;
      const tables = new Set((raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
      if (schema === 0 || !['repos', 'tasks', 'sessions'].every((t) => tables.has(t))) return refuse('it is not a Foundry database');
      if (schema > knownSchema) return refuse(`it was written by a newer Foundry (schema ${schema}, this build knows ${knownSchema})`);
      return new LegacyDb(file, raw, schema);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return refuse('another process still uses it (the database is locked)');
      return refuse(`it could not be read (${errorMessage(e)})`);
    }
  }

  /** SHA-256 of the file's bytes (after the checkpoint): the same file, wherever it is, has the same one. */
  fingerprint(): Promise<string> {
    return new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(this.file)
        .on('data', (chunk) => hash.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(hash.digest('hex')));
    });
  }

  /** Whether the old database has the table at all. */
  has(table: LegacyTable): boolean {
    return this.columnsOf(table).length > 0;
  }

  /**
   * Every row of `table`, with the columns it shares with `columns` (this build's), ordered by
   * `orderBy` (a column both have). Columns of this build the old table lacks are absent.
   */
  rows<T>(table: LegacyTable, columns: readonly string[], orderBy: string): Partial<T>[] {
    const common = this.common(table, columns);
    if (!common.length) return [];
    return this.raw.prepare(`SELECT ${common.map(quote).join(', ')} FROM ${quote(table)} ORDER BY ${quote(orderBy)}`).all() as Partial<T>[];
  }

  /** One page of a session's transcript after `afterSeq`, in seq order. */
  transcriptPage<T>(sessionId: string, afterSeq: number, limit: number, columns: readonly string[]): Partial<T>[] {
    const common = this.common('transcript', columns);
    return this.raw
      .prepare(`SELECT ${common.map(quote).join(', ')} FROM transcript WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
      .all(sessionId, afterSeq, limit) as Partial<T>[];
  }

  close(): void {
    if (this.raw.open) this.raw.close();
  }

  private common(table: LegacyTable, columns: readonly string[]): string[] {
    const have = new Set(this.columnsOf(table));
    return columns.filter((c) => have.has(c));
  }

  private columnsOf(table: string): string[] {
    return (this.raw.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The pid in an earlier sidecar's lock file beside the database, if that process is alive. */
function liveLockHolder(dir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(dir, LEGACY_LOCK), 'utf8').trim();
  } catch {
    return null;
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** The columns of a table of this build's database (the importer's side). */
export function columnsOf(db: BetterSqlite3.Database, table: string): string[] {
  return (db.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);
}
