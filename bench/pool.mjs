// The instant sandbox pool: createTask -> usable sandbox (the worktree checked out on the task's
// branch with its setup script finished) and createTask -> idle (first turn done), with a pool
// (a ready entry waiting) and without (a fresh worktree and the setup script in the create's
// path), the same setup script, side by side, interleaved. The setup script sleeps to stand for
// an install (BENCH_POOL_SETUP_MS, default 500).
import { join } from 'node:path';
import { Requests } from '../shared/protocol.ts';
import { makeRepo, startSidecar } from '../test/server/harness.mjs';
import { knob, log, ms, percentile, table } from './stats.mjs';

const SAMPLES = knob('BENCH_POOL_SAMPLES', 20);
const SETUP_MS = knob('BENCH_POOL_SETUP_MS', 500);
const PAST_SANDBOX = ['init_ensure_agent', 'init_create_session', 'running', 'idle'];

export async function pool({ dir }) {
  const script = `sleep ${SETUP_MS / 1000}; echo installed`;
  log(`pool: ${SAMPLES} creates with a pool of 2 and ${SAMPLES} without, interleaved; setup script sleeps ${SETUP_MS} ms`);
  const sides = {};
  for (const [name, poolSize] of [['with pool (size 2)', 2], ['without pool', 0]]) {
    const repoPath = makeRepo(join(dir, `repo-pool-${poolSize}`), { 'README.md': '# pool\n', 'src/a.txt': 'a\n' });
    const sc = await startSidecar({ dataDir: join(dir, `data-pool-${poolSize}`), options: { poolSize, jobConcurrency: 4, agentIdleStopMs: 300 }, env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' } });
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: script });
    sides[name] = { sc, repo, poolSize, sandbox: [], idle: [], pooled: 0 };
  }
  try {
    for (let i = 0; i < SAMPLES; i++) {
      for (const side of Object.values(sides)) {
        const { sc, repo, poolSize } = side;
        // A ready pool (refilled after the last lease) and nothing else running.
        if (poolSize) await sc.waitFor(() => sc.state.repos.get(repo.id)?.pool?.ready === poolSize, 'a full pool', 120_000);
        await sc.settle(120_000);
        const t0 = performance.now();
        const { id } = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `pool bench ${i}` });
        const sandboxAt = await sc.waitFor(() => {
          const t = sc.task(id);
          return t?.worktreePath && PAST_SANDBOX.includes(t.status) && performance.now();
        }, 'a usable sandbox', 120_000);
        const idleAt = await sc.waitFor(() => sc.task(id)?.status === 'idle' && performance.now(), 'idle', 120_000);
        side.sandbox.push(sandboxAt - t0);
        side.idle.push(idleAt - t0);
        if (/\/pool_/.test(sc.task(id).worktreePath)) side.pooled++;
      }
    }
  } finally {
    for (const side of Object.values(sides)) await side.sc.stop();
  }
  const rows = Object.entries(sides).map(([name, s]) => ({
    create: name,
    n: s.sandbox.length,
    'from the pool': s.pooled,
    'sandbox p50': ms(percentile(s.sandbox, 50), 1),
    'sandbox p99': ms(percentile(s.sandbox, 99), 1),
    'idle p50': ms(percentile(s.idle, 50), 1),
    'idle p99': ms(percentile(s.idle, 99), 1),
  }));
  console.log(`\nInstant sandboxes: createTask -> usable sandbox (worktree on its branch, setup finished) and -> idle; setup script sleeps ${SETUP_MS} ms`);
  console.log(table(rows, ['create', 'n', 'from the pool', 'sandbox p50', 'sandbox p99', 'idle p50', 'idle p99']));
  const [withPool, without] = Object.values(sides);
  console.log(`pool speed-up to a usable sandbox at p50: ${(percentile(without.sandbox, 50) / percentile(withPool.sandbox, 50)).toFixed(1)}x; goal: with the pool under 100 ms at p50\n`);
}
