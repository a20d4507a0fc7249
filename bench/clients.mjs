// Many clients on one `--listen` sidecar (one per window): attach cost, push fan-out and the
// memory each connected client adds, all on one workbench of real tasks.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Requests } from '../shared/protocol.ts';
import { startListening } from '../test/server/listenHarness.mjs';
import { knob, latencyCols, latencyRow, log, mib, percentile, pings, ratio, rssKiB, table, timed, ms } from './stats.mjs';

const TASKS = knob('BENCH_CLIENT_TASKS', 100);
const CLIENTS = knob('BENCH_CLIENTS', 10);
const ATTACHES = knob('BENCH_ATTACHES', 20);
const CHANGES = knob('BENCH_CHANGES', 50);

export async function multiClient({ dir, repoPath }) {
  const sc = await startListening({
    dataDir: join(dir, 'data-clients'),
    settings: { jobConcurrency: 8, agentIdleStopMs: 300 },
    env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' },
  });
  if (!sc.report.ready) throw new Error(`--listen sidecar did not start: ${JSON.stringify(sc.report)}\n${sc.stderr}`);
  const pid = sc.report.pid;
  const first = await sc.connect({ clientInfo: { name: 'bench-1' } });
  const others = [];
  try {
    log(`clients: seeding ${TASKS} tasks on one --listen sidecar`);
    const repo = await first.request(Requests.AddRepo.method, { path: repoPath });
    const ids = [];
    while (ids.length < TASKS) ids.push((await first.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `seeded task ${ids.length}` })).id);
    await first.settle(300_000);
    const bootstrap = async (c) => {
      const wb = await c.request(Requests.GetWorkbench.method, {});
      if (wb.tasks.length !== TASKS) throw new Error(`bootstrap saw ${wb.tasks.length} tasks, expected ${TASKS}`);
      return wb;
    };
    await bootstrap(first);

    // Attach: connect + initialize + getWorkbench, a ping on the first client before each.
    log(`clients: ${ATTACHES} attaches of a second client`);
    const attach = [], handshake = [], attachPings = [];
    for (let i = 0; i < ATTACHES; i++) {
      attachPings.push(...(await pings(first, 3)));
      const t0 = performance.now();
      const c = await sc.connect({ clientInfo: { name: `attach-${i}` } });
      handshake.push(performance.now() - t0);
      await bootstrap(c);
      attach.push(performance.now() - t0);
      await c.disconnect();
    }
    const pingP50 = percentile(attachPings, 50);
    console.log(`\nAttach: a second client connects to the running --listen sidecar (${TASKS} tasks)`);
    console.log(
      table(
        [
          latencyRow('foundry/ping on the first client', attachPings, pingP50, { key: 'step' }),
          latencyRow('connect + initialize', handshake, pingP50, { key: 'step' }),
          latencyRow('connect + initialize + getWorkbench', attach, pingP50, { key: 'step' }),
        ],
        latencyCols('step'),
      ),
    );

    // Memory: RSS with the first client alone, then with CLIENTS connected and bootstrapped.
    log(`clients: RSS with 1 and ${CLIENTS} clients`);
    const rss1 = await steadyRss(pid);
    for (let i = 1; i < CLIENTS; i++) {
      const c = await sc.connect({ clientInfo: { name: `bench-${i + 1}` } });
      await bootstrap(c);
      others.push(c);
    }
    const rssN = await steadyRss(pid);

    // Fan-out: a rename from the first client, timed to its workbenchUpdated at every client.
    log(`clients: fan-out of ${CHANGES} renames to ${CLIENTS} clients, then to 1`);
    const target = ids[0];
    const many = await fanOut([first, ...others], target, 'fan-out');
    await Promise.all(others.splice(0).map((c) => c.disconnect()));
    const one = await fanOut([first], target, 'single');

    const oneP50 = percentile(one.ranks[0], 50);
    const mid = Math.floor((CLIENTS - 1) / 2);
    const rows = [
      latencyRow('1 client (the sender)', one.ranks[0], oneP50, { key: 'workbenchUpdated at', base: '1-client p50' }),
      latencyRow(`${CLIENTS} clients: first to arrive`, many.ranks[0], oneP50, { key: 'workbenchUpdated at', base: '1-client p50' }),
      latencyRow(`${CLIENTS} clients: median (${mid + 1}th)`, many.ranks[mid], oneP50, { key: 'workbenchUpdated at', base: '1-client p50' }),
      latencyRow(`${CLIENTS} clients: last to arrive`, many.ranks[CLIENTS - 1], oneP50, { key: 'workbenchUpdated at', base: '1-client p50' }),
    ];
    console.log(`\nPush fan-out: renameTask sent by client 1 -> workbenchUpdated at each client (${CHANGES} changes, clients in one process)`);
    console.log(table(rows, latencyCols('workbenchUpdated at', '1-client p50')));
    console.log(`renameTask response on client 1: p50 ${ms(percentile(one.response, 50))} with 1 client, ${ms(percentile(many.response, 50))} with ${CLIENTS}`);
    console.log(`the sender arrived first in ${many.senderFirst} of ${CHANGES} changes with ${CLIENTS} clients`);

    console.log(`\nSidecar memory (VmRSS, ${TASKS} tasks, every client bootstrapped with getWorkbench)`);
    console.log(
      table(
        [
          { clients: 1, rss: mib(rss1), 'vs 1 client': '-', 'per added client': '-' },
          { clients: CLIENTS, rss: mib(rssN), 'vs 1 client': `${rssN >= rss1 ? '+' : ''}${mib(rssN - rss1)} (${ratio(rssN, rss1)})`, 'per added client': `${((rssN - rss1) / (CLIENTS - 1)).toFixed(0)} KiB` },
        ],
        ['clients', 'rss', 'vs 1 client', 'per added client'],
      ),
    );
    console.log('RSS is the median of 5 reads over 1 s after 1 s of quiet; it includes heap the GC has not returned yet\n');
  } finally {
    await Promise.all(others.map((c) => c.disconnect()));
    await first.disconnect();
    sc.child.kill('SIGTERM');
    const timer = setTimeout(() => sc.child.kill('SIGKILL'), 10_000);
    await sc.exited;
    clearTimeout(timer);
  }
}

/** Rename `taskId` from clients[0] (5 warm-up, then CHANGES times); per change, every client's delay sorted (rank 0 = first). */
async function fanOut(clients, taskId, label) {
  const ranks = clients.map(() => []), response = [];
  let senderFirst = 0;
  for (let i = -5; i < CHANGES; i++) {
    const title = `${label} ${i}`;
    const seen = clients.map((c) => c.waitFor(() => c.task(taskId)?.title === title && performance.now(), `${label} rename ${i}`));
    const t0 = performance.now();
    const [rt] = await timed(() => clients[0].request(Requests.RenameTask.method, { taskId, title }));
    const arrivals = (await Promise.all(seen)).map((t) => t - t0);
    if (i < 0) continue;
    response.push(rt);
    if (arrivals[0] === Math.min(...arrivals)) senderFirst++;
    arrivals.sort((a, b) => a - b).forEach((d, r) => ranks[r].push(d));
  }
  return { ranks, response, senderFirst };
}

/** VmRSS after 1 s of quiet: the median of 5 reads 250 ms apart. */
async function steadyRss(pid) {
  await sleep(1000);
  const reads = [];
  for (let i = 0; i < 5; i++) {
    reads.push(rssKiB(pid));
    if (i < 4) await sleep(250);
  }
  return percentile(reads, 50);
}
