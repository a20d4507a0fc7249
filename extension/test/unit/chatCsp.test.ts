// The chat tab's CSP: what a page rendering untrusted agent text may load.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatCsp } from '../../src/chat/chatCsp';

// What VS Code gives as `webview.cspSource`.
const source = 'https://*.vscode-cdn.net';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));
}

test('images load only from the webview\'s own resources and data: URLs, never from the network', () => {
  const csp = directives(chatCsp(source, 'abc'));
  assert.deepEqual(csp.get('img-src'), [source, 'data:']);
});

test('nothing else is allowed by default, and no directive names a remote scheme or any host', () => {
  const csp = directives(chatCsp(source, 'abc'));
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.equal(csp.has('connect-src'), false, 'fetch and XHR fall back to none');
  assert.equal(csp.has('frame-src'), false);
  for (const [name, values] of csp) {
    for (const value of values) {
      if (value === source) continue;
      assert.doesNotMatch(value, /^(https?:|\*|ws)/, `${name} allows ${value}`);
      assert.doesNotMatch(value, /unsafe-(inline|eval)/, `${name} allows ${value}`);
    }
  }
});

test('the script runs only with the per-load nonce', () => {
  assert.deepEqual(directives(chatCsp(source, 'n0nce+/=')).get('script-src'), ["'nonce-n0nce+/='"]);
  assert.notEqual(chatCsp(source, 'a'), chatCsp(source, 'b'));
});
