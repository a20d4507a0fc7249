/**
 * Agent processes spoken to over ACP (stdio, newline-delimited JSON-RPC) with the ACP SDK.
 * One process per Foundry session (`key`). Every conversation message that crosses the
 * connection is reported raw (`acp` event) so the transcript keeps the ACP message as
 * sent or received; history replayed by `session/load` is not reported again.
 */
import { client, methods, PROTOCOL_VERSION, type AnyMessage, type ClientConnection } from '@agentclientprotocol/sdk';
import type { EffectsApi, EffectsEvent } from './api';
import type { ProcessEffects } from './processes';
import { createPermissions } from './permissions';
import { createClientFs } from './clientFs';
import type { SessionSetup } from '../agents/agentConfig';
import type { AgentLink } from './transports/link';
import { stdioLink } from './transports/stdioLink';
import { sandboxAgentLink } from './transports/sandboxAgentLink';

interface AgentProcess {
  link: AgentLink;
  conn: ClientConnection;
  loadSession: boolean;
  /** ACP sessions whose history is being replayed: their updates are not new. */
  loading: Set<string>;
  exited: Promise<void>;
  /** Foundry is stopping it: its exit is expected, not a crash. */
  stopping: boolean;
}

const RECORDED_REQUESTS = new Set(['session/prompt', 'session/request_permission', 'fs/write_text_file']);
const RECORDED_NOTIFICATIONS = new Set(['session/update', 'session/cancel']);
/** Long turns are normal for agents: no request timeout of our own on a prompt. */
const INIT_TIMEOUT_MS = 30_000;

