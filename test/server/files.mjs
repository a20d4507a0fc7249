// File helpers for tests: wait for a file by watching its folder (no polling sleeps), and
// dump every table of a sidecar database through a read-only connection.
import { existsSync, readdirSync, watch } from 'node:fs';
import { dirname, basename } from 'node:path';
import Database from 'better-sqlite3';

export function waitForFile(path, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    if (existsSync(path)) return resolve();
    const w = watch(dirname(path), (_e, name) => {
      if ((name === basename(path) || name === null) && existsSync(path)) done();
    });
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${path}`)), timeoutMs);
    const done = (err) => {
      clearTimeout(timer);
      w.close();
      err ? reject(err) : resolve();
    };
    if (existsSync(path)) done();
  });
}

/** Resolve when `pred(fileNames)` holds for the folder's contents, re-checked on each change. */
export function waitForDir(dir, pred, what, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const check = () => pred(readdirSync(dir)) && done();
    const w = watch(dir, check);
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const done = (err) => {
      clearTimeout(timer);
      w.close();
      err ? reject(err) : resolve();
    };
    check();
  });
}

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
