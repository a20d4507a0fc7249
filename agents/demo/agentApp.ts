/** The demo agent's ACP handlers: initialize, session/new, session/load, session/prompt, session/cancel. */
import { agent, methods, PROTOCOL_VERSION, RequestError } from '@agentclientprotocol/sdk';
import type { AgentApp, AgentContext, ContentBlock, SessionUpdate } from '@agentclientprotocol/sdk';
import { LiveSession } from './liveSession.js';
import { parseScript, ScriptError } from './script.js';
import type { SessionStore } from './sessionStore.js';
import { runSteps } from './turn.js';

interface DemoAgentOptions {
  /** Advertise and serve `session/load` (false with `--no-load`). */
  loadSession: boolean;
  /** Pause between streamed chunks. */
  chunkDelayMs: number;
  store: SessionStore;
  /** Diagnostics sink (stderr); never receives prompt text. */
  log: (line: string) => void;
}

/** Sessions open in this process, by id. */
export type LiveSessions = Map<string, LiveSession>;

export function createDemoAgent(options: DemoAgentOptions, live: LiveSessions): AgentApp {
  const { store, log } = options;

  const app = agent({ name: 'foundry-demo' })
    .onRequest(methods.agent.initialize, () => ({
      protocolVersion: PROTOCOL_VERSION,
      agentCapabilities: { loadSession: options.loadSession, promptCapabilities: {} },
      agentInfo: { name: 'foundry-demo', title: 'Foundry demo agent', version: '0.1.0' },
      authMethods: [],
    }))
    .onRequest(methods.agent.session.new, async ({ params }) => {
      const record = await store.create(params.cwd);
      live.set(record.id, new LiveSession(record, store));
      log(`session/new ${record.id}`);
      return { sessionId: record.id };
    })
    .onRequest(methods.agent.session.prompt, async ({ params, client, signal }) => {
      const session = live.get(params.sessionId);
      if (!session) throw unknownSession(params.sessionId);
      return session.runTurn(async (turnSignal) => {
        const stopReason = await runPrompt(session, params.prompt, {
          client,
          signal: AbortSignal.any([turnSignal, signal]),
          chunkDelayMs: options.chunkDelayMs,
        })
          .catch((e: unknown) => {
            log(`session/prompt ${session.id}: error ${e instanceof RequestError ? e.code : 'unexpected'}`);
            throw e;
          })
          .finally(() => session.save());
        log(`session/prompt ${session.id}: ${stopReason}`);
        return { stopReason };
      });
    })
    .onNotification(methods.agent.session.cancel, ({ params }) => {
      log(`session/cancel ${params.sessionId}`);
      live.get(params.sessionId)?.cancel();
    });

  if (options.loadSession) {
    app.onRequest(methods.agent.session.load, async ({ params, client }) => {
      const record = await store.find(params.sessionId);
      if (!record) throw unknownSession(params.sessionId);
      record.cwd = params.cwd;
      live.get(record.id)?.cancel();
      const session = new LiveSession(record, store);
      live.set(record.id, session);
      await replayHistory(session, client);
      await session.save();
      log(`session/load ${record.id}: replayed ${record.history.length} messages`);
      return {};
    });
  }
  return app;
}

function unknownSession(sessionId: string): RequestError {
  return new RequestError(-32002, `demo agent: unknown session "${sessionId}"`, { sessionId });
}

interface PromptContext {
  client: AgentContext;
  signal: AbortSignal;
  chunkDelayMs: number;
}

/** Records the user's message, then parses and runs it as a script. */
async function runPrompt(session: LiveSession, prompt: ContentBlock[], cx: PromptContext) {
  const text = prompt.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
  session.record.history.push({ role: 'user', text });
  let steps;
  try {
    steps = parseScript(text);
  } catch (e) {
    if (e instanceof ScriptError) throw new RequestError(-32602, e.message, { line: e.line });
    throw e;
  }
  return runSteps(steps, { session, ...cx });
}

/** Sends the stored conversation as user_message_chunk / agent_message_chunk updates, oldest first. */
async function replayHistory(session: LiveSession, client: AgentContext): Promise<void> {
  for (const entry of session.record.history) {
    const update: SessionUpdate = {
      sessionUpdate: entry.role === 'user' ? 'user_message_chunk' : 'agent_message_chunk',
      content: { type: 'text', text: entry.text },
    };
    await client.notify(methods.client.session.update, { sessionId: session.id, update });
  }
}
