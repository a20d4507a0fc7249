// Agent markdown in the chat tab must never make the tab fetch a URL: a prompt-injected agent could
// carry data out in an image address. Checked twice: the markdown-it stage in Node, and the whole
// renderer (markdown-it + DOMPurify) in a real Chromium page whose every host name resolves to a
// local trap server, so any fetch the rendered HTML starts is seen.
// Run: node --test webview/test/   (bundles webview/src/markdown.ts with esbuild in memory)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const CHROMIUM = process.env.FOUNDRY_E2E_CHROMIUM || '/usr/bin/chromium';
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** What an injected agent might write, as markdown. */
const agentMarkdown = {
  markdownImage: '![x](https://evil.example/a.png)',
  rawImage: 'Look: <img src=http://evil.example/b.png>',
  titledImage: 'Text ![chart](http://evil.example/c.png "Chart") more',
  protocolRelative: '![y](//evil.example/d.png)',
  referenceImage: '![z][pic]\n\n[pic]: https://evil.example/e.png',
  linkedImage: '[![w](https://evil.example/f.png)](https://example.com/page)',
  embedded: `![dot](${PIXEL})`,
  link: 'See [the docs](https://example.com/docs).',
};

/** HTML that markdown-it never emits, for the sanitiser's own rules. */
const hostileHtml = [
  '<img src="https://evil.example/g.png" srcset="https://evil.example/h.png 2x" alt="g">',
  '<video poster="https://evil.example/i.png"><source src="https://evil.example/j.mp4"></video>',
  '<audio src="https://evil.example/k.mp3"></audio>',
  '<picture><source srcset="https://evil.example/l.png"><img alt="l"></picture>',
  '<p style="background-image: url(https://evil.example/m.png)">styled</p>',
  '<table background="https://evil.example/n.png"><tr><td>cell</td></tr></table>',
  '<input type="image" src="https://evil.example/o.png">',
  '<link rel="stylesheet" href="https://evil.example/p.css">',
  '<iframe src="https://evil.example/q.html"></iframe>',
  '<object data="https://evil.example/r.swf"></object>',
  '<svg><image href="https://evil.example/s.png"></image></svg>',
  '<a href="https://example.com/" ping="https://evil.example/t">a link</a>',
].join('\n');

async function bundle(contents, format, platform) {
  const out = await esbuild.build({ stdin: { contents, resolveDir: process.cwd(), loader: 'js' }, bundle: true, write: false, format, platform, logLevel: 'silent' });
  return out.outputFiles[0].text;
}

const { markdownHtml } = await import(
  `data:text/javascript;base64,${Buffer.from(await bundle("export { markdownHtml } from './webview/src/markdown.ts';", 'esm', 'node')).toString('base64')}`
);

