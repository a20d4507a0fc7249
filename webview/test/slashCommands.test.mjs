// Slash-command completion in the composer: what is listed and what the text becomes (webview/src/slashCommands.ts).
// Run: node --test webview/test/*.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './bundle.mjs';

const { slashQuery, matchCommands, completeCommand } = await load('webview/src/slashCommands.ts');

const commands = [
  { name: 'plan', description: 'Make a plan' },
  { name: 'review', description: 'Review changes' },
  { name: 'replan', description: 'Plan again' },
  { name: 'compact', description: 'Compact the context' },
];

test('a command is being typed only while the caret is in a leading /word', () => {
  assert.equal(slashQuery('/', 1), '');
  assert.equal(slashQuery('/pl', 3), 'pl');
  assert.equal(slashQuery('/pl', 1), 'pl', 'the whole word, wherever the caret is in it');
  assert.equal(slashQuery('/plan now', 9), undefined, 'past the first word');
  assert.equal(slashQuery('/plan now', 0), undefined, 'before the slash');
  assert.equal(slashQuery('see /plan', 9), undefined, 'not at the start');
  assert.equal(slashQuery('', 0), undefined);
});

test('matches: names starting with the query first, then names containing it, ignoring case', () => {
  assert.deepEqual(matchCommands(commands, '').map((c) => c.name), ['plan', 'review', 'replan', 'compact']);
  assert.deepEqual(matchCommands(commands, 'PL').map((c) => c.name), ['plan', 'replan']);
  assert.deepEqual(matchCommands(commands, 're').map((c) => c.name), ['review', 'replan']);
  assert.deepEqual(matchCommands(commands, 'xyz'), []);
});

test('completing replaces the first word with /name and a space, keeping what follows', () => {
  assert.deepEqual(completeCommand('/pl', commands[0]), { text: '/plan ', caret: 6 });
  assert.deepEqual(completeCommand('/r the tests', commands[1]), { text: '/review the tests', caret: 8 });
  assert.deepEqual(completeCommand('/', commands[3]), { text: '/compact ', caret: 9 });
});
