// Checkpoints per turn (issue 9) with the real sidecar and the real demo agent: a turn that changes
// the worktree leaves a checkpoint, one that changes nothing does not; Restore to here and Undo
// Last Turn bring the worktree back byte-exact after a before_restore checkpoint of the present;
// refused while a turn runs; bad input names the field; a restore cut by a sidecar kill resumes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests, ErrorCodes, DEFAULT_REGENERABLE_FOLDERS } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { waitForFile } from './files.mjs';
import { worktreeState } from './worktreeState.mjs';

let dir, sc, repo;
const skip = [...DEFAULT_REGENERABLE_FOLDERS];
before(async () => {
  dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'), { 'README.md': '# checkpoints\n', '.gitignore': '.env\nnode_modules/\n', 'src/app.txt': 'app v1\n' });
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

/** A provisioned task whose first session writes files without asking. */
async function task(prompt = 'ready') {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt });
  const idle = await sc.waitTask(t.id, 'idle');
  const session = idle.sessions[0];
  // The first turn's checkpoint attempt is over (a hand edit now cannot land in it).
  await pushed(t.id, (p) => p.turnChecked, 'the first turn checked');
  await sc.request(Requests.SetSessionMode.method, { sessionId: session.id, mode: 'accept_edits' });
  return { t: idle, session, wt: idle.worktreePath };
}
const list = (taskId) => sc.request(Requests.ListCheckpoints.method, { taskId });
/** The pushed checkpoints of a task once `pred` holds for them. */
const pushed = (taskId, pred, what) => sc.waitFor(() => { const p = sc.state.checkpoints?.get(taskId); return p && pred(p) && p; }, what);
const write = (path, body) => `write ${path}\n${body}\nend`;
const refusedWith = (p, code, re) =>
  p.then(
    () => assert.fail('accepted'),
    (e) => {
      assert.equal(e.code, code, e.message);
      assert.match(e.message, re);
    },
  );

test('turns that change files make checkpoints; a turn that changes nothing makes none', async () => {
  const { t, session, wt } = await task();
  // Provisioned: the start checkpoint; the first prompt ("ready") wrote nothing, so no other.
  await pushed(t.id, (p) => p.checkpoints.length >= 1, 'the start checkpoint');
  let l = await list(t.id);
  assert.deepEqual(l.checkpoints.map((c) => c.kind), ['start']);
  const turn1 = await sc.turn(t.id, session.id, write('src/new.txt', 'from turn 1'));
  await pushed(t.id, (p) => p.checkpoints.length === 2, 'the turn checkpoint');
  l = await list(t.id);
  const [start, cp1] = l.checkpoints;
  assert.equal(cp1.kind, 'turn');
  assert.equal(cp1.turnId, turn1.turnId);
  assert.equal(cp1.sessionId, session.id);
  assert.equal(cp1.ref, `refs/foundry/checkpoints/${t.id}/2`);
  assert.equal(git(wt, 'show', `${cp1.commit}:src/new.txt`), 'from turn 1\n');
  assert.equal(git(wt, 'rev-parse', cp1.ref).trim(), cp1.commit);
  // Turn 1 began from the start checkpoint.
  assert.equal(l.turns.find((x) => x.turnId === turn1.turnId).checkpointId, start.id);
  // An ignored .env and node_modules: the .env is in the next checkpoint, node_modules is listed as left out.
  writeFile(wt, '.env', 'KEY=1\n');
  writeFile(wt, 'node_modules/x/index.js', '1\n');
  const turn2 = await sc.turn(t.id, session.id, 'just talking');
  const p = await pushed(t.id, (p) => p.checkpoints.length === 3, 'a checkpoint of the user edits');
  const cp2 = p.checkpoints[2];
  assert.equal(git(wt, 'show', `${cp2.commit}:.env`), 'KEY=1\n');
  assert.deepEqual(cp2.excluded, ['node_modules']);
  assert.equal(p.turns.find((x) => x.turnId === turn2.turnId).checkpointId, cp1.id);
  // Nothing changed in turn 3: skipped, and the push says so.
  const turn3 = await sc.turn(t.id, session.id, 'still just talking');
  await pushed(t.id, (p) => p.turnChecked?.turnId === turn3.turnId && p.turnChecked.unchanged, 'turn 3 checked unchanged');
  const turn4 = await sc.turn(t.id, session.id, write('src/four.txt', 'turn 4'));
  const l4 = await pushed(t.id, (p) => p.checkpoints.length >= 4, 'turn 4 checkpoint');
  assert.deepEqual(l4.checkpoints.map((c) => c.turnId ?? c.kind), ['start', turn1.turnId, turn2.turnId, turn4.turnId], 'no checkpoint for the unchanged turn 3');
  assert.equal(l4.turns.find((x) => x.turnId === turn3.turnId).checkpointId, cp2.id);
  assert.equal(l4.turns.find((x) => x.turnId === turn4.turnId).checkpointId, cp2.id, 'turn 4 began where turn 3 left it');
});

