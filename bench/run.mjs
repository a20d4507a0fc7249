// Foundry sidecar benchmark: `npm run bench`. Everything is measured side by side in one run
// against the real sidecar process over its real JSON-RPC interface; ratios compare requests
// against a `foundry/ping` round trip sampled interleaved with them. The `chat` section measures
// the chat tab's rendering in headless Chromium instead (bench/chatRender.mjs).
import { join } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { Requests } from '../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from '../test/server/harness.mjs';
import { table, timed, percentile, knob, log, latencyRow, latencyCols, pings, ping as timedPing, ms } from './stats.mjs';
import { holdSetupScripts, inSetup } from './load.mjs';
import { coldCreate } from './cold.mjs';
import { multiClient } from './clients.mjs';
import { chatRender } from './chatRender.mjs';
import { transcripts } from './transcript.mjs';
import { review } from './review.mjs';
import { pool } from './pool.mjs';
import { remote } from './remote.mjs';
import { lifecycle } from './lifecycle.mjs';
import { checkpoints } from './checkpoints.mjs';

const SAMPLES = knob('BENCH_SAMPLES', 200);
const BIG = knob('BENCH_BIG', 1000);
// BENCH_ONLY=cold,clients runs only those sections (latency, scaling, cold, clients, transcripts, chat, review, pool, checkpoints, lifecycle, remote).
const only = process.env.BENCH_ONLY?.split(',');
const sections = { latency: requestLatencyUnderLoad, cold: coldCreate, scaling: workbenchScaling, clients: multiClient, transcripts, chat: chatRender, review, pool, checkpoints, lifecycle, remote };

const dir = tempDir('foundry-bench-');
const repoPath = makeRepo(join(dir, 'repo'), { 'README.md': '# tiny\n', 'src/a.txt': 'a\n' });

try {
  for (const [name, run] of Object.entries(sections)) if (!only || only.includes(name)) await run({ dir, repoPath });
} finally {
  cleanup(dir);
}
log('done');

/** createTask / createWorkbenchSession vs ping while other tasks run their setup scripts. */
async function requestLatencyUnderLoad() {
  const sc = await startSidecar({ dataDir: join(dir, 'data-latency'), options: { jobConcurrency: 4, agentIdleStopMs: 2000, changesDebounceMs: 300 } });
  try {
    const plain = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const target = await sc.request(Requests.CreateTask.method, { repoId: plain.id, prompt: 'rename target' });
    const quiet = await sc.request(Requests.CreateTask.method, { repoId: plain.id, prompt: 'quiet task for the file-change delay' });
    for (const t of [target, quiet]) await sc.waitTask(t.id, 'idle');
    // Setup scripts that run git every 50 ms until the gate opens: real work, held in the stage.
    const { repo, tasks: background, release } = await holdSetupScripts(sc, { repoPath, gate: join(dir, 'gate'), tasks: 8, running: 4 });
    log(`latency: ${inSetup(sc)} tasks running setup scripts (git status every 50 ms; job concurrency 4), ${SAMPLES} samples each, interleaved`);
    // Warm up the paths.
    for (let i = 0; i < 20; i++) {
      await sc.request(Requests.Ping.method, {});
      await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `warm ${i}` });
      await sc.request(Requests.CreateWorkbenchSession.method, { taskId: background[i % 8].id });
    }
    const ping = [], create = [], session = [], setupCounts = [];
    for (let i = 0; i < SAMPLES; i++) {
      ping.push(await timedPing(sc));
      create.push((await timed(() => sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `measured task ${i}` })))[0]);
      ping.push(await timedPing(sc));
      // New tabs on tasks still provisioning: the tab returns at once in pending_provision.
      session.push((await timed(() => sc.request(Requests.CreateWorkbenchSession.method, { taskId: background[i % 8].id })))[0]);
      setupCounts.push(inSetup(sc));
    }
    const pingP50 = percentile(ping, 50);
    const rows = [latencyRow('foundry/ping', ping, pingP50), latencyRow('foundry/createTask', create, pingP50), latencyRow('foundry/createWorkbenchSession', session, pingP50)];
    console.log('\nRequest latency while other tasks run their setup scripts');
    console.log(table(rows, latencyCols()));
    console.log(`tasks in their setup step during sampling: min ${Math.min(...setupCounts)}, max ${Math.max(...setupCounts)}`);
    console.log(`goal: createTask and createWorkbenchSession p50 <= 3x ping p50, p99 < 50 ms\n`);

    // Delay from a state change to its notification.
    const notifyDelay = [], responseTime = [];
    for (let i = 0; i < 50; i++) {
      const title = `renamed ${i}`;
      const t0 = performance.now();
      const seen = sc.waitFor(() => sc.task(target.id)?.title === title && performance.now(), 'rename pushed');
      await sc.request(Requests.RenameTask.method, { taskId: target.id, title });
      responseTime.push(performance.now() - t0);
      notifyDelay.push((await seen) - t0);
    }
    const fsDelay = [];
    const worktree = sc.task(quiet.id).worktreePath;
    for (let i = 1; i <= 5; i++) {
      const before = sc.task(quiet.id).changes.files;
      const t0 = performance.now();
      const seen = sc.waitFor(() => sc.task(quiet.id).changes.files === before + 1 && performance.now(), 'changes pushed');
      writeFileSync(join(worktree, `bench-${i}.txt`), 'x\n');
      fsDelay.push((await seen) - t0);
    }
    console.log('Delay from a state change to its notification');
    console.log(
      table(
        [
          { change: 'renameTask: request sent -> response', p50: ms(percentile(responseTime, 50)), p99: ms(percentile(responseTime, 99)) },
          { change: 'renameTask: request sent -> workbenchUpdated', p50: ms(percentile(notifyDelay, 50)), p99: ms(percentile(notifyDelay, 99)) },
          { change: 'file written in worktree -> changes pushed (300 ms debounce)', p50: ms(percentile(fsDelay, 50), 1), p99: ms(percentile(fsDelay, 99), 1) },
        ],
        ['change', 'p50', 'p99'],
      ),
    );
    release();
  } finally {
    await sc.stop();
  }
}

