/**
 * Token usage and cost as agents report them, and how the chat tab words them. Pure.
 *
 * Two sources in ACP:
 * - `usage_update` session updates (Codex sends them): the context window (`used` of `size` tokens)
 *   and, optionally, the session's cumulative `cost` {amount, currency};
 * - the `usage` of a `session/prompt` response (unstable ACP): token counts for the turn.
 */
import { asRecord, num, str } from './payload';

export interface Cost {
  readonly amount: number;
  /** An ISO 4217 code ("USD") for money, or another unit ("credits"). */
  readonly currency: string;
}

/** The latest `usage_update`. */
export interface ContextUsage {
  /** Tokens currently in the context window. */
  readonly used: number;
  /** The window's size in tokens. */
  readonly size: number;
  /** The session's cumulative cost, when the agent reports it. */
  readonly cost?: Cost;
}

/** A prompt response's `usage`. */
export interface TurnUsage {
  readonly totalTokens: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly thoughtTokens?: number;
  readonly cachedReadTokens?: number;
  readonly cachedWriteTokens?: number;
}

/** A line of text and its tooltip. */
export interface UsageText {
  readonly text: string;
  readonly title: string;
}

export function contextUsage(update: Record<string, unknown>): ContextUsage | undefined {
  const used = num(update.used);
  const size = num(update.size);
  if (used === undefined || size === undefined) return undefined;
  const rawCost = asRecord(update.cost);
  const amount = num(rawCost?.amount);
  const currency = str(rawCost?.currency);
  return amount !== undefined && currency ? { used, size, cost: { amount, currency } } : { used, size };
}

export function turnUsage(value: unknown): TurnUsage | undefined {
  const u = asRecord(value);
  if (!u) return undefined;
  const totalTokens = num(u.totalTokens);
  const inputTokens = num(u.inputTokens);
  const outputTokens = num(u.outputTokens);
  if (totalTokens === undefined || inputTokens === undefined || outputTokens === undefined) return undefined;
  const optional = (['thoughtTokens', 'cachedReadTokens', 'cachedWriteTokens'] as const).flatMap((k) => {
    const v = num(u[k]);
    return v === undefined ? [] : [[k, v] as const];
  });
  return { totalTokens, inputTokens, outputTokens, ...Object.fromEntries(optional) };
}

/** 950 -> "950", 12,345 -> "12.3k", 200,000 -> "200k", 1,250,000 -> "1.25M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 999_500) return `${trim(n / 1000, n < 10_000 ? 2 : n < 100_000 ? 1 : 0)}k`;
  return `${trim(n / 1_000_000, 2)}M`;
}

function trim(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** Money in its currency ("$0.0042", "$1.50"); any other unit after the number ("12 credits"). */
export function formatCost(cost: Cost, locale?: string): string {
  const digits = { minimumFractionDigits: 2, maximumFractionDigits: Math.abs(cost.amount) < 0.1 ? 4 : 2 };
  if (/^[A-Z]{3}$/.test(cost.currency)) {
    try {
      return numberFormat(locale, { style: 'currency', currency: cost.currency, ...digits }).format(cost.amount);
    } catch {
      // Not a currency Intl knows: fall through to the plain form.
    }
  }
  return `${numberFormat(locale, { maximumFractionDigits: 4 }).format(cost.amount)} ${cost.currency}`;
}

/** Number formats are costly to build and the header is painted often: one per shape. */
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, f);
  }
  return f;
}

/** "45k / 200k tokens (23%) · $0.12": the context window and the cost so far. */
export function contextText(usage: ContextUsage, locale?: string): UsageText {
  const percent = usage.size > 0 ? ` (${Math.round((usage.used / usage.size) * 100)}%)` : '';
  const count = (n: number) => numberFormat(locale).format(n);
  const parts = [`${formatTokens(usage.used)} / ${formatTokens(usage.size)} tokens${percent}`];
  const titles = [`Context window: ${count(usage.used)} of ${count(usage.size)} tokens in use`];
  if (usage.cost) {
    parts.push(formatCost(usage.cost, locale));
    titles.push(`Session cost so far: ${formatCost(usage.cost, locale)}`);
  }
  return { text: parts.join(' · '), title: titles.join('\n') };
}

/** "12.3k tokens", with the breakdown in the tooltip. */
export function turnUsageText(usage: TurnUsage, locale?: string): UsageText {
  const count = (n: number) => numberFormat(locale).format(n);
  const lines = [`Tokens this turn: ${count(usage.totalTokens)}`, `Input: ${count(usage.inputTokens)}`, `Output: ${count(usage.outputTokens)}`];
  if (usage.thoughtTokens !== undefined) lines.push(`Thinking: ${count(usage.thoughtTokens)}`);
  if (usage.cachedReadTokens !== undefined) lines.push(`Cache read: ${count(usage.cachedReadTokens)}`);
  if (usage.cachedWriteTokens !== undefined) lines.push(`Cache write: ${count(usage.cachedWriteTokens)}`);
  return { text: `${formatTokens(usage.totalTokens)} tokens`, title: lines.join('\n') };
}
