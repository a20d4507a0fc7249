/**
 * sandbox-agent's HTTP ACP API as an agent link, spoken directly (its SDK bundles an old ACP SDK).
 * - `POST /v1/acp/{serverId}?agent=ID` carries one JSON-RPC message: a request is answered with
 *   its JSON-RPC response in the body (200); a notification or a response of ours gets 202. The
 *   first POST (initialize) names the agent and creates the server.
 * - `GET /v1/acp/{serverId}` is an SSE stream of what the agent sends on its own: notifications
 *   (session/update) and its requests (session/request_permission).
 * - `DELETE /v1/acp/{serverId}` ends the agent.
 * Requests run concurrently: a session/prompt POST stays open for the whole turn. node:http is
 * used because fetch's default header timeout (300 s) would cut long turns; sandbox-agent's own
 * per-request limit is SANDBOX_AGENT_ACP_REQUEST_TIMEOUT_MS, set where it is started.
 *
 * Measured with 0.4.2 (test/server/sandbox-agent.test.mjs): every answer to a request comes on the
 * event stream, in order with the agent's updates, and most also come in their POST's body, where
 * a prompt's answer can overtake the updates still in flight on the stream (the turn would end
 * before its reply). So an answer is delivered once, from the stream; a body's copy waits for it
 * and is used only if the stream has not brought it within ANSWER_GRACE_MS (the stream does not
 * exist yet for `initialize`, whose body is used at once). The request timeout does not cut a
 * turn whose answer comes on the stream: a 3 s turn under a 1.5 s limit completes.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { AnyMessage } from '@agentclientprotocol/sdk';
import type { AgentLink, LinkEnd } from './link';

/** Sandbox-agent's ACP request timeout Foundry sets when it starts one: longer than any turn (a day). */
export const SANDBOX_AGENT_REQUEST_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** How long an answer read from a POST's body waits for its copy on the event stream. */
const ANSWER_GRACE_MS = 1000;

/** How often in a row a dropped event stream is opened again (backoff 0.25 s doubling to 4 s) before the link ends. */
const STREAM_RETRIES = 6;

interface Target {
  url: string;
  agent: string;
  token?: string;
  /** Sent on every request: a remote sandbox's preview proxy wants its token (`x-daytona-preview-token`). */
  headers?: Record<string, string>;
}

function call(target: Target, method: string, path: string, body?: unknown, accept = 'application/json', extra?: Record<string, string>, onSent?: () => void): Promise<IncomingMessage> {
  // The server may sit under a path (a sandbox's preview URL): `path` goes after it.
  const u = new URL(`${target.url.replace(/\/+$/, '')}${path}`);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method,
        headers: {
          accept,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
          ...target.headers,
          ...extra,
        },
      },
      resolve,
    );
    req.on('error', (e) => {
      onSent?.();
      reject(e);
    });
    if (onSent) req.on('finish', onSent);
    req.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}

