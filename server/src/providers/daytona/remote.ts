/**
 * Daytona's API through @daytonaio/sdk, in the effects worker (no SDK call or upload ever runs on
 * the request loop's thread). Primitives only: find, create, start, stop, delete a sandbox; run a
 * command; move a file either way; a preview URL with a fresh token; a health check with backoff.
 * The provider (provider.ts) composes them into stages. The API key arrives with each call and is
 * never logged; errors say what failed, with Daytona's status, never the key.
 */
import { Daytona } from '@daytonaio/sdk';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface DaytonaConn {
  apiUrl: string;
  apiKey: string;
  target?: string;
  /** One API call's limit (default API_TIMEOUT_S); a file transfer gets TRANSFER_FACTOR times it. */
  timeoutSec?: number;
}

/** A sandbox as the provider needs it: its state (`lost` when Daytona no longer knows it) and its home. */
export interface RemoteSandbox {
  sandboxId: string;
  state: 'started' | 'stopped' | 'starting' | 'stopping' | 'error' | 'lost' | string;
}

const LABEL = 'foundry.task';
const API_TIMEOUT_S = 60;
const TRANSFER_FACTOR = 10;

/**
 * The call, or "Daytona: <what> timed out after N s" once `seconds` pass: a Daytona that never
 * answers fails its stage with a Retry instead of leaving a spinner. The abandoned call may still
 * land later; every stage is idempotent (a sandbox is found again by its label).
 */
async function within<T>(what: string, seconds: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Daytona: ${what} timed out after ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([call(), late]);
  } finally {
    clearTimeout(timer);
  }
}
const limit = (conn: DaytonaConn, factor = 1) => (conn.timeoutSec ?? API_TIMEOUT_S) * factor;

const clients = new Map<string, Daytona>();
function client(conn: DaytonaConn): Daytona {
  const key = `${conn.apiUrl}\n${conn.target ?? ''}\n${conn.apiKey}`;
  let c = clients.get(key);
  if (!c) {
    c = new Daytona({ apiKey: conn.apiKey, apiUrl: conn.apiUrl, ...(conn.target ? { target: conn.target } : {}) });
    clients.set(key, c);
  }
  return c;
}

const statusOf = (e: unknown): number | undefined => (e as { statusCode?: number }).statusCode;

/** "Daytona API: <what> failed (503 Service Unavailable)" - never the key. */
function failure(what: string, e: unknown, conn: DaytonaConn): Error {
  if (e instanceof Error && e.message.startsWith('Daytona: ')) return e; // said already (a time-out, a lost sandbox)
  const status = statusOf(e);
  const text = (e instanceof Error ? e.message : String(e)).split(conn.apiKey).join('***');
  return new Error(`Daytona: ${what} failed${status ? ` (${status})` : ''}: ${text}`);
}

async function sandbox(conn: DaytonaConn, sandboxId: string) {
  try {
    return await within('reading the sandbox', limit(conn), () => client(conn).get(sandboxId));
  } catch (e) {
    if (statusOf(e) === 404) throw Object.assign(new Error(`Daytona: the sandbox ${sandboxId} is gone`), { lost: true });
    throw failure('reading the sandbox', e, conn);
  }
}

