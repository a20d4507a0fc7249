/**
 * The demo agent's ACP handlers: initialize, session/new, session/load, session/prompt,
 * session/cancel, and the settings requests session/set_mode, session/set_model and
 * session/set_config_option.
 */
import { agent, methods, PROTOCOL_VERSION, RequestError } from '@agentclientprotocol/sdk';
import type { AgentApp, AgentContext, ContentBlock, SessionUpdate, StopReason } from '@agentclientprotocol/sdk';
import { z } from 'zod';
import type { ClientFs } from './clientFs.js';
import { announceCommandsAfterAnswer } from './commands.js';
import { LiveSession } from './liveSession.js';
import { parseScript, ScriptError } from './script.js';
import type { SessionStore } from './sessionStore.js';
import { sessionSettings, setConfigOption, setMode, setModel } from './settings.js';
import { runSteps } from './turn.js';
import type { TurnContext } from './turnContext.js';
import { recordTurn, usageUpdate, type TurnUsage } from './usage.js';

interface DemoAgentOptions {
  /** Advertise and serve `session/load` (false with `--no-load`). */
  loadSession: boolean;
  /** Pause between streamed chunks. */
  chunkDelayMs: number;
  store: SessionStore;
  /** Diagnostics sink (stderr); never receives prompt text. */
  log: (line: string) => void;
  /** Ends the process at once (the `exit CODE` line). */
  exit: (code: number) => never;
}

/** Sessions open in this process, by id. */
export type LiveSessions = Map<string, LiveSession>;

/** `session/set_model` params: not in ACP 2.4, so not parsed by the SDK. */
const SetModelParams = z.object({ sessionId: z.string(), modelId: z.string() });

export function createDemoAgent(options: DemoAgentOptions, live: LiveSessions): AgentApp {
  const { store, log } = options;
  /** What this connection's client advertised; one connection per process. */
  const clientFs: ClientFs = { readTextFile: false, writeTextFile: false };
  const liveSession = (sessionId: string) => {
    const session = live.get(sessionId);
    if (!session) throw unknownSession(sessionId);
    return session;
  };

  const app = agent({ name: 'foundry-demo' })
    .onRequest(methods.agent.initialize, ({ params }) => {
      clientFs.readTextFile = params.clientCapabilities?.fs?.readTextFile === true;
      clientFs.writeTextFile = params.clientCapabilities?.fs?.writeTextFile === true;
      return {
        protocolVersion: PROTOCOL_VERSION,
        agentCapabilities: { loadSession: options.loadSession, promptCapabilities: {} },
        agentInfo: { name: 'foundry-demo', title: 'Foundry demo agent', version: '0.1.0' },
        authMethods: [],
      };
    })
    .onRequest(methods.agent.session.new, async ({ params, client }) => {
      const record = await store.create(params.cwd);
      live.set(record.id, new LiveSession(record, store));
      log(`session/new ${record.id}`);
      announceCommandsAfterAnswer(client, record.id, log);
      return { sessionId: record.id, ...sessionSettings(record) };
    })
    .onRequest(methods.agent.session.prompt, async ({ params, client, signal }) => {
      const session = liveSession(params.sessionId);
      return session.runTurn(async (turnSignal) => {
        const cx: TurnContext = {
          session,
          client,
          clientFs,
          signal: AbortSignal.any([turnSignal, signal]),
          chunkDelayMs: options.chunkDelayMs,
          exit: options.exit,
        };
        const { stopReason, usage } = await runPrompt(params.prompt, cx)
          .catch((e: unknown) => {
            log(`session/prompt ${session.id}: error ${e instanceof RequestError ? e.code : 'unexpected'}`);
            throw e;
          })
          .finally(() => session.save());
        log(`session/prompt ${session.id}: ${stopReason}`);
        // `usage` is in ACP 2.4's unstable schema only; the stable PromptResponse type lacks it.
        const answer: { stopReason: StopReason; usage: TurnUsage } = { stopReason, usage };
        return answer;
      });
    })
    .onRequest(methods.agent.session.setMode, async ({ params, client }) => {
      await setMode(liveSession(params.sessionId), client, params.modeId);
      log(`session/set_mode ${params.sessionId}: ${params.modeId}`);
      return {};
    })
    .onRequest(methods.agent.session.setConfigOption, async ({ params, client }) => {
      const answer = await setConfigOption(liveSession(params.sessionId), client, params.configId, params.value);
      log(`session/set_config_option ${params.sessionId}: ${params.configId}`);
      return answer;
    })
    .onRequest('session/set_model', SetModelParams, async ({ params, client }) => {
      await setModel(liveSession(params.sessionId), client, params.modelId);
      log(`session/set_model ${params.sessionId}: ${params.modelId}`);
      return {};
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
      announceCommandsAfterAnswer(client, record.id, log);
      return sessionSettings(record);
    });
  }
  return app;
}

const REPLAYED_AS = {
  user: 'user_message_chunk',
  agent: 'agent_message_chunk',
  thought: 'agent_thought_chunk',
} as const;

function unknownSession(sessionId: string): RequestError {
  return new RequestError(-32002, `demo agent: unknown session "${sessionId}"`, { sessionId });
}

/**
 * Records the user's message, then parses and runs it as a script. However the turn
 * ends, its tokens are added to the session's usage and a `usage_update` is sent.
 */
async function runPrompt(prompt: ContentBlock[], cx: TurnContext): Promise<{ stopReason: StopReason; usage: TurnUsage }> {
  const record = cx.session.record;
  const text = prompt.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
  const start = record.history.length;
  record.history.push({ role: 'user', text });
  let stopReason: StopReason;
  try {
    stopReason = await runSteps(parseSteps(text), cx);
  } catch (e) {
    await reportUsage(cx, start).catch(() => undefined);
    throw e;
  }
  return { stopReason, usage: await reportUsage(cx, start) };
}

function parseSteps(text: string) {
  try {
    return parseScript(text);
  } catch (e) {
    if (e instanceof ScriptError) throw new RequestError(-32602, e.message, { line: e.line });
    throw e;
  }
}

async function reportUsage(cx: TurnContext, start: number): Promise<TurnUsage> {
  const usage = recordTurn(cx.session.record, start);
  await cx.client.notify(methods.client.session.update, { sessionId: cx.session.id, update: usageUpdate(cx.session.record) });
  return usage;
}

/**
 * Sends the stored conversation as user_message_chunk / agent_message_chunk /
 * agent_thought_chunk updates, oldest first.
 */
async function replayHistory(session: LiveSession, client: AgentContext): Promise<void> {
  for (const entry of session.record.history) {
    const update: SessionUpdate = {
      sessionUpdate: REPLAYED_AS[entry.role],
      content: { type: 'text', text: entry.text },
    };
    await client.notify(methods.client.session.update, { sessionId: session.id, update });
  }
}
