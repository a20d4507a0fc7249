/**
 * What an agent reported about a session in its `session/new` (or `session/load`) answer: its
 * modes and models, and how each is changed. Cached on the session row (`agent_config`, JSON), so
 * pickers and lists never start an agent to show them.
 *
 * Agents report these two ways (AGENTS.md): ACP `modes` / `models` (changed with
 * `session/set_mode` / `session/set_model`), or `configOptions` entries `mode` / `model` (changed
 * with `session/set_config_option`). Both are read; the config option wins where an agent only
 * accepts that (Codex answers set_model -32601).
 */
import type { ModelOption, SessionModeOption } from '../../../shared/protocol';

export interface AgentConfig {
  /** Every mode the agent reported, in its order. */
  modes: SessionModeOption[];
  currentModeId?: string;
  models: ModelOption[];
  currentModelId?: string;
  modeVia?: 'set_mode' | 'config_option';
  modelVia?: 'set_model' | 'config_option';
}

/** The parts of a session/new or session/load answer this reads (ACP, loosely typed: agents differ). */
export interface SessionSetup {
  modes?: unknown;
  models?: unknown;
  configOptions?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function option(id: string | undefined, name: unknown, description: unknown): { id: string; name: string; description?: string } | undefined {
  if (!id) return undefined;
  const d = str(description);
  return { id, name: str(name) ?? id, ...(d ? { description: d } : {}) };
}

/** A select config option's values, flattening groups. */
function selectValues(o: Record<string, unknown>): { id: string; name: string; description?: string }[] {
  const out: { id: string; name: string; description?: string }[] = [];
  for (const entry of arr(o.options)) {
    const e = rec(entry);
    if (!e) continue;
    if (Array.isArray(e.options)) out.push(...selectValues(e));
    else {
      const v = option(str(e.value) ?? str(e.id), e.name, e.description);
      if (v) out.push(v);
    }
  }
  return out;
}

export function readAgentConfig(setup: SessionSetup): AgentConfig {
  const config: AgentConfig = { modes: [], models: [] };
  const modes = rec(setup.modes);
  if (modes) {
    config.modes = arr(modes.availableModes).flatMap((m) => option(str(rec(m)?.id), rec(m)?.name, rec(m)?.description) ?? []);
    config.currentModeId = str(modes.currentModeId);
    if (config.modes.length) config.modeVia = 'set_mode';
  }
  const models = rec(setup.models);
  if (models) {
    config.models = arr(models.availableModels).flatMap((m) => option(str(rec(m)?.modelId) ?? str(rec(m)?.id), rec(m)?.name, rec(m)?.description) ?? []);
    config.currentModelId = str(models.currentModelId);
    if (config.models.length) config.modelVia = 'set_model';
  }
  for (const entry of arr(setup.configOptions)) {
    const o = rec(entry);
    const id = str(o?.id);
    if (!o || (id !== 'mode' && id !== 'model')) continue;
    const values = selectValues(o);
    const current = str(o.currentValue);
    if (id === 'mode') {
      if (!config.modes.length) config.modes = values;
      config.currentModeId ??= current;
      config.modeVia ??= 'config_option';
    } else {
      if (!config.models.length) config.models = values;
      config.currentModelId ??= current;
      // Models offered only as a config option are changed only that way.
      if (!models) config.modelVia = 'config_option';
    }
  }
  return config;
}

export function parseAgentConfig(json: string | null | undefined): AgentConfig {
  if (!json) return { modes: [], models: [] };
  try {
    const c = JSON.parse(json) as Partial<AgentConfig>;
    return { ...c, modes: c.modes ?? [], models: c.models ?? [] };
  } catch {
    return { modes: [], models: [] };
  }
}
