/**
 * Token and cost accounting, made up but deterministic: a token is 4 characters (rounded up)
 * and prices come from the session's model. Reported after each turn as a `usage_update`.
 */
import type { SessionUpdate } from '@agentclientprotocol/sdk';
import { modelInfo } from './models.js';
import type { SessionRecord } from './sessionStore.js';

/** The demo's token count of a text. */
export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/**
 * One turn's tokens, in the shape of the `usage` of a session/prompt answer
 * (ACP 2.4 has it in its unstable schema only).
 */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/**
 * Adds the turn that began at history index `start` to the session's totals: the user's
 * message is input, everything the agent said or thought since is output.
 */
export function recordTurn(record: SessionRecord, start: number): TurnUsage {
  const turn = record.history.slice(start);
  const inputTokens = turn.filter((e) => e.role === 'user').reduce((n, e) => n + tokensOf(e.text), 0);
  const outputTokens = turn.filter((e) => e.role !== 'user').reduce((n, e) => n + tokensOf(e.text), 0);
  const model = modelInfo(record.modelId);
  record.usage.inputTokens += inputTokens;
  record.usage.outputTokens += outputTokens;
  record.usage.costMicros += inputTokens * model.inputPrice + outputTokens * model.outputPrice;
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

/** The `usage_update`: the whole history as context, the model's window, the cost so far. */
export function usageUpdate(record: SessionRecord): SessionUpdate {
  return {
    sessionUpdate: 'usage_update',
    used: record.history.reduce((n, e) => n + tokensOf(e.text), 0),
    size: modelInfo(record.modelId).contextWindow,
    cost: { amount: record.usage.costMicros / 1_000_000, currency: 'USD' },
  };
}
