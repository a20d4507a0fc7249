// Remote sandboxes: createTask and createWorkbenchSession latency on a Daytona repository against
// a local one and a ping, sampled interleaved in one sidecar, while the Daytona tasks provision in
// the background (the real SDK against the loopback Daytona, the real sandbox-agent inside); then
// each Daytona stage's duration from the task logs.
import { join } from 'node:path';
import { Requests } from '../shared/protocol.ts';
import { makeRepo, startSidecar } from '../test/server/harness.mjs';
import { startFakeDaytona } from '../test/fixtures/fakeDaytona.mjs';
import { knob, latencyCols, latencyRow, log, ms, percentile, ping, table, timed } from './stats.mjs';

const SAMPLES = knob('BENCH_REMOTE_SAMPLES', 8);

export async function remote({ dir }) {
  log(`remote: ${SAMPLES} createTask calls on a Daytona repository and ${SAMPLES} on a local one, interleaved with pings`);
  const fake = await startFakeDaytona({ root: join(dir, 'daytona') });
  const sc = await startSidecar({ dataDir: join(dir, 'data-remote'), options: { jobConcurrency: 4, daytona: { apiUrl: fake.apiUrl, target: fake.target } }, env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' } });
  const samples = { ping: [], local: [], daytona: [], tab: [] };
  const tasks = [];
  try {
    await sc.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: fake.apiKey });
    const local = await sc.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'repo-local')) });
    const daytona = await sc.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'repo-daytona')), provider: 'daytona' });
    for (let i = 0; i < SAMPLES; i++) {
      samples.ping.push(await ping(sc));
      const [l] = await timed(() => sc.request(Requests.CreateTask.method, { repoId: local.id, prompt: `local ${i}` }));
      samples.local.push(l);
      const [d, dt] = await timed(() => sc.request(Requests.CreateTask.method, { repoId: daytona.id, prompt: `remote ${i}` }));
      samples.daytona.push(d);
      tasks.push(dt.id);
    }
    for (const id of tasks) await sc.waitTask(id, ['idle', 'error'], 180_000);
    for (const id of tasks) {
      const [t] = await timed(() => sc.request(Requests.CreateWorkbenchSession.method, { taskId: id }));
      samples.tab.push(t);
    }
    const pingP50 = percentile(samples.ping, 50);
    console.log('\nRemote sandboxes: request latency with Daytona tasks provisioning in the background');
    console.log(table([
      latencyRow('foundry/ping', samples.ping, pingP50),
      latencyRow('foundry/createTask (local repository)', samples.local, pingP50),
      latencyRow('foundry/createTask (Daytona repository)', samples.daytona, pingP50),
      latencyRow('foundry/createWorkbenchSession (Daytona task)', samples.tab, pingP50),
    ], latencyCols()));
    console.log(`createTask p50 Daytona / local: ${(percentile(samples.daytona, 50) / percentile(samples.local, 50)).toFixed(2)}x (goal: unchanged, ~1x)`);
    const byStage = new Map();
    for (const id of tasks) {
      for (const h of (await sc.request(Requests.GetTaskLog.method, { taskId: id })).history) {
        if (h.kind !== 'stage_finished' || h.durationMs == null) continue;
        byStage.set(h.stage, [...(byStage.get(h.stage) ?? []), h.durationMs]);
      }
    }
    console.log(`\nDaytona stage durations over ${tasks.length} tasks (loopback Daytona: the API and network cost nothing here; uploads and processes are real)`);
    console.log(table([...byStage].map(([stage, d]) => ({ stage, n: d.length, p50: ms(percentile(d, 50), 1), max: ms(Math.max(...d), 1) })), ['stage', 'n', 'p50', 'max']));
    console.log(`sandboxes made: ${fake.sandboxes().length} for ${tasks.length} tasks\n`);
  } finally {
    await sc.stop();
    await fake.stop();
  }
}
