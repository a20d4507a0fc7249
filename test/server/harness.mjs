// Test harness: drives the BUILT sidecar (dist/server.js) as a child process through a real
// vscode-jsonrpc connection, on temp folders with real git repositories.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

/** Real git repositories (test/gitRepo.mjs, shared with the end-to-end harness). */
export { git, makeRepo } from '../gitRepo.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const serverJs = join(root, 'dist', 'server.js');

/** The pinned real agents, installed by scripts/setup.sh (`--install-agents`). */
export const agentsDir = process.env.FOUNDRY_AGENTS_DIR || join(root, '.cache', 'agents');

export function tempDir(prefix = 'foundry-test-') {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/**
 * Start the sidecar on `dataDir` with `--stdio`. Returns a client that mirrors the workbench
 * from notifications and counts every message crossing the connection.
 */
export async function startSidecar({ dataDir, options = {}, env = {} } = {}) {
  dataDir ??= tempDir('foundry-data-');
  const child = spawn(process.execPath, [serverJs, '--stdio'], {
    env: { ...process.env, FOUNDRY_AGENTS_DIR: agentsDir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs = captureStderr(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let client;
  try {
    client = await connectClient({
      reader: new StreamMessageReader(child.stdout),
      writer: new StreamMessageWriter(child.stdin),
      dataDir,
      options: { agentIdleStopMs: 60_000, changesDebounceMs: 100, poolSize: 0, ...options },
      logs,
    });
  } catch (e) {
    // A refused start: the error carries the process, so a test can see it exit.
    Object.assign(e, { child, exited, stderr: () => logs.text });
    throw e;
  }
  Object.assign(client, {
    child,
    exited,
    async stop() {
      await client.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    kill9() {
      client.conn.dispose();
      child.kill('SIGKILL');
      return exited;
    },
  });
  return client;
}

/** Collect a child's stderr and let waiters re-check as each chunk arrives. */
export function captureStderr(child) {
  const logs = { text: '', listeners: new Set() };
  child.stderr.on('data', (d) => {
    logs.text += d.toString();
    for (const l of [...logs.listeners]) l();
    if (process.env.FOUNDRY_TEST_VERBOSE) process.stderr.write(d);
  });
  return logs;
}

/**
 * Initialize a client over `reader`/`writer` and mirror what the sidecar pushes: the workbench
 * (`state`), transcripts by session, the server status, and a count of every message.
 */
export async function connectClient({ reader, writer, dataDir, options = {}, clientInfo, logs = { text: '', listeners: new Set() } }) {
  const traffic = { in: 0, out: 0, methods: [] };
  const listen = reader.listen.bind(reader);
  reader.listen = (cb) => listen((m) => { traffic.in++; traffic.methods.push(`in ${m.method ?? 'response'}`); cb(m); });
  const write = writer.write.bind(writer);
  writer.write = (m) => { traffic.out++; traffic.methods.push(`out ${m.method ?? 'response'}`); return write(m); };
  const conn = createMessageConnection(reader, writer);
  const state = { version: 0, tasks: new Map(), repos: new Map() };
  const listeners = new Set();
  const transcripts = new Map();
  let closed = false;
  const notify = () => { for (const l of [...listeners]) l(); };
  conn.onClose(() => { closed = true; notify(); });
  conn.onNotification('foundry/workbenchUpdated', (p) => {
    state.version = p.version;
    for (const t of p.tasks) state.tasks.set(t.id, t);
    for (const id of p.removedTaskIds ?? []) state.tasks.delete(id);
    for (const r of p.repos ?? []) state.repos.set(r.id, r);
    (state.log ??= []).push(p);
    notify();
  });
  conn.onNotification('foundry/serverStatus', (p) => {
    state.serverStatus = p;
    (state.statusLog ??= []).push(p);
    notify();
  });
  conn.onNotification('foundry/agentsUpdated', (p) => {
    state.agents = p.agents;
    (state.agentsLog ??= []).push(p);
    notify();
  });
  conn.onNotification('foundry/repoActionUpdated', (p) => {
    (state.actions ??= new Map()).set(p.action.id, p.action);
    (state.actionsLog ??= []).push(p.action);
    notify();
  });
  conn.onNotification('foundry/repoOverviewUpdated', (p) => {
    (state.overviews ??= new Map()).set(p.overview.repoId, p.overview);
    (state.overviewsLog ??= []).push(p.overview);
    notify();
  });
  conn.onNotification('foundry/checkpointsUpdated', (p) => {
    (state.checkpoints ??= new Map()).set(p.taskId, p);
    notify();
  });
  conn.onNotification('foundry/transcriptAppended', (p) => {
    const list = transcripts.get(p.sessionId) ?? [];
    list.push(...p.events);
    transcripts.set(p.sessionId, list);
    notify();
  });
  conn.listen();
  let init;
  try {
    init = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      ...(clientInfo ? { clientInfo } : {}),
      initializationOptions: { dataDir, ...options },
    });
  } catch (e) {
    conn.dispose();
    throw e;
  }
  await conn.sendNotification('initialized', {});
  const client = {
    conn, dataDir, state, traffic, transcripts, init,
    get stderr() { return logs.text; },
    get closed() { return closed; },
    request: (method, params) => conn.sendRequest(method, params),
    /** Resolve when `pred()` is truthy, re-checked after every notification. */
    waitFor(pred, what = 'condition', timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          let v;
          try { v = pred(); } catch (e) { return done(e); }
          if (v) done(null, v);
        };
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}; tasks: ${JSON.stringify([...state.tasks.values()].map((t) => [t.title, t.status, t.errorMessage, t.sessions.map((s) => s.status)]))}`)), timeoutMs);
        const done = (err, v) => { clearTimeout(timer); listeners.delete(check); err ? reject(err) : resolve(v); };
        listeners.add(check);
        check();
      });
    },
    task: (id) => state.tasks.get(id),
    /** Resolve when the sidecar's log (stderr) matches `re`, checked as each chunk arrives. */
    waitForLog(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => re.test(logs.text) && done();
        const timer = setTimeout(() => done(new Error(`timed out waiting for log ${re}`)), timeoutMs);
        const done = (err) => {
          clearTimeout(timer);
          logs.listeners.delete(check);
          err ? reject(err) : resolve();
        };
        logs.listeners.add(check);
        check();
      });
    },
    /** Every task settled (idle/error/archived/deleted) and the sidecar quiescent (no job, no turn). */
    settle(timeoutMs) {
      return client.waitFor(
        () => (state.serverStatus?.quiescent ?? true) && [...state.tasks.values()].every((t) => ['idle', 'error', 'archived', 'deleted'].includes(t.status)),
        'settled workbench',
        timeoutMs,
      );
    },
    waitTask(id, statuses, timeoutMs) {
      const want = [].concat(statuses);
      return client.waitFor(() => want.includes(state.tasks.get(id)?.status) && state.tasks.get(id), `task ${id} in ${want}`, timeoutMs);
    },
    /** The session as last pushed. */
    session(taskId, sessionId) {
      return state.tasks.get(taskId)?.sessions.find((x) => x.id === sessionId);
    },
    waitSession(taskId, sessionId, statuses, timeoutMs) {
      const want = [].concat(statuses);
      return client.waitFor(() => {
        const s = state.tasks.get(taskId)?.sessions.find((x) => x.id === sessionId);
        return s && want.includes(s.status) && s;
      }, `session ${sessionId} in ${want}`, timeoutMs);
    },
    /**
     * Send a message and wait for its turn to end (the pushed foundry turn_ended/turn_failed
     * event, then the session back to ready). Subscribes to the session for the pushes.
     */
    async turn(taskId, sessionId, text) {
      await conn.sendRequest('foundry/subscribeSession', { sessionId });
      const { turnId } = await conn.sendRequest('foundry/sendMessage', { sessionId, text });
      const end = await client.waitFor(
        () => (transcripts.get(sessionId) ?? []).find((e) => e.sender === 'foundry' && e.payload.turnId === turnId && /turn_(ended|failed)/.test(e.payload.kind)),
        `end of turn ${turnId}`,
      );
      await client.waitSession(taskId, sessionId, 'ready');
      return { turnId, end: end.payload };
    },
    /** The transcript events pushed so far to this client (it must be subscribed to the session). */
    pushed: (sessionId) => transcripts.get(sessionId) ?? [],
    /** Full transcript via getTranscript paging. */
    async transcript(sessionId) {
      const all = [];
      let after = 0;
      for (;;) {
        const page = await conn.sendRequest('foundry/getTranscript', { sessionId, after, limit: 200 });
        all.push(...page.events);
        if (page.events.length === 0) return all;
        after = page.next;
      }
    },
    /** LSP shutdown + exit, then close this connection. */
    async disconnect() {
      try {
        await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await conn.sendNotification('exit');
      } catch {}
      conn.dispose();
    },
  };
  return client;
}

/** Agent text of a transcript: concatenated agent_message_chunk texts. */
export function agentText(events) {
  return events
    .filter((e) => e.sender === 'agent' && e.payload?.method === 'session/update' && e.payload.params?.update?.sessionUpdate === 'agent_message_chunk')
    .map((e) => e.payload.params.update.content?.text ?? '')
    .join('');
}

export function cleanup(...dirs) {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
