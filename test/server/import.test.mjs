// foundry/importDatabases: a data folder of the previous release (one per VS Code window) joins
// this sidecar's database, nothing lost.
//
// The fixture (test/fixtures/legacy-66cd588/) is made by the previous release's own sidecar:
// test/fixtures/make-legacy-db.mjs (its header says how to run it) drives a build of commit
// 66cd588 over JSON-RPC and keeps what it wrote: foundry.db (schema 2, after a WAL checkpoint),
// logs/ and agents/demo/. It holds a repository with a setup script and three tasks: "Say
// hello" (idle, two finished turns, a transcript and demo agent state), "Broken setup" (failed
// in init_create_sandbox) and "Slow setup" (its sidecar was killed by SIGKILL inside
// init_create_sandbox, so its provision job is still open).
//
// Its paths are absolute, under LEGACY_ROOT (/tmp/foundry-legacy-fixture), where the generator
// ran. So that the test runs anywhere, it copies the fixture into a temp folder D and rewrites
// that prefix to D with one documented SQL statement per column that holds a path:
//   UPDATE repos SET path = replace(path, LEGACY_ROOT, D);
//   UPDATE tasks SET worktree_path = replace(worktree_path, LEGACY_ROOT, D);
// Nothing else in the file is touched. The worktrees were not kept (they are git state, not
// Foundry's): the test makes the repository again (legacyRepo.mjs: the same commit id everywhere)
// and adds each task's worktree at its recorded path on its branch with `git worktree add`, which
// is what the previous release did; like the previous release's, they carry no ownership marker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, tempDir, cleanup, agentText } from './harness.mjs';
import { dumpTables, queryDb } from './files.mjs';
import { LEGACY_ROOT, git, makeLegacyRepo } from '../fixtures/legacyRepo.mjs';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'legacy-66cd588');
const manifest = JSON.parse(readFileSync(join(fixture, 'manifest.json'), 'utf8'));
const [hello, broken, slow] = ['Say hello', 'Broken setup', 'Slow setup'].map((title) => manifest.tasks.find((t) => t.title === title));

let dir, sc, oldDb, newDb, expected;

/** The fixture copied to `dataDir`, its paths rewritten to this test's folder (see the header). */
function copyFixture(dataDir) {
  cpSync(fixture, dataDir, { recursive: true, filter: (src) => !src.endsWith('manifest.json') });
  const db = new Database(join(dataDir, 'foundry.db'));
  db.prepare('UPDATE repos SET path = replace(path, ?, ?)').run(LEGACY_ROOT, dir);
  db.prepare('UPDATE tasks SET worktree_path = replace(worktree_path, ?, ?)').run(LEGACY_ROOT, dir);
  db.close();
  return join(dataDir, 'foundry.db');
}

const here = (path) => path.replace(LEGACY_ROOT, dir);
const rows = (file, sql, ...params) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
};
const ownerMarker = (worktree) => join(git(worktree, 'rev-parse', '--path-format=absolute', '--git-dir').trim(), 'foundry-owner');

before(async () => {
  dir = tempDir();
  assert.equal(makeLegacyRepo(join(dir, 'repo')), manifest.baseCommit, 'the repository is made again with the same commit');
  oldDb = copyFixture(join(dir, 'data'));
  for (const t of manifest.tasks) {
    git(join(dir, 'repo'), 'branch', t.branch, manifest.baseCommit);
    git(join(dir, 'repo'), 'worktree', 'add', '-q', here(t.worktreePath), t.branch);
  }
  // The user moved the failed task's worktree to another branch: git no longer vouches for it.
  git(here(broken.worktreePath), 'switch', '-q', '-c', 'elsewhere');
  expected = {
    tasks: rows(oldDb, 'SELECT * FROM tasks ORDER BY id'),
    sessions: rows(oldDb, 'SELECT * FROM sessions ORDER BY id'),
    transcript: rows(oldDb, 'SELECT * FROM transcript ORDER BY session_id, seq'),
    history: rows(oldDb, 'SELECT * FROM task_history ORDER BY id'),
    jobs: rows(oldDb, 'SELECT * FROM jobs ORDER BY id'),
  };
  assert.ok(expected.transcript.length > 0 && expected.history.length > 0, 'the fixture has a transcript and history');
  sc = await startSidecar({ dataDir: join(dir, 'new') });
  newDb = join(dir, 'new', 'foundry.db');
});
after(async () => {
  await sc?.stop();
  cleanup(dir);
});

