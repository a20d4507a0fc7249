// The chat panel's transcript sync (extension/src/chat/transcriptSync.ts) against the REAL built
// sidecar (dist/server.js, run `npm run build` first) and the demo agent: a tab opened in the
// middle of a streaming turn gets every event exactly once and in order; after a sidecar restart it
// re-subscribes and catches up; once disposed no more events reach this client.
// Run: node --test 'webview/test/*.test.mjs'
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { agentText, makeRepo, startSidecar, tempDir } from '../../test/server/harness.mjs';

const out = await esbuild.build({
  entryPoints: ['extension/src/chat/transcriptSync.ts'],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'silent',
});
const { TranscriptSync } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);

/**
 * A ChatHost over a real sidecar connection (the parts TranscriptSync uses). `attach` points it at a
 * new sidecar after a restart, as the extension's controller does.
 */
function sidecarHost() {
  const listeners = new Map();
  const host = {
    sc: undefined,
    pushes: 0,
    attach(sc) {
      host.sc = sc;
      sc.conn.onNotification('foundry/transcriptAppended', (p) => {
        host.pushes++;
        for (const l of [...(listeners.get(p.sessionId) ?? [])]) l(p.events);
      });
    },
    request: (def, params) => host.sc.request(def.method, params),
    onTranscript(sessionId, listener) {
      const set = listeners.get(sessionId) ?? new Set();
      listeners.set(sessionId, set.add(listener));
      return { dispose: () => set.delete(listener) };
    },
    log: { debug() {}, warn: (m) => { throw new Error(`unexpected warning: ${m}`); } },
  };
  return host;
}

/** Collects what a TranscriptSync delivers and lets a test wait on it. */
function collector() {
  const c = {
    events: [],
    phases: [],
    waiters: new Set(),
    appended(events) {
      c.events.push(...events);
      c.check();
    },
    syncChanged(sync) {
      c.phases.push(sync.phase);
      c.check();
    },
    check() {
      for (const w of [...c.waiters]) w();
    },
    until(pred, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), 20_000);
        const done = (err) => { clearTimeout(timer); c.waiters.delete(check); err ? reject(err) : resolve(); };
        const check = () => { if (pred()) done(); };
        c.waiters.add(check);
        check();
      });
    },
  };
  return c;
}

const seqs = (events) => events.map((e) => e.seq);

/** Send a message and resolve once workbench notifications showed the session running and then ready again. */
async function runTurn(sc, taskId, sessionId, text) {
  const mark = sc.state.log?.length ?? 0;
  await sc.request('foundry/sendMessage', { sessionId, text });
  const statuses = () =>
    (sc.state.log ?? []).slice(mark).flatMap((u) => u.tasks.filter((t) => t.id === taskId).map((t) => t.sessions.find((s) => s.id === sessionId)?.status));
  await sc.waitFor(() => {
    const seen = statuses();
    const running = seen.indexOf('running');
    return running >= 0 && seen.indexOf('ready', running) > running;
  }, `a turn of ${sessionId}`);
}
const oneToN = (n) => Array.from({ length: n }, (_, i) => i + 1);

test('a tab opened mid-turn, a sidecar restart, and closing the tab', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const dataDir = join(dir, 'data');
  let sc = await startSidecar({ dataDir });
  const host = sidecarHost();
  host.attach(sc);
  let sync;
  try {
    const repo = await sc.request('foundry/addRepo', { path: repoPath });
    const task = await sc.request('foundry/createTask', { repoId: repo.id, prompt: 'hello', agent: 'demo' });
    const sessionId = task.sessions[0].id;
    await sc.waitTask(task.id, 'idle');

    // A long streamed turn; the tab opens while it runs.
    const long = Array.from({ length: 12 }, (_, i) => `line ${i} of a reply that streams in several pieces`).join('\n');
    const c = collector();
    const turn = runTurn(sc, task.id, sessionId, `sleep 50\n${long}`);
    await sc.waitFor(() => sc.task(task.id).sessions[0].status === 'running', 'the turn to start');
    sync = new TranscriptSync(host, sessionId, c);
    await turn;
    let all = await sc.transcript(sessionId);
    await c.until(() => c.events.length >= all.length, 'every event of the turn');
    assert.deepEqual(seqs(c.events), oneToN(all.length), 'each event once, in seq order');
    assert.ok(agentText(c.events).includes('line 11 of a reply'), `the whole reply arrived: ${JSON.stringify(agentText(c.events)).slice(-300)}`);
    assert.equal(sync.state.phase, 'live');
    assert.ok(host.pushes > 0, 'part of the turn came as pushes, not only from history');

    // Restart the sidecar on the same data dir: subscriptions are gone until re-subscribed.
    await sc.stop();
    sc = await startSidecar({ dataDir });
    host.attach(sc);
    sync.resubscribe();
    await c.until(() => c.phases.at(-1) === 'live' && c.phases.includes('loading'), 'the catch-up after the restart');
    await runTurn(sc, task.id, sessionId, 'after the restart');
    all = await sc.transcript(sessionId);
    await c.until(() => c.events.length >= all.length, 'the turn after the restart');
    assert.deepEqual(seqs(c.events), oneToN(all.length));
    assert.match(agentText(c.events), /after the restart/, JSON.stringify(all.filter((e) => e.sender === "foundry").map((e) => e.payload)));

    // Closing the tab unsubscribes: the next turn pushes nothing to this client.
    sync.dispose();
    sync = undefined;
    await sc.request('foundry/ping', {}); // answered after the unsubscribe the dispose sent, and after any push before it
    const pushesBefore = host.pushes;
    await runTurn(sc, task.id, sessionId, 'nobody is watching');
    assert.equal(host.pushes, pushesBefore);
    assert.match(agentText(await sc.transcript(sessionId)), /nobody is watching/, 'the session itself kept working');
  } finally {
    sync?.dispose();
    await sc.stop();
  }
});
