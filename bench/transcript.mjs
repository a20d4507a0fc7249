// Transcripts, side by side with the same agent driven directly over ACP (bench/acpDirect.mjs):
// - ingest: agent events persisted (one SQLite row each) and pushed to a subscribed client per
//   second, from an agent that streams as fast as it can (goal >= 10,000/s);
// - the delay from an agent writing a chunk to the client receiving it (monotonic-clock stamps
//   written by bench/stampAgent.mjs);
// - what Foundry adds to an agent's time to first chunk (goal < 5 ms at p50), for the stamp agent
//   (pure transport), the demo agent and the real Claude Code against the loopback fake model
//   (test/fixtures/fakeModel), sampled interleaved.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Notifications, Requests } from '../shared/protocol.ts';
import { startSidecar, serverJs, agentsDir } from '../test/server/harness.mjs';
import { startFakeModel } from '../test/fixtures/fakeModel/server.mjs';
import { fakeModelSetup } from '../test/fixtures/realAgentSetup.mjs';
import { directAgent } from './acpDirect.mjs';
import { knob, log, ms, percentile, ratio, table } from './stats.mjs';

const INGEST = knob('BENCH_INGEST_EVENTS', 20_000);
const STAMPS = knob('BENCH_STAMPS', 300);
const FIRST = knob('BENCH_FIRST_CHUNK_SAMPLES', 100);
const CLAUDE_FIRST = knob('BENCH_CLAUDE_SAMPLES', 40);

const stampJs = fileURLToPath(new URL('./stampAgent.mjs', import.meta.url));
const demoJs = join(serverJs, '..', 'demo-agent.js');
const msSince = (t0, t1 = process.hrtime.bigint()) => Number(t1 - t0) / 1e6;
const stampOf = (update) => {
  const m = /^@(\d+);$/.exec(update?.content?.text ?? '');
  return m ? BigInt(m[1]) : undefined;
};
const isChunk = (u) => u?.sessionUpdate === 'agent_message_chunk';