test('importDatabases answers at once; a file held by a live sidecar is skipped and reported in the log', async () => {
  const held = copyFixture(join(dir, 'held'));
  writeFileSync(join(dir, 'held', 'sidecar.lock'), String(process.pid)); // this test's own pid: alive
  const r = await sc.request(Requests.ImportDatabases.method, { databases: [oldDb, held, oldDb] });
  assert.deepEqual(r, { queued: 2 }, 'one job per file');
  await sc.waitForLog(new RegExp(`import of ${held}: skipped: the Foundry sidecar that uses it still runs \\(pid ${process.pid}`));
  assert.ok(existsSync(held), 'a held file is neither renamed nor touched');
  await sc.waitForLog(new RegExp(`import of ${oldDb}: imported 3 task\\(s\\), 3 session\\(s\\), ${expected.history.length} history row\\(s\\), 3 job\\(s\\) \\(1 resumed\\)`));
});

test('every task, session, transcript event and history row is there with the same ids; worktree paths unchanged', async () => {
  await sc.waitFor(() => manifest.tasks.every((t) => sc.task(t.id)), 'the imported tasks pushed');
  await sc.settle(60_000);
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.deepEqual(wb.repos.map((r) => [r.id, r.path]), [[manifest.repo.id, join(dir, 'repo')]], 'the repository keeps its id');
  const now = Object.fromEntries(rows(newDb, 'SELECT * FROM tasks').map((t) => [t.id, t]));
  for (const old of expected.tasks) {
    const t = now[old.id];
    assert.ok(t, `task ${old.id} imported`);
    assert.equal(t.worktree_path, old.worktree_path, 'the recorded worktree stays where it is');
    assert.ok(t.worktree_path.startsWith(join(dir, 'data', 'worktrees')));
    assert.equal(t.setup_script, manifest.repo.setupScript, 'the script it ran is snapshotted');
    if (old.id === slow.id) continue; // resumed: compared below
    // Columns newer than the fixture get their defaults: not from an existing branch or pull request (migration 10);
    // no snapshot, not shelved, teardown not skipped, disk use not measured yet (migration 12; disk_bytes is a
    // background measurement); no pool entry leased (migration 13); a local worktree (migration 14).
    const lifecycle = { snapshot_commit: null, snapshot_excluded: null, shelved_at: null, skip_teardown: 0 };
    assert.deepEqual({ ...t, setup_script: null, disk_bytes: undefined }, { ...old, setup_script: null, last_summary: null, from_branch: null, from_pull_request: null, ...lifecycle, pool_entry_id: null, provider: 'local', disk_bytes: undefined }, `task ${old.title} as it was`);
  }
  const sessions = Object.fromEntries(rows(newDb, 'SELECT * FROM sessions').map((s) => [s.id, s]));
  // Columns newer than the fixture get their defaults: no request waiting (migration 5); the `ask`
  // policy, nothing cached, not stalled, queue not paused, no handoff (migration 6).
  const newer = { pending_permission: null, mode: 'ask', agent_config: null, stalled: 0, queue_paused: 0, handoff_from: null };
  for (const old of expected.sessions) if (old.task_id !== slow.id) assert.deepEqual(sessions[old.id], { ...old, ...newer }, `session ${old.id} as it was`);
  const transcript = rows(newDb, 'SELECT * FROM transcript ORDER BY session_id, seq');
  for (const e of expected.transcript) assert.ok(transcript.some((n) => JSON.stringify(n) === JSON.stringify(e)), `transcript event ${e.session_id}#${e.seq}`);
  for (const t of manifest.tasks) {
    const { history } = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
    const old = expected.history.filter((h) => h.task_id === t.id);
    assert.deepEqual(
      history.slice(0, old.length).map((h) => [h.at, h.kind, h.stage ?? null, h.durationMs ?? null, h.message ?? null]),
      old.map((h) => [h.at, h.kind, h.stage, h.duration_ms, h.message]),
      `${t.title}: its history, in order`,
    );
    assert.equal(history[old.length].kind, 'imported');
    assert.match(history[old.length].message, new RegExp(`from ${oldDb} \\(schema 2\\)`));
  }
  // Jobs: every one is there, under a new id (the two import jobs came first). Changes refreshes
  // the new sidecar queues on its own (they leave no row once done) are not imported rows.
  const importedUntil = Math.max(...expected.jobs.map((j) => j.created_at));
  const jobs = rows(newDb, "SELECT * FROM jobs WHERE kind != 'import' AND NOT (kind = 'changes' AND created_at > ?) ORDER BY id", importedUntil);
  const comparable = ({ id, ...j }) => (j.task_id === slow.id ? { kind: j.kind, subject: j.subject, created_at: j.created_at } : j); // the resumed one ran on
  assert.deepEqual(jobs.map(comparable), expected.jobs.map(comparable));
  assert.ok(Math.min(...jobs.map((j) => j.id)) > 2, 'job ids are new');
  assert.deepEqual(readdirSync(join(dir, 'new', 'worktrees')), [], 'no worktree was made in the new data folder');
});