test('markdown-it stage: a remote image becomes a link with its alt text, never an <img>', () => {
  for (const [name, text] of Object.entries(agentMarkdown)) {
    const html = markdownHtml(text);
    const imgs = [...html.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
    if (name === 'embedded') {
      assert.equal(imgs.length, 1, html);
      assert.ok(imgs[0].includes(`src="${PIXEL}"`), 'an embedded image still shows');
    } else {
      assert.deepEqual(imgs, [], `${name}: ${html}`);
    }
    assert.doesNotMatch(html, /\bsrc="(?!data:)/, `${name}: ${html}`);
  }
  assert.equal(
    markdownHtml(agentMarkdown.markdownImage).trim(),
    '<p><a class="remote-image" href="https://evil.example/a.png" title="Image not loaded: https://evil.example/a.png"><i class="codicon codicon-file-media" aria-hidden="true"></i>x</a></p>',
  );
  // Raw HTML is text, not markup.
  assert.match(markdownHtml(agentMarkdown.rawImage), /&lt;img src=/);
  assert.match(markdownHtml(agentMarkdown.link), /<a href="https:\/\/example.com\/docs">the docs<\/a>/);
});

/** A TCP server that records the first bytes of every connection: an HTTP request line and Host, or a TLS hello with its SNI name. */
async function trapServer() {
  const seen = [];
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (chunk) => {
      const text = chunk.toString('latin1');
      seen.push(text);
      if (/^[A-Z]+ /.test(text)) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

const pageScript = `
import { renderMarkdown, sanitize } from './webview/src/markdown.ts';
const cases = { ...${JSON.stringify(agentMarkdown)} };
const out = document.getElementById('out');
const html = {};
for (const [name, text] of Object.entries(cases)) html[name] = renderMarkdown(text);
html.hostileHtml = sanitize(${JSON.stringify(hostileHtml)});
// Into the live document, as the transcript view does: this is where a fetch would start.
for (const [name, h] of Object.entries(html)) {
  const div = document.createElement('div');
  div.dataset.case = name;
  div.innerHTML = h;
  out.append(div);
}
// The control: an image put in directly must reach the trap, or the check below proves nothing.
const control = document.createElement('img');
control.src = 'http://control.example/control.png';
document.body.append(control);
const leaks = [];
for (const el of out.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    // A link's address and a tooltip's text load nothing; any other attribute naming the attacker might.
    const inert = attr.name === 'title' || (el.tagName === 'A' && attr.name === 'href');
    if (/evil\\.example/.test(attr.value) && !inert) leaks.push(el.tagName + ' ' + attr.name + '=' + attr.value);
  }
}
const result = {
  html,
  leaks,
  remoteImages: [...out.querySelectorAll('.remote-image')].map((a) => a.textContent),
  embeddedImages: out.querySelectorAll('img[src^="data:"]').length,
  imgs: out.querySelectorAll('img').length,
};
document.getElementById('result').textContent = JSON.stringify(result);
`;

test(
  'in a real browser, rendered agent markdown and hostile HTML fetch nothing; an embedded image still shows',
  { skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (bash scripts/setup.sh installs it)` },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foundry-markdown-'));
    const trap = await trapServer();
    try {
      const page = join(dir, 'page.html');
      const script = await bundle(pageScript, 'iife', 'browser');
      writeFileSync(page, `<!DOCTYPE html><html><body><div id="out"></div><pre id="result"></pre><script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
      const dom = await new Promise((resolve, reject) => {
        execFile(
          CHROMIUM,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-extensions',
            `--user-data-dir=${join(dir, 'profile')}`,
            // Every host name, the attacker's included, resolves to the trap: nothing leaves this machine.
            `--host-resolver-rules=MAP * 127.0.0.1:${trap.port}`,
            '--dump-dom',
            `file://${page}`,
          ],
          { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => (error ? reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`)) : resolve(stdout)),
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const json = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1];
      assert.ok(json, `the page wrote its result:\n${dom.slice(0, 2000)}`);
      const result = JSON.parse(json.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));

      assert.ok(
        trap.seen.some((first) => first.includes('control.example')),
        `the control image reached the trap (seen: ${JSON.stringify(trap.seen.map((s) => s.slice(0, 60)))})`,
      );
      // Printable: an HTTP request as it is, a TLS hello down to its readable bytes (the SNI name among them).
      const fetched = trap.seen.filter((first) => first.includes('evil.example')).map((first) => first.replace(/[^\x20-\x7e\r\n]+/g, ' ').slice(0, 300));
      assert.deepEqual(fetched, [], 'no request went to the attacker');
      assert.deepEqual(result.leaks, [], JSON.stringify(result.html, null, 1));
      assert.deepEqual(result.remoteImages, ['x', 'chart', 'y', 'z', 'w'], 'each remote image shows its alt text (as a link, or inside the link it was in)');
      assert.equal(result.embeddedImages, 1, 'the data: image is still an image');
      assert.equal(result.imgs, 3, 'the only other images are the hostile ones, left without a source');
      assert.match(result.html.link, /<a href="https:\/\/example.com\/docs">the docs<\/a>/);
      assert.match(result.html.hostileHtml, /<a href="https:\/\/example.com\/">a link<\/a>/, 'a plain link survives, without ping');
      assert.match(result.html.hostileHtml, /<p>styled<\/p>/, 'the text of a styled paragraph survives, without the style');
    } finally {
      await trap.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
