// A database the sidecar cannot use (not a database, or from a newer Foundry) fails initialize
// with -32002 naming the file, and the process exits, releasing the data folder's lock. A newer
// Foundry's database is never written to.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { migrations } from '../../server/src/db/migrations.ts';
import { startSidecar, tempDir, cleanup } from './harness.mjs';

const dir = tempDir();
const refused = new Set();
after(() => {
  for (const child of refused) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // only a sidecar that failed to exit
  cleanup(dir);
});

/** Starts a sidecar on `dataDir` that must refuse to start; returns the error after the process exited. */
async function refusedStart(dataDir) {
  const error = await startSidecar({ dataDir }).then(
    async (sc) => (await sc.stop(), assert.fail('initialize succeeded')),
    (e) => e,
  );
  if (error.child) refused.add(error.child);
  assert.equal(error.code, ErrorCodes.InvalidState, error.message);
  assert.equal(existsSync(join(dataDir, 'sidecar.lock')), false, 'the lock is released by the time the error arrives');
  const { code } = await error.exited;
  assert.equal(code, 1, 'the refused sidecar exits');
  return error;
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a database file of garbage: initialize fails naming the file, the process exits, a fixed folder starts', { timeout: 30_000 }, async () => {
  const dataDir = join(dir, 'garbage');
  mkdirSync(dataDir, { recursive: true });
  const dbFile = join(dataDir, 'foundry.db');
  writeFileSync(dbFile, 'this is no database, just text that fills a page. '.repeat(200));

  const error = await refusedStart(dataDir);
  assert.match(error.message, /could not be read \(file is not a database\)/);
  assert.ok(error.message.endsWith(`: ${dbFile}`), error.message);
  assert.match(error.stderr(), /file is not a database/, 'the reason is in the log too');

  renameSync(dbFile, `${dbFile}.garbage`);
  const sc = await startSidecar({ dataDir });
  try {
    assert.deepEqual(await sc.request(Requests.Ping.method, {}), {});
  } finally {
    await sc.stop();
  }
});

test('a database from a newer Foundry is refused naming both schemas and the file, and left byte for byte', { timeout: 30_000 }, async () => {
  const dataDir = join(dir, 'newer');
  mkdirSync(dataDir, { recursive: true });
  const dbFile = join(dataDir, 'foundry.db');
  const newer = migrations.length + 4;
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('from the future')");
  db.pragma(`user_version = ${newer}`);
  db.close();
  const before = sha256(dbFile);

  const error = await refusedStart(dataDir);
  assert.equal(
    error.message,
    `Foundry's database was written by a newer Foundry (schema ${newer}, this build knows ${migrations.length}): ${dbFile}`,
  );
  assert.equal(sha256(dbFile), before, 'the database file is unchanged');
  if (existsSync(`${dbFile}-wal`)) assert.equal(readFileSync(`${dbFile}-wal`).length, 0, 'nothing was written to its WAL');

  // Still refused the second time: nothing about the file was "upgraded" down.
  await refusedStart(dataDir);
  assert.equal(sha256(dbFile), before);
});
