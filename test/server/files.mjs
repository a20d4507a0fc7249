// File helpers for tests: wait for a file or a folder's contents by watching (test/waitFor.mjs,
// shared with the end-to-end harness), and dump every table of a sidecar database through a
// read-only connection.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export { waitForDir, waitForFile } from '../waitFor.mjs';

export function dumpTables(dbFile) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const out = {};
    for (const { name } of tables) out[name] = db.prepare(`SELECT * FROM "${name}"`).all().map((r) => JSON.stringify(r)).sort();
    return out;
  } finally {
    db.close();
  }
}

export function queryDb(dbFile, sql, ...params) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

/** The files under `dir` whose bytes hold `needle` (a secret that must be nowhere). */
export function filesContaining(dir, needle) {
  return filesUnder(dir).filter((f) => readFileSync(f).includes(needle));
}