test('Undo Last Turn restores byte-exact after a before_restore checkpoint, and that restore can be undone', async () => {
  const { t, session, wt } = await task();
  await sc.turn(t.id, session.id, write('src/app.txt', 'app v2 by turn 1'));
  await pushed(t.id, (p) => p.checkpoints.length === 2, 'turn 1 checkpoint');
  await sc.settle();
  const afterTurn1 = worktreeState(wt, { skip });
  await sc.turn(t.id, session.id, [write('src/app.txt', 'app v3 by turn 2'), write('src/more.txt', 'added by turn 2')].join('\n'));
  await pushed(t.id, (p) => p.checkpoints.length === 3, 'turn 2 checkpoint');
  await sc.settle();
  // The user also edited by hand after the turn: that is kept by the before_restore checkpoint.
  writeFileSync(join(wt, 'README.md'), 'hand edit\n');
  const present = worktreeState(wt, { skip });

  const r = await sc.request(Requests.UndoLastTurn.method, { sessionId: session.id });
  assert.equal(r.status, 'queued');
  const done = await pushed(t.id, (p) => p.restore?.id === r.restoreId && ['done', 'failed'].includes(p.restore.status), 'the restore');
  assert.equal(done.restore.status, 'done', done.restore.error);
  assert.deepEqual(worktreeState(wt, { skip }), afterTurn1, 'the worktree as turn 2 found it');
  assert.equal(done.restore.written, 2); // src/app.txt, README.md
  assert.equal(done.restore.removed, 1); // src/more.txt
  const before = done.checkpoints.find((c) => c.id === done.restore.beforeCheckpointId);
  assert.equal(before.kind, 'before_restore');
  assert.equal(git(wt, 'show', `${before.commit}:README.md`), 'hand edit\n');

  // The restore itself can be undone: restore the before_restore checkpoint.
  const back = await sc.request(Requests.RestoreCheckpoint.method, { taskId: t.id, checkpointId: before.id });
  const again = await pushed(t.id, (p) => p.restore?.id === back.restoreId && p.restore.status === 'done', 'the second restore');
  assert.deepEqual(worktreeState(wt, { skip }), present);
  // That restore kept its own present (the state after the undo) first.
  const before2 = again.checkpoints.find((c) => c.id === again.restore.beforeCheckpointId);
  assert.equal(before2.kind, 'before_restore');
  assert.notEqual(before2.id, before.id);
  assert.equal(git(wt, 'show', `${before2.commit}:src/app.txt`), 'app v2 by turn 1\n');
  // The session takes messages again.
  await sc.turn(t.id, session.id, 'after the restores');
});

test('a restore is refused while a turn runs, and bad input names the field', async () => {
  const { t, session } = await task();
  const [start] = (await list(t.id)).checkpoints;
  await sc.request(Requests.SubscribeSession.method, { sessionId: session.id });
  await sc.request(Requests.SendMessage.method, { sessionId: session.id, text: 'hang' });
  await sc.waitSession(t.id, session.id, 'running');
  await refusedWith(sc.request(Requests.RestoreCheckpoint.method, { taskId: t.id, checkpointId: start.id }), ErrorCodes.InvalidState, /running/);
  await refusedWith(sc.request(Requests.UndoLastTurn.method, { sessionId: session.id }), ErrorCodes.InvalidState, /running/);
  await sc.request(Requests.CancelTurn.method, { sessionId: session.id });
  await sc.waitSession(t.id, session.id, 'ready');
  await refusedWith(sc.request(Requests.RestoreCheckpoint.method, { taskId: t.id }), ErrorCodes.InvalidParams, /checkpointId/);
  await refusedWith(sc.request(Requests.RestoreCheckpoint.method, { taskId: 7, checkpointId: start.id }), ErrorCodes.InvalidParams, /taskId/);
  await refusedWith(sc.request(Requests.RestoreCheckpoint.method, { taskId: t.id, checkpointId: 'cp_nope' }), ErrorCodes.NotFound, /cp_nope/);
  await refusedWith(sc.request(Requests.ListCheckpoints.method, {}), ErrorCodes.InvalidParams, /taskId/);
  await refusedWith(sc.request(Requests.UndoLastTurn.method, { sessionId: '' }), ErrorCodes.InvalidParams, /sessionId/);
  await refusedWith(sc.request(Requests.AddRepo.method, { path: repo.path, regenerableFolders: ['a/b'] }), ErrorCodes.InvalidParams, /regenerableFolders/);
  const other = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: t.id });
  await sc.waitSession(t.id, other.id, 'ready');
  await refusedWith(sc.request(Requests.UndoLastTurn.method, { sessionId: other.id }), ErrorCodes.InvalidState, /no_checkpoint/);
});

