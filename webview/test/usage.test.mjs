// How token usage and cost are worded (webview/src/usage.ts).
// Run: node --test webview/test/*.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './bundle.mjs';

const { contextUsage, turnUsage, formatTokens, formatCost, contextText, turnUsageText } = await load('webview/src/usage.ts');

test('token counts read as people say them', () => {
  assert.deepEqual(
    [0, 950, 1000, 1234, 12_345, 200_000, 999_999, 1_250_000].map(formatTokens),
    ['0', '950', '1k', '1.23k', '12.3k', '200k', '1M', '1.25M'],
  );
});

test('cost: money in its currency with small amounts kept readable; other units after the number', () => {
  assert.equal(formatCost({ amount: 1.5, currency: 'USD' }, 'en-US'), '$1.50');
  assert.equal(formatCost({ amount: 0.0042, currency: 'USD' }, 'en-US'), '$0.0042');
  assert.equal(formatCost({ amount: 3, currency: 'EUR' }, 'en-US'), '€3.00');
  assert.equal(formatCost({ amount: 12, currency: 'credits' }, 'en-US'), '12 credits');
});

test('the context line and the turn line, with their tooltips', () => {
  const context = contextText({ used: 45_000, size: 200_000, cost: { amount: 0.12, currency: 'USD' } }, 'en-US');
  assert.equal(context.text, '45k / 200k tokens (23%) · $0.12');
  assert.match(context.title, /45,000 of 200,000 tokens/);
  assert.match(context.title, /Session cost so far: \$0\.12/);
  assert.equal(contextText({ used: 10, size: 0 }, 'en-US').text, '10 / 0 tokens', 'no percentage of an unknown window');
  const turn = turnUsageText({ totalTokens: 12_345, inputTokens: 12_000, outputTokens: 345, cachedReadTokens: 9000 }, 'en-US');
  assert.equal(turn.text, '12.3k tokens');
  assert.equal(turn.title, 'Tokens this turn: 12,345\nInput: 12,000\nOutput: 345\nCache read: 9,000');
});

test('malformed usage is no usage', () => {
  assert.equal(contextUsage({ used: 5 }), undefined);
  assert.deepEqual(contextUsage({ used: 5, size: 10, cost: { amount: 'x', currency: 'USD' } }), { used: 5, size: 10 });
  assert.equal(turnUsage({ totalTokens: 1, inputTokens: 1 }), undefined);
  assert.equal(turnUsage(null), undefined);
  assert.deepEqual(turnUsage({ totalTokens: 3, inputTokens: 2, outputTokens: 1, thoughtTokens: null }), { totalTokens: 3, inputTokens: 2, outputTokens: 1 });
});