/** Claude Code's pinned install pointed at the fake model: its settings, key and direct launch. */
function claudeSetup(dir, model) {
  const home = join(dir, 'claude-home');
  mkdirSync(home, { recursive: true });
  const { env, keyVar } = fakeModelSetup('claude', model.url, home);
  const agentEnv = { HOME: home, ...env };
  const key = { [keyVar]: 'bench-fake-key' };
  const { IS_SANDBOX, ...inherited } = process.env; // as the sidecar launches it as root (localLaunch.ts)
  const command = join(agentsDir, 'claude@0.16.2', 'node_modules', '.bin', 'claude-code-acp');
  return { agentEnv, key, direct: { command, cwd: dir, env: { ...inherited, DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', ...agentEnv, ...key } } };
}

export async function transcripts({ dir, repoPath }) {
  const model = await startFakeModel();
  const claude = claudeSetup(dir, model);
  const sc = await startSidecar({
    dataDir: join(dir, 'data-transcripts'),
    options: { agentIdleStopMs: 3_600_000, agents: { stamp: { command: process.execPath, args: [stampJs] } }, agentEnv: { claude: claude.agentEnv } },
    env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' },
  });
  await sc.request(Requests.SetCredentials.method, { agentId: 'claude', env: claude.key });
  const direct = {
    stamp: await directAgent({ command: process.execPath, args: [stampJs], cwd: dir }),
    demo: await directAgent({ command: process.execPath, args: [demoJs], cwd: dir, env: { ...process.env, FOUNDRY_DEMO_CHUNK_DELAY_MS: '0', FOUNDRY_DEMO_STATE_DIR: join(dir, 'demo-direct') } }),
    // As Foundry does for a local agent: it serves the agent's file reads and writes.
    claude: await directAgent({ ...claude.direct, fs: true }),
  };
  try {
    const pushes = pushedEvents(sc);
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const viaFoundry = {};
    for (const agent of ['stamp', 'demo', 'claude']) {
      const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: agent === 'stamp' ? 'stamp 1 0' : 'hello', agent });
      const idle = await sc.waitTask(task.id, ['idle', 'error'], 120_000);
      if (idle.status === 'error') throw new Error(`${agent} task failed: ${idle.errorMessage ?? idle.sessions[0]?.errorMessage}`);
      const sessionId = sc.task(task.id).sessions[0].id;
      await sc.request(Requests.SubscribeSession.method, { sessionId });
      viaFoundry[agent] = (text, onUpdate) => pushes.turn(sessionId, text, onUpdate);
      viaFoundry[`${agent}Session`] = sessionId;
    }
    const directSession = { stamp: await direct.stamp.newSession(repoPath), demo: await direct.demo.newSession(repoPath), claude: await direct.claude.newSession(repoPath) };
    const viaDirect = (agent) => (text, onUpdate) => direct[agent].prompt(directSession[agent], text, (u) => onUpdate(u, process.hrtime.bigint()));

    // Ingest.
    log(`transcripts: ingest of ${INGEST} chunks, direct and through Foundry`);
    const ingest = async (run) => {
      let n = 0, first, last;
      await run(`stamp ${INGEST} 0`, (u, at) => {
        if (!isChunk(u)) return;
        n++;
        first ??= at;
        last = at;
      });
      return { n, perSecond: n / (msSince(first, last) / 1000) };
    };
    const seqBefore = (await readTranscript(sc, viaFoundry.stampSession, 0)).next;
    const raw = await ingest(viaDirect('stamp'));
    const through = await ingest(viaFoundry.stamp);
    const persisted = (await readTranscript(sc, viaFoundry.stampSession, seqBefore)).count;
    console.log(`\nTranscript ingest: ${INGEST} agent_message_chunk updates streamed as fast as the agent writes them`);
    console.log(
      table(
        [
          { path: 'agent -> ACP client (direct)', 'chunks seen': raw.n, 'per second': Math.round(raw.perSecond), vs: '1.00x' },
          { path: 'agent -> sidecar (persisted) -> subscribed client', 'chunks seen': through.n, 'per second': Math.round(through.perSecond), vs: ratio(through.perSecond, raw.perSecond) },
        ],
        ['path', 'chunks seen', 'per second', 'vs'],
      ),
    );
    console.log(`rows persisted for the turn: ${persisted} (chunks + the turn's prompt, answer and foundry events); goal >= 10,000 events/s\n`);

    // Chunk -> client delay.
    log(`transcripts: ${STAMPS} stamped chunks 3 ms apart`);
    const delays = async (run) => {
      const d = [];
      await run(`stamp ${STAMPS} 3`, (u, at) => {
        const s = isChunk(u) && stampOf(u);
        if (s) d.push(msSince(s, at));
      });
      return d;
    };
    const dDirect = await delays(viaDirect('stamp'));
    const dFoundry = await delays(viaFoundry.stamp);
    console.log('Delay from the agent writing a chunk to the client receiving it');
    console.log(
      table(
        [
          { path: 'direct ACP client', n: dDirect.length, p50: ms(percentile(dDirect, 50)), p99: ms(percentile(dDirect, 99)) },
          { path: 'through Foundry (persisted, then pushed)', n: dFoundry.length, p50: ms(percentile(dFoundry, 50)), p99: ms(percentile(dFoundry, 99)) },
        ],
        ['path', 'n', 'p50', 'p99'],
      ),
    );
    console.log(`Foundry adds ${ms(percentile(dFoundry, 50) - percentile(dDirect, 50))} at p50\n`);

    // Time to first chunk, interleaved.
    log(`transcripts: time to first chunk, ${FIRST} interleaved samples per agent`);
    const rows = [];
    for (const [agent, prompt, n] of [['stamp', 'stamp 1 0', FIRST], ['demo', 'hello there', FIRST], ['claude', 'hello there', CLAUDE_FIRST]]) {
      const a = [], b = [];
      // The first prompt of a Claude session makes extra model calls: warm both sessions first.
      if (agent === 'claude') for (const run of [viaDirect(agent), viaFoundry[agent]]) await firstChunk(run, prompt);
      for (let i = 0; i < n; i++) {
        a.push(await firstChunk(viaDirect(agent), prompt));
        b.push(await firstChunk(viaFoundry[agent], prompt));
      }
      const added = percentile(b, 50) - percentile(a, 50);
      rows.push({ agent, n, 'direct p50': ms(percentile(a, 50)), 'Foundry p50': ms(percentile(b, 50)), 'Foundry p99': ms(percentile(b, 99)), 'added at p50': ms(added) });
    }
    console.log('Time from sending a message to its first agent chunk (warm agent process)');
    console.log(table(rows, ['agent', 'n', 'direct p50', 'Foundry p50', 'Foundry p99', 'added at p50']));
    console.log('claude: the real Claude Code (pinned), both ways against the same loopback fake model');
    console.log('goal: Foundry adds < 5 ms to the first chunk\n');
  } finally {
    for (const a of Object.values(direct)) await a.close();
    await sc.stop();
    await model.close();
  }
}

/** The time from sending `prompt` to the first agent_message_chunk, in ms. */
async function firstChunk(run, prompt) {
  const t0 = process.hrtime.bigint();
  let first;
  await run(prompt, (u, at) => {
    if (isChunk(u)) first ??= at;
  });
  return msSince(t0, first);
}

/** Pages through the stored transcript after `after`: how many events, and the `after` past the last. */
async function readTranscript(sc, sessionId, after) {
  let count = 0;
  for (;;) {
    const page = await sc.request(Requests.GetTranscript.method, { sessionId, after, limit: 5000 });
    if (page.events.length === 0) return { count, next: after };
    count += page.events.length;
    after = page.next;
  }
}

/**
 * Session updates as the subscribed client receives them, stamped on arrival. Takes over the
 * harness's transcript handler: the bench needs the arrival time of each push.
 */
function pushedEvents(sc) {
  const subscribers = new Set();
  sc.conn.onNotification(Notifications.TranscriptAppended.method, (p) => {
    const at = process.hrtime.bigint();
    for (const s of subscribers) s(p, at);
  });
  return {
    /** Send a message; `onUpdate(update, arrivedAt)` for each agent session/update; resolves at turn end. */
    turn(sessionId, text, onUpdate) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`turn in ${sessionId} did not end within 120 s`)), 120_000);
        const done = (err) => {
          clearTimeout(timer);
          subscribers.delete(sub);
          err ? reject(err) : resolve();
        };
        const sub = (p, at) => {
          if (p.sessionId !== sessionId) return;
          for (const e of p.events) {
            if (e.sender === 'agent' && e.payload?.method === 'session/update') onUpdate(e.payload.params.update, at);
            if (e.sender === 'foundry' && e.payload.kind === 'turn_ended') return done();
            if (e.sender === 'foundry' && e.payload.kind === 'turn_failed') return done(new Error(`turn failed: ${JSON.stringify(e.payload)}`));
          }
        };
        subscribers.add(sub);
        sc.request(Requests.SendMessage.method, { sessionId, text }).catch(done);
      });
    },
  };
}