test('a file another process is writing to is skipped: its WAL checkpoint is busy', async () => {
  const busy = copyFixture(join(dir, 'busy'));
  const writer = new Database(busy);
  writer.exec('BEGIN IMMEDIATE');
  try {
    await sc.request(Requests.ImportDatabases.method, { databases: [busy] });
    await sc.waitForLog(new RegExp(`import of ${busy}: skipped: another process still uses it`));
  } finally {
    writer.exec('ROLLBACK');
    writer.close();
  }
  assert.ok(existsSync(busy), 'not renamed');
});

test('the old file is renamed and kept; setup logs and demo agent state came along', async () => {
  const left = readdirSync(join(dir, 'data'));
  assert.ok(!left.includes('foundry.db'));
  assert.equal(left.filter((n) => /^foundry\.db\.imported-[\dT-]+Z$/.test(n)).length, 1, left.join(' '));
  const { setupOutput } = await sc.request(Requests.GetTaskLog.method, { taskId: broken.id });
  assert.match(setupOutput, /setting up foundry\/broken-setup\nnpm ERR! the tool this task needs is missing/);
  for (const name of readdirSync(join(fixture, 'agents', 'demo'))) {
    assert.equal(readFileSync(join(dir, 'new', 'agents', 'demo', name), 'utf8'), readFileSync(join(fixture, 'agents', 'demo', name), 'utf8'));
  }
});

test('the interrupted provision job resumes in the new sidecar, on the recorded worktree', async () => {
  const t = sc.task(slow.id);
  assert.equal(t.status, 'idle');
  assert.equal(t.worktreePath, here(slow.worktreePath));
  const { history, setupOutput } = await sc.request(Requests.GetTaskLog.method, { taskId: slow.id });
  assert.deepEqual(history.filter((h) => h.kind === 'resumed').map((h) => h.stage), ['init_create_sandbox']);
  assert.match(setupOutput, /slow setup started\n--- setup script started .*\nsetting up foundry\/slow-setup\nslow setup started\nsetup done/, 'the copied log, then the resumed run');
  assert.equal(git(t.worktreePath, 'branch', '--show-current').trim(), slow.branch);
  assert.equal(readFileSync(ownerMarker(t.worktreePath), 'utf8').trim(), slow.id);
});