export const daytonaEffects = {
  /** The task's sandbox by its label, if Daytona has one (never two: the create below is the only one). */
  async daytonaFind(p: { conn: DaytonaConn; taskId: string }): Promise<RemoteSandbox | null> {
    try {
      return await within('listing sandboxes', limit(p.conn), async () => {
        for await (const s of client(p.conn).list({ labels: { [LABEL]: p.taskId } })) return { sandboxId: s.id, state: String(s.state) };
        return null;
      });
    } catch (e) {
      throw failure('listing sandboxes', e, p.conn);
    }
  },

  async daytonaCreate(p: { conn: DaytonaConn; taskId: string; autoStopMinutes: number; env?: Record<string, string> }): Promise<RemoteSandbox> {
    try {
      const s = await within('creating the sandbox', limit(p.conn), () => client(p.conn).create({ labels: { [LABEL]: p.taskId }, autoStopInterval: p.autoStopMinutes, ...(p.env ? { envVars: p.env } : {}) }, { timeout: limit(p.conn) }));
      return { sandboxId: s.id, state: String(s.state) };
    } catch (e) {
      throw failure('creating the sandbox', e, p.conn);
    }
  },

  /** Its state, or `lost` when Daytona answers 404. */
  async daytonaState(p: { conn: DaytonaConn; sandboxId: string }): Promise<RemoteSandbox & { home?: string }> {
    try {
      const s = await sandbox(p.conn, p.sandboxId);
      const state = String(s.state);
      return { sandboxId: s.id, state, ...(state === 'started' ? { home: await within('reading the sandbox home', limit(p.conn), () => s.getUserHomeDir()) } : {}) };
    } catch (e) {
      if ((e as { lost?: boolean }).lost) return { sandboxId: p.sandboxId, state: 'lost' };
      throw e;
    }
  },

  async daytonaStart(p: { conn: DaytonaConn; sandboxId: string; autoStopMinutes?: number }): Promise<void> {
    const s = await sandbox(p.conn, p.sandboxId);
    try {
      if (String(s.state) !== 'started') await within('starting the sandbox', limit(p.conn), () => s.start(limit(p.conn)));
      if (p.autoStopMinutes !== undefined && s.autoStopInterval !== p.autoStopMinutes) await within('setting auto-stop', limit(p.conn), () => s.setAutostopInterval(p.autoStopMinutes!));
    } catch (e) {
      throw failure('starting the sandbox', e, p.conn);
    }
  },

  async daytonaStop(p: { conn: DaytonaConn; sandboxId: string }): Promise<void> {
    const s = await sandbox(p.conn, p.sandboxId);
    try {
      await within('stopping the sandbox', limit(p.conn), () => s.stop(limit(p.conn)));
    } catch (e) {
      throw failure('stopping the sandbox', e, p.conn);
    }
  },

  /** Idempotent: a sandbox Daytona no longer knows is gone already. */
  async daytonaDelete(p: { conn: DaytonaConn; sandboxId: string }): Promise<void> {
    try {
      const s = await within('reading the sandbox', limit(p.conn), () => client(p.conn).get(p.sandboxId));
      await within('deleting the sandbox', limit(p.conn), () => s.delete(limit(p.conn)));
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw failure('deleting the sandbox', e, p.conn);
    }
  },

  /**
   * A shell script in the sandbox: its exit code and output (stdout and stderr). Daytona's daemon
   * runs a command without a shell (split on spaces), so the script travels base64-encoded into
   * `sh`, with its working folder and environment set inside it.
   */
  async daytonaExec(p: { conn: DaytonaConn; sandboxId: string; command: string; cwd?: string; env?: Record<string, string>; timeoutSec?: number }): Promise<{ exitCode: number; output: string }> {
    const s = await sandbox(p.conn, p.sandboxId);
    try {
      const seconds = p.timeoutSec ?? 600;
      const r = await within('running a command in the sandbox', seconds + limit(p.conn), () => s.process.executeCommand(shellCommand(p.command, p.cwd, p.env), undefined, undefined, seconds));
      return { exitCode: r.exitCode, output: r.result };
    } catch (e) {
      throw failure('running a command in the sandbox', e, p.conn);
    }
  },

  async daytonaUpload(p: { conn: DaytonaConn; sandboxId: string; localPath: string; remotePath: string }): Promise<void> {
    const s = await sandbox(p.conn, p.sandboxId);
    try {
      await within(`uploading ${p.remotePath}`, limit(p.conn, TRANSFER_FACTOR), () => s.fs.uploadFile(p.localPath, p.remotePath));
    } catch (e) {
      throw failure(`uploading ${p.remotePath}`, e, p.conn);
    }
  },

  async daytonaDownload(p: { conn: DaytonaConn; sandboxId: string; remotePath: string; localPath: string }): Promise<void> {
    const s = await sandbox(p.conn, p.sandboxId);
    try {
      await within(`downloading ${p.remotePath}`, limit(p.conn, TRANSFER_FACTOR), () => s.fs.downloadFile(p.remotePath, p.localPath));
    } catch (e) {
      throw failure(`downloading ${p.remotePath}`, e, p.conn);
    }
  },

  /** The preview URL of a port, with a token asked now (never stored). */
  async daytonaPreview(p: { conn: DaytonaConn; sandboxId: string; port: number }): Promise<{ url: string; token: string }> {
    const s = await sandbox(p.conn, p.sandboxId);
    try {
      const link = await within('reading the preview URL', limit(p.conn), () => s.getPreviewLink(p.port));
      return { url: link.url, token: link.token };
    } catch (e) {
      throw failure('reading the preview URL', e, p.conn);
    }
  },

  /**
   * GET <url>/v1/health through the preview proxy until it answers 200, backing off from 100 ms
   * to 2 s, until `deadlineMs`. Fails with the last answer it got.
   */
  async sandboxAgentHealth(p: { url: string; token: string; deadlineMs: number }): Promise<{ attempts: number }> {
    const until = Date.now() + p.deadlineMs;
    let wait = 100;
    let last = '';
    for (let attempt = 1; ; attempt++) {
      last = await health(`${p.url.replace(/\/+$/, '')}/v1/health`, p.token).catch((e: Error) => e.message);
      if (last === 'ok') return { attempts: attempt };
      if (Date.now() + wait > until) throw new Error(`sandbox-agent did not answer its health check within ${Math.round(p.deadlineMs / 1000)} s (last: ${last})`);
      await new Promise((r) => setTimeout(r, wait)); // backoff between health probes: nothing pushes readiness
      wait = Math.min(wait * 2, 2000);
    }
  },
};

const sq = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** `sh -c 'echo <base64> | base64 -d | sh'`: no space, quote or `$` of the script reaches the daemon's splitter. */
export function shellCommand(script: string, cwd?: string, env?: Record<string, string>): string {
  const lines = [...Object.entries(env ?? {}).map(([k, v]) => `export ${k}=${sq(v)}`), ...(cwd ? [`cd ${sq(cwd)} || exit 1`] : []), script];
  return `sh -c 'echo ${Buffer.from(lines.join('\n')).toString('base64')} | base64 -d | sh'`;
}

function health(url: string, token: string): Promise<string> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(u, { method: 'GET', headers: { 'x-daytona-preview-token': token }, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 'ok' : `HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export type DaytonaEffects = typeof daytonaEffects;
