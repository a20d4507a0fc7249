// Checkpoints (`BENCH_ONLY=checkpoints`), side by side in one run:
// - the snapshot effect through the real effects worker (dist/effects-worker.js) on a worktree of
//   1,000 files: a snapshot after one file changed, the unchanged check (nothing written), and a
//   restore of 300 differing files;
// - the time to first chunk of a send to an idle session with checkpoints on and off (two sidecars,
//   interleaved), each turn writing a file so that every turn's checkpoint is real work.
import { Worker } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REGENERABLE_FOLDERS, Requests } from '../shared/protocol.ts';
import { startSidecar, makeRepo, root, git } from '../test/server/harness.mjs';
import { knob, log, ms, percentile, table } from './stats.mjs';

const FILES = knob('BENCH_CHECKPOINT_FILES', 1000);
const SAMPLES = knob('BENCH_CHECKPOINT_SAMPLES', 20);
const RESTORED = knob('BENCH_CHECKPOINT_RESTORED', 300);
const FIRST = knob('BENCH_CHECKPOINT_FIRST', 40);

function worker() {
  const w = new Worker(join(root, 'dist', 'effects-worker.js'));
  let next = 1;
  const pending = new Map();
  w.on('message', (m) => {
    if (m.type === 'event') return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result);
    else p.reject(new Error(m.message));
  });
  return {
    call: (method, params) => new Promise((resolve, reject) => { const id = next++; pending.set(id, { resolve, reject }); w.postMessage({ type: 'call', id, method, params }); }),
    stop: () => w.terminate(),
  };
}

const row = (name, samples, extra = {}) => ({ measure: name, n: samples.length, p50: ms(percentile(samples, 50), 1), p99: ms(percentile(samples, 99), 1), ...extra });

export async function checkpoints({ dir }) {
  const files = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`src/d${i % 20}/f${i}.txt`, `file ${i}\n${'x'.repeat(200)}\n`]));
  const repoPath = makeRepo(join(dir, 'checkpoint-repo'), { ...files, '.gitignore': 'node_modules/\n.env\n' });
  const wt = join(dir, 'checkpoint-wt');
  git(repoPath, 'worktree', 'add', '-q', '-b', 'bench', wt);
  writeFileSync(join(wt, '.env'), 'K=v\n');
  const w = worker();
  const regenerable = DEFAULT_REGENERABLE_FOLDERS;
  try {
    log(`checkpoints: snapshot effect on a worktree of ${FILES} files, ${SAMPLES} samples`);
    let previous;
    const first = performance.now();
    previous = (await w.call('takeSnapshot', { worktreePath: wt, ref: 'refs/foundry/bench/0', regenerable, message: 'bench' })).commit;
    const firstMs = performance.now() - first;
    const changed = [], unchanged = [];
    for (let i = 1; i <= SAMPLES; i++) {
      writeFileSync(join(wt, 'src/d0/f0.txt'), `changed ${i}\n`);
      let t0 = performance.now();
      const r = await w.call('takeSnapshot', { worktreePath: wt, ref: `refs/foundry/bench/${i}`, regenerable, message: 'bench', previous });
      changed.push(performance.now() - t0);
      if (r.unchanged) throw new Error('a changed worktree was reported unchanged');
      previous = r.commit;
      t0 = performance.now();
      const u = await w.call('takeSnapshot', { worktreePath: wt, ref: `refs/foundry/bench/u${i}`, regenerable, message: 'bench', previous });
      unchanged.push(performance.now() - t0);
      if (!u.unchanged) throw new Error('an unchanged worktree was reported changed');
    }
    const restores = [];
    for (let i = 0; i < Math.max(3, SAMPLES / 4); i++) {
      for (let f = 0; f < RESTORED; f++) writeFileSync(join(wt, `src/d${f % 20}/f${f}.txt`), `scribbled ${i}\n`);
      const t0 = performance.now();
      const r = await w.call('restoreSnapshot', { worktreePath: wt, commit: previous, regenerable });
      restores.push(performance.now() - t0);
      if (r.written !== RESTORED) throw new Error(`restore wrote ${r.written}, not ${RESTORED}`);
    }
    console.log(`\nSnapshot effect on a worktree of ${FILES} files (effects worker, temporary index)`);
    console.log(
      table(
        [
          { measure: 'first snapshot (no stat cache yet)', n: 1, p50: ms(firstMs, 1), p99: ms(firstMs, 1) },
          row('snapshot after 1 file changed', changed),
          row('unchanged check (nothing written)', unchanged),
          row(`restore of ${RESTORED} differing files`, restores),
        ],
        ['measure', 'n', 'p50', 'p99'],
      ),
    );
  } finally {
    await w.stop();
  }

  log(`checkpoints: time to first chunk of an idle send, checkpoints on vs off, ${FIRST} interleaved samples`);
  const env = { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' };
  const on = await startSidecar({ dataDir: join(dir, 'data-cp-on'), options: { checkpointsEnabled: true }, env });
  const off = await startSidecar({ dataDir: join(dir, 'data-cp-off'), options: { checkpointsEnabled: false }, env });
  try {
    const sessions = [];
    for (const sc of [on, off]) {
      const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
      const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready' });
      const idle = await sc.waitTask(t.id, 'idle', 120_000);
      const sessionId = idle.sessions[0].id;
      await sc.request(Requests.SetSessionMode.method, { sessionId, mode: 'accept_edits' });
      await sc.request(Requests.SubscribeSession.method, { sessionId });
      sessions.push({ sc, taskId: t.id, sessionId });
    }
    const firstChunk = async ({ sc, taskId, sessionId }, i) => {
      const seen = sc.pushed(sessionId).length;
      const t0 = performance.now();
      const chunk = sc.waitFor(() => sc.pushed(sessionId).slice(seen).some((e) => e.sender === 'agent' && e.payload?.params?.update?.sessionUpdate === 'agent_message_chunk') && performance.now(), 'first chunk');
      await sc.request(Requests.SendMessage.method, { sessionId, text: `Writing sample ${i}.\nwrite src/d${i % 20}/f${i}.txt\nsample ${i}\nend` });
      const at = await chunk;
      await sc.waitSession(taskId, sessionId, 'ready');
      return at - t0;
    };
    const a = [], b = [];
    for (let i = 0; i < 3; i++) for (const s of sessions) await firstChunk(s, i);
    for (let i = 3; i < FIRST + 3; i++) {
      a.push(await firstChunk(sessions[0], i));
      b.push(await firstChunk(sessions[1], i));
    }
    const made = (await on.request(Requests.ListCheckpoints.method, { taskId: sessions[0].taskId })).checkpoints.length;
    console.log(`\nTime to first chunk of a send to an idle session (demo agent, each turn writes a file; ${FILES}-file worktree)`);
    console.log(
      table(
        [row('checkpoints on', a, { 'checkpoints made': made }), row('checkpoints off', b, { 'checkpoints made': 0 })],
        ['measure', 'n', 'p50', 'p99', 'checkpoints made'],
      ),
    );
    console.log(`checkpoints add ${ms(percentile(a, 50) - percentile(b, 50), 2)} at p50 (goal: none - the send never waits for the last turn's checkpoint)\n`);
  } finally {
    await on.stop();
    await off.stop();
  }
}