test('the idle session resumes its conversation from the imported demo agent state (session/load)', async () => {
  const session = sc.task(hello.id).sessions[0];
  const before = (await sc.transcript(session.id)).length;
  await sc.turn(hello.id, session.id, 'Still there after the import?');
  const events = (await sc.transcript(session.id)).slice(before);
  assert.match(agentText(events), /Still there after the import\?/);
  assert.ok(!events.some((e) => e.sender === 'foundry' && e.payload.kind === 'session_replaced'), 'the agent loaded the old session');
  assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'agent_restarted'), 'conversation resumed');
  assert.ok(events.every((e, i) => e.seq === before + 1 + i), 'seq goes on from the imported events');
});

test('ownership markers: backfilled where git vouches for the worktree; otherwise left, and archive refuses naming why', async () => {
  assert.equal(readFileSync(ownerMarker(here(hello.worktreePath)), 'utf8').trim(), hello.id);
  assert.equal(existsSync(ownerMarker(here(broken.worktreePath))), false);
  assert.match(sc.stderr, new RegExp(`worktree ${here(broken.worktreePath)} of task ${broken.id} has no ownership marker and gets none \\(it is on branch 'elsewhere', not on the task's branch 'foundry/broken-setup'\\)`));
  await sc.request(Requests.ArchiveTask.method, { taskId: broken.id });
  const refused = await sc.waitFor(() => sc.task(broken.id).errorMessage?.startsWith('Archive failed') && sc.task(broken.id), 'archive refused');
  assert.match(refused.errorMessage, /carries no Foundry ownership marker/);
  assert.ok(existsSync(here(broken.worktreePath)), 'the worktree is left as it is');
});

test('importing again adds nothing: the same path, the renamed file, a fresh copy of the same database', async () => {
  await sc.settle();
  const tables = () => {
    const { jobs, meta, ...rest } = dumpTables(newDb);
    return rest;
  };
  const before = tables();
  const renamed = join(dir, 'data', readdirSync(join(dir, 'data')).find((n) => n.startsWith('foundry.db.imported-')));
  const copy = copyFixture(join(dir, 'copy'));
  const r = await sc.request(Requests.ImportDatabases.method, { databases: [oldDb, renamed, copy] });
  assert.deepEqual(r, { queued: 3 });
  await sc.waitForLog(new RegExp(`import of ${oldDb}: skipped: the file does not exist`));
  await sc.waitForLog(new RegExp(`import of ${renamed}: already imported \\(3 task\\(s\\), from ${oldDb}\\)`));
  await sc.waitForLog(new RegExp(`import of ${copy}: (already imported|imported 0 task\\(s\\).*3 task\\(s\\) already here)`));
  await sc.settle();
  assert.deepEqual(tables(), before, 'no row added or changed');
  assert.ok(existsSync(renamed), 'the renamed file stays as it is');
  assert.equal(queryDb(newDb, "SELECT count(*) n FROM jobs WHERE kind = 'import' AND status != 'done'")[0].n, 0);
});

test('a file that is no Foundry database is skipped naming why', async () => {
  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'not a database '.repeat(500));
  const plain = join(dir, 'plain.db');
  new Database(plain).exec('CREATE TABLE t (x)').close();
  await sc.request(Requests.ImportDatabases.method, { databases: [junk, plain] });
  await sc.waitForLog(new RegExp(`import of ${junk}: skipped: it could not be read \\(file is not a database\\)`));
  await sc.waitForLog(new RegExp(`import of ${plain}: skipped: it is not a Foundry database`));
  assert.ok(existsSync(junk) && existsSync(plain));
});

test('importDatabases refuses what is no list of absolute paths, naming the field', async () => {
  for (const [params, re] of [
    [{ databases: [] }, /databases: databases must name at least one file/],
    [{ databases: ['relative/foundry.db'] }, /databases\.0: database must be an absolute path/],
    [{}, /databases: /],
  ]) {
    const e = await sc.request(Requests.ImportDatabases.method, params).then(() => null, (x) => x);
    assert.equal(e?.code, -32602, JSON.stringify(params));
    assert.match(e.message, re);
  }
});
