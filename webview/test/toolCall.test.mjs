// How a tool call's file paths are labelled (webview/src/toolCall.ts).
// Run: node --test webview/test/*.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './bundle.mjs';

const { displayPath, locationLabel } = await load('webview/src/toolCall.ts');

test('paths inside the worktree show relative to it; any other path as it is', () => {
  assert.equal(displayPath('/wt/src/a.ts', '/wt'), 'src/a.ts');
  assert.equal(displayPath('/wt/src/a.ts', '/wt/'), 'src/a.ts');
  assert.equal(displayPath('/wt-other/a.ts', '/wt'), '/wt-other/a.ts', 'a sibling that starts with the same name');
  assert.equal(displayPath('/wt', '/wt'), '/wt');
  assert.equal(displayPath('C:\\wt\\src\\a.ts', 'C:\\wt'), 'src\\a.ts');
  assert.equal(displayPath('/wt/a.ts', undefined), '/wt/a.ts');
  assert.equal(locationLabel({ path: '/wt/a.ts', line: 7 }, '/wt'), 'a.ts:7');
  assert.equal(locationLabel({ path: '/wt/a.ts' }, '/wt'), 'a.ts');
});