/** A problem+json answer's `detail`, else the start of the body. */
function problemDetail(body: string): string {
  try {
    return String((JSON.parse(body) as { detail?: unknown }).detail ?? body).slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

async function readBody(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
}

export function sandboxAgentLink(target: Target, key: string): AgentLink {
  const serverId = `foundry-${key}-${randomUUID().slice(0, 8)}`;
  const base = `/v1/acp/${encodeURIComponent(serverId)}`;
  let controller!: ReadableStreamDefaultController<AnyMessage>;
  const readable = new ReadableStream<AnyMessage>({ start: (c) => void (controller = c) });
  let created = false;
  let endedResolve!: (e: LinkEnd) => void;
  const ended = new Promise<LinkEnd>((r) => (endedResolve = r));
  let over = false;
  let stopping = false;
  const finish = (why: string) => {
    if (over) return;
    if (stopping) why = 'stopped';
    over = true;
    try {
      controller.close();
    } catch {
      // already closed
    }
    endedResolve({ code: null, signal: null, stderrTail: why });
  };
  const deliver = (m: AnyMessage) => {
    if (!over) controller.enqueue(m);
  };

  /**
   * The agent's own messages, as SSE `data:` lines, until the server goes. A stream that drops
   * while the server lives (a proxy in front of a remote sandbox cuts idle connections) is opened
   * again with `Last-Event-ID`, from which sandbox-agent replays what was missed; only a server
   * that is gone, or a stream that cannot be reopened, ends the link.
   */
  async function listen(): Promise<void> {
    let lastId: string | undefined;
    let failures = 0;
    let why = 'the sandbox-agent event stream ended';
    while (!over && !stopping) {
      try {
        const res = await call(target, 'GET', base, undefined, 'text/event-stream', lastId ? { 'last-event-id': lastId } : undefined);
        if (res.statusCode === 404) {
          why = `the sandbox-agent server is gone: ${(await readBody(res)).slice(0, 200)}`;
          break;
        }
        if (res.statusCode !== 200) throw new Error(`sandbox-agent event stream answered ${res.statusCode}: ${(await readBody(res)).slice(0, 200)}`);
        failures = 0;
        let buffer = '';
        let data: string[] = [];
        let id: string | undefined;
        for await (const chunk of res) {
          buffer += chunk.toString();
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, '');
            buffer = buffer.slice(nl + 1);
            if (line === '') {
              if (data.length) deliverEnvelope(data.join('\n'));
              if (id !== undefined) lastId = id;
              data = [];
              id = undefined;
            } else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            else if (line.startsWith('id:')) id = line.slice(3).trim();
          }
        }
        why = 'the sandbox-agent event stream ended';
      } catch (e) {
        why = `the sandbox-agent event stream failed: ${(e as Error).message}`;
      }
      if (over || stopping || ++failures > STREAM_RETRIES) break;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** (failures - 1), 4000)));
    }
    finish(why);
  }

  /** Answers delivered (by id), and answers read from a body that wait for the stream's copy. */
  const answered = new Set<string>();
  const waiting = new Map<string, NodeJS.Timeout>();
  const answerId = (m: AnyMessage): string | undefined => (!('method' in m) && 'id' in m && m.id !== undefined && m.id !== null ? String(m.id) : undefined);
  const answerOnce = (id: string, m: AnyMessage) => {
    clearTimeout(waiting.get(id));
    waiting.delete(id);
    if (answered.has(id)) return;
    answered.add(id);
    deliver(m);
  };

  /** A message from the event stream (`fromBody`: the body of a POST, the first one's at once). */
  function deliverEnvelope(text: string, fromBody?: { first: boolean }): void {
    let m: AnyMessage;
    try {
      m = JSON.parse(text) as AnyMessage;
    } catch {
      return; // not a JSON-RPC envelope (a keep-alive comment)
    }
    const id = answerId(m);
    if (id === undefined) deliver(m);
    else if (!fromBody || fromBody.first) answerOnce(id, m);
    else if (!answered.has(id) && !waiting.has(id)) waiting.set(id, setTimeout(() => answerOnce(id, m), ANSWER_GRACE_MS).unref());
  }

  /**
   * Messages leave in the order they were written: each POST starts once the one before it has
   * been sent in full (not answered: a prompt's answer takes the whole turn), so a session/cancel
   * does not overtake the prompt it cancels.
   */
  let sending: Promise<void> = Promise.resolve();

  async function post(m: AnyMessage): Promise<void> {
    const first = !created;
    created = true;
    const path = first ? `${base}?agent=${encodeURIComponent(target.agent)}` : base;
    const isRequest = 'method' in m && 'id' in m && m.id !== undefined && m.id !== null;
    const before = sending;
    let sent!: () => void;
    sending = new Promise<void>((r) => (sent = r));
    await before;
    let res: IncomingMessage;
    try {
      res = await call(target, 'POST', path, m, undefined, undefined, sent);
    } catch (e) {
      if (isRequest) answerOnce(String((m as { id: string | number }).id), { jsonrpc: '2.0', id: (m as { id: string | number }).id, error: { code: -32603, message: `sandbox-agent unreachable: ${(e as Error).message}` } } as AnyMessage);
      if (first) finish(`sandbox-agent unreachable: ${(e as Error).message}`);
      return;
    }
    const body = await readBody(res);
    if (res.statusCode === 200 && body) deliverEnvelope(body, { first });
    else if (res.statusCode !== 202 && isRequest) {
      answerOnce(String((m as { id: string | number }).id), { jsonrpc: '2.0', id: (m as { id: string | number }).id, error: { code: -32603, message: `sandbox-agent answered ${res.statusCode}: ${body.slice(0, 300)}` } } as AnyMessage);
    }
    // sandbox-agent keeps its server (and the event stream) after the agent process dies; its
    // answers then say so, and that ends the link as a stdio agent's exit does.
    if ((res.statusCode ?? 0) >= 500 && body.includes('agent_process_exited')) finish(`the agent process exited in sandbox-agent: ${problemDetail(body)}`);
    if (first && res.statusCode === 200) void listen();
    else if (first) finish(`sandbox-agent refused the agent (${res.statusCode})`);
  }

  const writable = new WritableStream<AnyMessage>({
    write(m) {
      // Not awaited: a prompt's POST lasts the whole turn, and other messages must not wait on it.
      void post(m);
    },
  });

  return {
    readable,
    writable,
    ended,
    localFs: false,
    async stop() {
      if (!over) {
        // The DELETE ends the event stream, which may abort before it answers: that is this stop.
        stopping = true;
        await call(target, 'DELETE', base).then(readBody, () => '');
        finish('stopped');
      }
    },
  };
}
