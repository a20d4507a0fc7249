/**
 * A session's mode and model: how session/new and session/load report them (as `modes`,
 * `models` and `configOptions`), and the requests that change them (session/set_mode,
 * session/set_model, session/set_config_option). Every change is saved with the session and
 * announced: `current_mode_update` for a mode, `config_option_update` when the answer does
 * not already carry the options.
 */
import { methods, RequestError } from '@agentclientprotocol/sdk';
import type { AgentContext, SessionConfigOption, SessionUpdate } from '@agentclientprotocol/sdk';
import type { LiveSession } from './liveSession.js';
import { isModeId, modeConfigOption, modeState, MODES } from './modes.js';
import { isModelId, modelConfigOption, modelState, MODELS } from './models.js';
import type { SessionRecord } from './sessionStore.js';

/** The mode and model part of a session/new or session/load answer. */
export function sessionSettings(record: SessionRecord) {
  return { modes: modeState(record.modeId), models: modelState(record.modelId), configOptions: configOptions(record) };
}

function configOptions(record: SessionRecord): SessionConfigOption[] {
  return [modeConfigOption(record.modeId), modelConfigOption(record.modelId)];
}

const invalid = (message: string, data: object) => new RequestError(-32602, `demo agent: ${message}`, data);

function checkMode(modeId: string) {
  if (!isModeId(modeId)) {
    throw invalid(`unknown mode "${modeId}" (modes: ${MODES.map((m) => m.id).join(', ')})`, { modeId });
  }
  return modeId;
}

function checkModel(modelId: string) {
  if (!isModelId(modelId)) {
    throw invalid(`unknown model "${modelId}" (models: ${MODELS.map((m) => m.modelId).join(', ')})`, { modelId });
  }
  return modelId;
}

function announce(session: LiveSession, client: AgentContext, update: SessionUpdate): Promise<void> {
  return client.notify(methods.client.session.update, { sessionId: session.id, update });
}

/** `session/set_mode`: answers `{}`. */
export async function setMode(session: LiveSession, client: AgentContext, modeId: string): Promise<void> {
  session.record.modeId = checkMode(modeId);
  await session.save();
  await announce(session, client, { sessionUpdate: 'current_mode_update', currentModeId: session.record.modeId });
  await announce(session, client, { sessionUpdate: 'config_option_update', configOptions: configOptions(session.record) });
}

/** `session/set_model` (not in ACP 2.4, but real agents serve it): answers `{}`. */
export async function setModel(session: LiveSession, client: AgentContext, modelId: string): Promise<void> {
  session.record.modelId = checkModel(modelId);
  await session.save();
  await announce(session, client, { sessionUpdate: 'config_option_update', configOptions: configOptions(session.record) });
}

/** `session/set_config_option` for `mode` or `model`: answers with every option. */
export async function setConfigOption(
  session: LiveSession,
  client: AgentContext,
  configId: string,
  value: string | boolean,
): Promise<{ configOptions: SessionConfigOption[] }> {
  if (configId !== 'mode' && configId !== 'model') {
    throw invalid(`unknown config option "${configId}" (options: mode, model)`, { configId });
  }
  if (typeof value !== 'string') {
    throw invalid(`config option "${configId}" takes one of its values, not a boolean`, { configId, value });
  }
  if (configId === 'mode') session.record.modeId = checkMode(value);
  else session.record.modelId = checkModel(value);
  await session.save();
  if (configId === 'mode') {
    await announce(session, client, { sessionUpdate: 'current_mode_update', currentModeId: session.record.modeId });
  }
  return { configOptions: configOptions(session.record) };
}