test('a repository setting replaces the regenerable folders', async () => {
  const r = await sc.request(Requests.AddRepo.method, { path: repo.path, regenerableFolders: ['vendor'] });
  assert.deepEqual(r.regenerableFolders, ['vendor']);
  try {
    const { t, session, wt } = await task();
    // Written by the agent: a hand edit now could race the first turn's checkpoint, still being written.
    await sc.turn(t.id, session.id, [write('vendor/lib.js', 'x'), write('node_modules/y/index.js', 'now kept')].join('\n'));
    const p = await pushed(t.id, (p) => p.checkpoints.length === 2, 'a checkpoint');
    assert.deepEqual(p.checkpoints[1].excluded, ['vendor']);
    assert.equal(git(wt, 'show', `${p.checkpoints[1].commit}:node_modules/y/index.js`), 'now kept\n');
  } finally {
    await sc.request(Requests.AddRepo.method, { path: repo.path, regenerableFolders: skip });
  }
});

test('a sidecar killed in the middle of a restore resumes it after the restart', async () => {
  const sub = tempDir();
  const repoPath = makeRepo(join(sub, 'repo'), { 'a.txt': 'a\n' });
  const dataDir = join(sub, 'data');
  const gate = join(sub, 'gate');
  let s2 = await startSidecar({ dataDir, env: { FOUNDRY_TEST_RESTORE_GATE: gate } });
  try {
    const r = await s2.request(Requests.AddRepo.method, { path: repoPath });
    const t = await s2.request(Requests.CreateTask.method, { repoId: r.id, prompt: 'ready' });
    const idle = await s2.waitTask(t.id, 'idle');
    const wt = idle.worktreePath;
    const startState = worktreeState(wt);
    const [start] = (await s2.request(Requests.ListCheckpoints.method, { taskId: t.id })).checkpoints;
    await s2.request(Requests.SetSessionMode.method, { sessionId: idle.sessions[0].id, mode: 'accept_edits' });
    await s2.turn(t.id, idle.sessions[0].id, [write('a.txt', 'changed'), write('b.txt', 'new')].join('\n'));
    await s2.waitFor(() => s2.state.checkpoints?.get(t.id)?.checkpoints.length === 2, 'the turn checkpoint');
    writeFile(wt, 'c.txt', 'by hand, after the turn\n');
    const q = await s2.request(Requests.RestoreCheckpoint.method, { taskId: t.id, checkpointId: start.id });
    await waitForFile(`${gate}.reached`);
    await s2.kill9();
    assert.equal(readFileSync(join(wt, 'a.txt'), 'utf8'), 'changed\n', 'killed before the restore step');

    writeFileSync(gate, '');
    s2 = await startSidecar({ dataDir });
    // Done before this client was ready (listed), or pushed later.
    let done = await s2.request(Requests.ListCheckpoints.method, { taskId: t.id });
    if (done.restore?.status !== 'done') {
      done = await s2.waitFor(() => {
        const p = s2.state.checkpoints?.get(t.id);
        return p?.restore?.id === q.restoreId && p.restore.status === 'done' && p;
      }, 'the resumed restore');
    }
    assert.equal(done.restore.id, q.restoreId);
    assert.deepEqual(worktreeState(wt), startState);
    assert.deepEqual([done.restore.written, done.restore.removed], [1, 2]);
    assert.ok(existsSync(join(wt, 'a.txt')));
    assert.equal(done.checkpoints.filter((c) => c.kind === 'before_restore').length, 1, 'one before_restore checkpoint, not one per attempt');
  } finally {
    await s2.stop();
    cleanup(sub);
  }
});
