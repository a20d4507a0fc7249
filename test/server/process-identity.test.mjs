// Recorded process groups carry their leader's identity (boot id, start time). After a restart
// only a group whose leader is provably the recorded process is ended; a row naming a reused
// pid (another boot, another start time, no identity) is forgotten and its process left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';
import { waitForFile, queryDb } from './files.mjs';

const linux = process.platform === 'linux';
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
const startTime = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];

/** A `sleep 300` leading its own process group, unrelated to any sidecar. */
function unrelatedGroup() {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid, exited };
}

test('after a restart only a group whose leader identity matches is ended; reused pids are left alone', { skip: !linux && 'reads /proc' }, async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const first = await startSidecar({ dataDir });
  await first.stop(); // the database now exists, with its migrations

  const otherBoot = unrelatedGroup();
  const otherStart = unrelatedGroup();
  const noIdentity = unrelatedGroup();
  const ours = unrelatedGroup();
  const groups = [otherBoot, otherStart, noIdentity, ours];
  try {
    const db = new Database(join(dataDir, 'foundry.db'));
    const insert = db.prepare('INSERT INTO processes (pgid, owner, kind, boot_id, start_time) VALUES (?, ?, ?, ?, ?)');
    insert.run(otherBoot.pid, 'task_stale', 'script', '00000000-0000-4000-8000-000000000000', startTime(otherBoot.pid));
    insert.run(otherStart.pid, 'task_stale', 'script', bootId(), String(Number(startTime(otherStart.pid)) - 1));
    insert.run(noIdentity.pid, 'task_stale', 'agent', null, null); // a row written before identities were recorded
    insert.run(ours.pid, 'task_stale', 'script', bootId(), startTime(ours.pid));
    db.close();

    const sc = await startSidecar({ dataDir });
    try {
      await sc.waitForLog(/ended 1 process group\(s\) left by an earlier sidecar/);
      await sc.waitForLog(/forgot 3 process group record\(s\)/);
      assert.deepEqual(await ours.exited, { code: null, signal: 'SIGTERM' }, 'the matching group was asked to end first');
      for (const g of [otherBoot, otherStart, noIdentity]) {
        assert.equal(g.child.exitCode, null, `pid ${g.pid} still runs`);
        assert.equal(g.child.signalCode, null, `pid ${g.pid} got no signal`);
        process.kill(g.pid, 0);
      }
      assert.deepEqual(queryDb(join(dataDir, 'foundry.db'), 'SELECT pgid FROM processes'), [], 'every stale row is gone');
    } finally {
      await sc.stop();
    }
  } finally {
    for (const g of groups) if (g.child.exitCode === null && g.child.signalCode === null) process.kill(-g.pid, 'SIGKILL');
    await Promise.all(groups.map((g) => g.exited));
    cleanup(dir);
  }
});

test('a spawned setup script is recorded with its leader boot id and start time, and forgotten when it exits', { skip: !linux && 'reads /proc' }, async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const marks = join(dir, 'marks');
  mkdirSync(marks);
  const gate = join(dir, 'gate');
  const sc = await startSidecar({ dataDir: join(dir, 'data') });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: `echo $$ > ${marks}/pid; touch ${marks}/started; while [ ! -f ${gate} ]; do sleep 0.02; done` });
    const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'recorded' });
    await waitForFile(join(marks, 'started')); // written after the pid file is complete
    const pid = Number(readFileSync(join(marks, 'pid'), 'utf8'));
    // The worker reported the spawn before it answers any later call, and the main thread
    // handles its messages in order: once an AddRepo of a new path (repoInfo on the worker)
    // has answered, the row is committed.
    await sc.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'other')) });
    const rows = queryDb(join(sc.dataDir, 'foundry.db'), 'SELECT * FROM processes WHERE owner = ?', task.id);
    assert.deepEqual(rows, [{ pgid: pid, owner: task.id, kind: 'script', boot_id: bootId(), start_time: startTime(pid) }]);
    writeFileSync(gate, '');
    await sc.waitTask(task.id, 'idle');
    assert.deepEqual(queryDb(join(sc.dataDir, 'foundry.db'), 'SELECT * FROM processes WHERE owner = ?', task.id), [], 'forgotten once it exited');
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});