async function getWorkbenchSamples(sc, n = 30) {
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const [t, wb] = await timed(() => sc.request(Requests.GetWorkbench.method, {}));
    samples.push(t);
    bytes = JSON.stringify(wb).length;
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), bytes };
}

/** getWorkbench at 10, 100 and BIG tasks; at 100, clean worktrees vs 100 changed files and 3 sessions each. */
async function workbenchScaling() {
  // Seeding 1,000 real tasks (worktree + agent process + first turn each) dominates the run:
  // the demo agent streams without pauses here, and agents stop 300 ms after their turn.
  const sc = await startSidecar({
    dataDir: join(dir, 'data-scale'),
    options: { jobConcurrency: 8, agentIdleStopMs: 300 },
    env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' },
  });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const ids = [];
    const seedTo = async (n) => {
      while (ids.length < n) ids.push((await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `seeded task ${ids.length}` })).id);
      await sc.settle(600_000);
      const failed = ids.filter((id) => sc.task(id)?.status === 'error');
      if (failed.length) throw new Error(`${failed.length} seeded task(s) failed: ${sc.task(failed[0]).errorMessage}`);
    };
    const rows = [];
    const measure = async (label) => {
      const pingP50 = percentile(await pings(sc, 30), 50);
      const r = await getWorkbenchSamples(sc);
      rows.push({ workbench: label, tasks: ids.length, p50: ms(r.p50), p99: ms(r.p99), 'payload': `${(r.bytes / 1024).toFixed(1)} KiB`, 'ping p50': ms(pingP50) });
      return r;
    };
    await seedTo(10);
    await measure('10 tasks, clean');
    log('seeding 100 tasks');
    await seedTo(100);
    const clean = await measure('100 tasks, clean worktrees, 1 session each');
    log('dirtying 100 worktrees (100 files each) and adding 2 sessions each');
    for (const id of ids.slice(0, 100)) {
      const wt = sc.task(id).worktreePath;
      mkdirSync(join(wt, 'gen'), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(wt, 'gen', `file-${f}.txt`), `line ${f}\n`);
      await sc.request(Requests.CreateWorkbenchSession.method, { taskId: id });
      await sc.request(Requests.CreateWorkbenchSession.method, { taskId: id });
    }
    await sc.waitFor(() => ids.slice(0, 100).every((id) => sc.task(id).changes.files === 100 && sc.task(id).sessions.every((s) => s.status === 'ready')), 'changes projected: 100 files each', 300_000);
    await sc.settle(300_000);
    const dirty = await measure('100 tasks, 100 changed files + 3 sessions each');
    console.log(`\nchanges reported for the dirty tasks: ${ids.slice(0, 100).map((id) => sc.task(id).changes.files).every((f) => f === 100) ? '100 files each' : 'MISMATCH'}`);
    log(`seeding ${BIG} tasks`);
    await seedTo(BIG);
    await measure(`${BIG} tasks`);
    console.log('\ngetWorkbench (read from projections; no git, no transcripts)');
    console.log(table(rows, ['workbench', 'tasks', 'p50', 'p99', 'payload', 'ping p50']));
    console.log(`100 tasks dirty vs clean: ${(dirty.p50 / clean.p50).toFixed(2)}x at p50 (goal: within 2x)`);
    console.log(`seeded ${ids.length} tasks through createTask, each provisioned for real (worktree, agent, first turn)`);
  } finally {
    await sc.stop();
  }
}
