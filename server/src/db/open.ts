/**
 * Opening the sidecar's database file, refusing one this build cannot use. Every refusal
 * names the file. A database from a newer Foundry is only ever read (through a read-only
 * connection, before anything that writes, such as journal_mode = WAL), never changed.
 */
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { errorMessage } from '../errors';

/** The database cannot be used; the message says why and ends with the file's path. */
export class DatabaseStartError extends Error {}

/** A read-write connection to `file` (created if missing) whose schema is at most `knownSchema`. */
export function openDatabase(file: string, knownSchema: number): BetterSqlite3.Database {
  const schema = existsSync(file) ? readSchema(file) : 0;
  if (schema > knownSchema) {
    throw new DatabaseStartError(`Foundry's database was written by a newer Foundry (schema ${schema}, this build knows ${knownSchema}): ${file}`);
  }
  try {
    return new BetterSqlite3(file);
  } catch (e) {
    throw new DatabaseStartError(`Foundry's database could not be opened (${errorMessage(e)}): ${file}`);
  }
}

/** PRAGMA user_version, read without writing a byte. */
function readSchema(file: string): number {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    return db.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    throw new DatabaseStartError(`Foundry's database could not be read (${errorMessage(e)}): ${file}`);
  } finally {
    db?.close();
  }
}
