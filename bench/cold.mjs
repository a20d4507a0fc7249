// Cold createTask: the first createTask calls of freshly started sidecars, with no warm-up,
// while four setup scripts run, against foundry/ping sampled interleaved with them.
import { join } from 'node:path';
import { Requests } from '../shared/protocol.ts';
import { startSidecar } from '../test/server/harness.mjs';
import { holdSetupScripts, inSetup } from './load.mjs';
import { knob, latencyCols, latencyRow, log, ms, percentile, ping, table, timed } from './stats.mjs';

const STARTS = knob('BENCH_COLD_STARTS', 10);
const PER_START = knob('BENCH_COLD_CREATES', 5);

export async function coldCreate({ dir, repoPath }) {
  log(`cold createTask: ${STARTS} fresh sidecars (--stdio, new data folder each), ${PER_START} creates each, no warm-up`);
  const pingTimes = [], create = [], background = [], startTimes = [], setupCounts = [];
  const byPosition = Array.from({ length: PER_START }, () => []);
  for (let s = 0; s < STARTS; s++) {
    const [startMs, sc] = await timed(() => startSidecar({ dataDir: join(dir, `data-cold-${s}`), options: { jobConcurrency: 4, agentIdleStopMs: 2000 } }));
    startTimes.push(startMs);
    let load;
    try {
      // The first four createTask calls of the process start the four setup scripts.
      load = await holdSetupScripts(sc, { repoPath, gate: join(dir, `gate-cold-${s}`), tasks: 4 });
      background.push(...load.createTimes);
      for (let i = 0; i < PER_START; i++) {
        pingTimes.push(await ping(sc));
        const [t] = await timed(() => sc.request(Requests.CreateTask.method, { repoId: load.repo.id, prompt: `cold task ${i}` }));
        create.push(t);
        byPosition[i].push(t);
        setupCounts.push(inSetup(sc));
      }
    } finally {
      load?.release();
      await sc.stop();
    }
  }
  const pingP50 = percentile(pingTimes, 50);
  console.log('\nCold createTask: fresh sidecars, no warm-up, four setup scripts running');
  console.log(
    table(
      [
        latencyRow('foundry/ping (interleaved)', pingTimes, pingP50),
        latencyRow(`foundry/createTask, calls 5-${4 + PER_START} of each start`, create, pingP50),
        latencyRow('foundry/createTask, calls 1-4 (start the scripts, no load yet)', background, pingP50),
      ],
      latencyCols(),
    ),
  );
  console.log(`measured createTask p50 by position in its start: ${byPosition.map((p, i) => `${i + 5}th ${ms(percentile(p, 50))}`).join(', ')}`);
  console.log(`sidecar start -> initialize answered: p50 ${ms(percentile(startTimes, 50), 1)}, max ${ms(Math.max(...startTimes), 1)} over ${STARTS} starts`);
  console.log(`tasks in their setup step during sampling: min ${Math.min(...setupCounts)}, max ${Math.max(...setupCounts)}`);
  console.log('aim: createTask p50 <= 3x ping p50 (report only)\n');
}
