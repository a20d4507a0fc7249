/** The demo agent's models: names to choose between, and the numbers its usage reports use. */
import type { SessionConfigOption } from '@agentclientprotocol/sdk';

interface DemoModel {
  modelId: string;
  name: string;
  description: string;
  /** The context window, reported as `size` in usage_update. */
  contextWindow: number;
  /** US dollars per million tokens, for the cost in usage_update. */
  inputPrice: number;
  outputPrice: number;
}

/** The models, in the order they are offered; the first is a new session's model. */
export const MODELS = [
  {
    modelId: 'demo-standard',
    name: 'Demo Standard',
    description: 'The everyday model (200k context)',
    contextWindow: 200_000,
    inputPrice: 3,
    outputPrice: 15,
  },
  {
    modelId: 'demo-large',
    name: 'Demo Large',
    description: 'The larger model (1M context)',
    contextWindow: 1_000_000,
    inputPrice: 15,
    outputPrice: 75,
  },
] as const satisfies readonly DemoModel[];

export type ModelId = (typeof MODELS)[number]['modelId'];

export const DEFAULT_MODEL: ModelId = 'demo-standard';

export function isModelId(id: string): id is ModelId {
  return MODELS.some((m) => m.modelId === id);
}

export function modelInfo(id: ModelId): DemoModel {
  return MODELS.find((m) => m.modelId === id)!;
}

/**
 * The `models` field of a session/new or session/load answer. ACP 2.4 has no such
 * field (nor `session/set_model`), but real agents still send it, so the demo does too.
 */
export function modelState(current: ModelId) {
  return {
    currentModelId: current,
    availableModels: MODELS.map(({ modelId, name, description }) => ({ modelId, name, description })),
  };
}

/** The same choice as the `model` select config option. */
export function modelConfigOption(current: ModelId): SessionConfigOption {
  return {
    id: 'model',
    name: 'Model',
    description: 'The model that answers',
    category: 'model',
    type: 'select',
    currentValue: current,
    options: MODELS.map((m) => ({ value: m.modelId, name: m.name, description: m.description })),
  };
}