export function createAgentEffects(emit: (e: EffectsEvent) => void, processes: ProcessEffects) {
  const agents = new Map<string, AgentProcess>();
  const permissions = createPermissions(emit);
  const fs = createClientFs(emit);

  const setupOf = (r: { modes?: unknown; models?: unknown; configOptions?: unknown }): SessionSetup => ({
    modes: r.modes ?? undefined,
    models: r.models ?? undefined,
    configOptions: r.configOptions ?? undefined,
  });

  const get = (key: string): AgentProcess => {
    const a = agents.get(key);
    if (!a) throw new Error('agent process is not running');
    return a;
  };

  function recordingStream(key: string, base: AgentLink, loading: Set<string>) {
    const sentIds = new Set<unknown>(); // requests we sent that are recorded
    const receivedIds = new Set<unknown>(); // requests the agent sent that are recorded
    const record = (sender: 'client' | 'agent', msg: AnyMessage) => {
      const m = msg as { id?: unknown; method?: string; params?: { sessionId?: string } };
      const mine = sender === 'client' ? sentIds : receivedIds;
      const theirs = sender === 'client' ? receivedIds : sentIds;
      let keep = false;
      if (m.method && m.id !== undefined) {
        keep = RECORDED_REQUESTS.has(m.method);
        if (keep) mine.add(m.id);
      } else if (m.method) {
        keep = RECORDED_NOTIFICATIONS.has(m.method) && !(m.params?.sessionId && loading.has(m.params.sessionId));
      } else if (m.id !== undefined && theirs.has(m.id)) {
        keep = true;
        theirs.delete(m.id);
      }
      if (keep) emit({ type: 'acp', key, sender, message: msg });
    };
    const readable = base.readable.pipeThrough(
      new TransformStream<AnyMessage, AnyMessage>({
        transform(msg, ctl) {
          record('agent', msg);
          ctl.enqueue(msg);
        },
      }),
    );
    const writer = base.writable.getWriter();
    const writable = new WritableStream<AnyMessage>({
      write(msg) {
        record('client', msg);
        return writer.write(msg);
      },
      close: () => writer.close(),
      abort: (r) => writer.abort(r),
    });
    return { readable, writable };
  }

  async function stop(key: string): Promise<void> {
    const a = agents.get(key);
    if (!a) return;
    a.stopping = true;
    agents.delete(key);
    a.conn.close();
    await a.link.stop();
    await a.exited;
  }

  const api: Pick<
    EffectsApi,
    | 'agentStart'
    | 'agentNewSession'
    | 'agentLoadSession'
    | 'agentPrompt'
    | 'agentCancel'
    | 'agentReplyPermission'
    | 'agentStop'
    | 'agentSetMode'
    | 'agentSetModel'
  > = {
    async agentStart({ key, launch, cwd }) {
      await stop(key);
      const link = launch.kind === 'stdio' ? stdioLink(key, launch, cwd, processes, emit) : sandboxAgentLink(launch, key);
      let entryRef: AgentProcess | undefined;
      let stderrTail = '';
      const exited = link.ended.then((end) => {
        stderrTail = end.stderrTail;
        if (agents.get(key)?.link === link) agents.delete(key);
        permissions.dropAll(key);
        emit({ type: 'agentExited', key, code: end.code, signal: end.signal, expected: entryRef?.stopping ?? true, stderrTail: end.stderrTail });
      });
      const spawnError = 'spawnError' in link ? (link.spawnError as Promise<never>) : new Promise<never>(() => {});
      const loading = new Set<string>();
      let app = client({ name: 'foundry' })
        // Held open until the user answers (agentReplyPermission), Stop, or the agent goes.
        .onRequest(methods.client.session.requestPermission, ({ params, signal }) => permissions.ask(key, params, signal))
        .onNotification(methods.client.session.update, () => {});
      // A local agent's files are this machine's: Foundry serves them, inside the worktree only.
      if (link.localFs) {
        app = app
          .onRequest(methods.client.fs.readTextFile, ({ params }) => fs.read(key, cwd, params))
          .onRequest(methods.client.fs.writeTextFile, ({ params }) => fs.write(key, cwd, params));
      }
      const conn = app.connect(recordingStream(key, link, loading));
      const entry: AgentProcess = { link, conn, loadSession: false, loading, exited, stopping: false };
      entryRef = entry;
      agents.set(key, entry);
      const died = exited.then(() => {
        throw new Error(`agent exited during start${stderrTail ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('agent did not answer initialize within 30 s')), INIT_TIMEOUT_MS);
      });
      try {
        const init = await Promise.race([
          conn.agent.request(methods.agent.initialize, {
            protocolVersion: PROTOCOL_VERSION,
            clientCapabilities: { fs: { readTextFile: link.localFs, writeTextFile: link.localFs }, terminal: false },
          }),
          spawnError,
          died,
          timeout,
        ]);
        entry.loadSession = init.agentCapabilities?.loadSession === true;
      } catch (e) {
        await stop(key);
        throw e;
      } finally {
        clearTimeout(timer);
      }
      return { pgid: link.pgid ?? 0, loadSession: entry.loadSession };
    },

    async agentNewSession({ key, cwd }) {
      const r = await get(key).conn.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
      return { acpSessionId: r.sessionId, setup: setupOf(r as Parameters<typeof setupOf>[0]) };
    },

    async agentLoadSession({ key, acpSessionId, cwd }) {
      const a = get(key);
      a.loading.add(acpSessionId);
      try {
        const r = await a.conn.agent.request(methods.agent.session.load, { sessionId: acpSessionId, cwd, mcpServers: [] });
        return { setup: setupOf((r ?? {}) as Parameters<typeof setupOf>[0]) };
      } finally {
        a.loading.delete(acpSessionId);
      }
    },

    async agentSetMode({ key, acpSessionId, modeId, via }) {
      const a = get(key);
      if (via === 'set_mode') await a.conn.agent.request(methods.agent.session.setMode, { sessionId: acpSessionId, modeId });
      else await a.conn.agent.request(methods.agent.session.setConfigOption, { sessionId: acpSessionId, configId: 'mode', value: modeId } as never);
    },

    async agentSetModel({ key, acpSessionId, modelId, via }) {
      const a = get(key);
      // `session/set_model` is not in the SDK's method table (it is unstable in ACP); it is sent as is.
      const request = a.conn.agent.request as (method: string, params: unknown) => Promise<unknown>;
      if (via === 'set_model') await request.call(a.conn.agent, 'session/set_model', { sessionId: acpSessionId, modelId });
      else await a.conn.agent.request(methods.agent.session.setConfigOption, { sessionId: acpSessionId, configId: 'model', value: modelId } as never);
    },

    async agentPrompt({ key, acpSessionId, text }) {
      const a = get(key);
      const died = a.exited.then(() => {
        throw new Error('agent process exited during the turn');
      });
      const r = await Promise.race([
        a.conn.agent.request(methods.agent.session.prompt, { sessionId: acpSessionId, prompt: [{ type: 'text', text }] }),
        died,
      ]);
      return { stopReason: r.stopReason };
    },

    async agentCancel({ key, acpSessionId }) {
      const a = agents.get(key);
      if (a) await a.conn.agent.notify(methods.agent.session.cancel, { sessionId: acpSessionId });
    },

    agentReplyPermission: ({ key, requestId, optionId }) => permissions.reply(key, requestId, optionId),

    agentStop: ({ key }) => stop(key),
  };

  return {
    api,
    stopAll: async () => {
      await Promise.all([...agents.keys()].map(stop));
    },
  };
}
