// Code-block highlighting (webview/src/highlight.ts) and its use by the markdown renderer.
// Run: node --test webview/test/*.test.mjs   (bundles the TypeScript modules with esbuild in memory)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './bundle.mjs';

const { highlight } = await load('webview/src/highlight.ts');
const { markdownHtml } = await load('webview/src/markdown.ts');

/** [token, text] pairs of the spans in highlighted HTML. */
function tokens(html) {
  return [...html.matchAll(/<span class="hl-([a-z]+)">([^<]*)<\/span>/g)].map((m) => [m[1], unescape(m[2])]);
}
function unescape(html) {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
/** The text the HTML shows: what the user reads must be the code, character for character. */
function text(html) {
  return unescape(html.replace(/<[^>]+>/g, ''));
}
const has = (html, token, word) => tokens(html).some(([t, w]) => t === token && w === word);

const samples = {
  ts: 'import { x } from "./x";\n// note\nexport async function f(a: number): Promise<string> {\n  const s = `v=${a}`; /* c */\n  return a > 0x1f ? s : null;\n}\n',
  json: '{\n  "name": "foundry",\n  "count": -1.5e3,\n  "ok": true,\n  "none": null\n}',
  py: '@dataclass\nclass A:\n    def run(self, n: int) -> str:\n        """Doc."""\n        return f"{n}" if n else None  # tail\n',
  sh: '#!/bin/sh\nif [ -n "$HOME" ]; then\n  echo \'hi\' --flag ${USER} # done\nfi\n',
  diff: 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n',
  rust: "#[derive(Debug)]\nfn main<'a>(s: &'a str) -> Option<u32> {\n    let c = 'x';\n    println!(\"{}\", r#\"raw\"#);\n    Some(42u32)\n}\n",
  go: 'package main\n\nfunc main() {\n\tvar s string = `raw`\n\tfmt.Println("hi", 3.14, nil)\n}\n',
};

test('each language marks its comments, strings, numbers, keywords and literals', () => {
  const html = Object.fromEntries(Object.entries(samples).map(([lang, code]) => [lang, highlight(code, lang)]));
  assert.ok(has(html.ts, 'keyword', 'import') && has(html.ts, 'keyword', 'const') && has(html.ts, 'keyword', 'return'));
  assert.ok(has(html.ts, 'string', '"./x"') && has(html.ts, 'string', '`v=${a}`'));
  assert.ok(has(html.ts, 'comment', '// note') && has(html.ts, 'comment', '/* c */'));
  assert.ok(has(html.ts, 'number', '0x1f') && has(html.ts, 'literal', 'null'));
  assert.ok(has(html.ts, 'function', 'f') && has(html.ts, 'type', 'Promise') && has(html.ts, 'type', 'number'));
  assert.ok(has(html.json, 'property', '"name"') && has(html.json, 'string', '"foundry"'));
  assert.ok(has(html.json, 'number', '-1.5e3') && has(html.json, 'literal', 'true') && has(html.json, 'literal', 'null'));
  assert.ok(has(html.py, 'meta', '@dataclass') && has(html.py, 'keyword', 'def') && has(html.py, 'string', '"""Doc."""'));
  assert.ok(has(html.py, 'literal', 'None') && has(html.py, 'comment', '# tail') && has(html.py, 'type', 'int'));
  assert.ok(has(html.sh, 'keyword', 'if') && has(html.sh, 'keyword', 'fi') && has(html.sh, 'variable', '${USER}'));
  assert.ok(has(html.sh, 'string', '"$HOME"') && has(html.sh, 'string', "'hi'") && has(html.sh, 'comment', '# done'));
  assert.ok(has(html.sh, 'property', '--flag') && has(html.sh, 'function', 'echo'));
  assert.ok(has(html.diff, 'addition', '+new') && has(html.diff, 'deletion', '-old') && has(html.diff, 'section', '@@ -1,2 +1,2 @@'));
  assert.ok(has(html.diff, 'meta', '--- a/x') && !has(html.diff, 'deletion', '--- a/x'), 'a file header is not a removed line');
  assert.ok(has(html.rust, 'meta', '#[derive(Debug)]') && has(html.rust, 'meta', "'a") && has(html.rust, 'string', "'x'"));
  assert.ok(has(html.rust, 'function', 'println!') && has(html.rust, 'string', 'r#"raw"#') && has(html.rust, 'number', '42u32'));
  assert.ok(has(html.rust, 'type', 'Option') && has(html.rust, 'type', 'u32') && has(html.rust, 'keyword', 'let'));
  assert.ok(has(html.go, 'keyword', 'package') && has(html.go, 'keyword', 'func') && has(html.go, 'string', '`raw`'));
  assert.ok(has(html.go, 'type', 'string') && has(html.go, 'literal', 'nil') && has(html.go, 'number', '3.14'));
  assert.ok(has(html.go, 'function', 'Println'));
});

test('highlighting never changes the text: tags stripped, the code reads back exactly', () => {
  const hostile = '<img src=x onerror="alert(1)"> & </code></pre><script>x</script> "q" \'s\' `t` /* <b> */';
  for (const lang of [...Object.keys(samples), 'javascript', 'python', 'bash', 'rs', 'golang', 'patch']) {
    for (const code of [samples[lang] ?? '', hostile, '"unterminated', '/* open', "'", '']) {
      const html = highlight(code, lang);
      assert.equal(text(html), code, `${lang}: ${JSON.stringify(code)}`);
      assert.doesNotMatch(html, /<(?!\/?span\b)/, `${lang}: only span tags: ${html}`);
    }
  }
});

test('an unknown language is left to markdown-it; the info string picks the language by its first word', () => {
  assert.equal(highlight('x = 1', 'cobol'), undefined);
  assert.equal(highlight('x = 1', ''), undefined);
  assert.ok(has(highlight('let x = 1', 'Rust ignore'), 'keyword', 'let'));
  assert.equal(highlight('x', 'constructor'), undefined, 'no prototype keys');
});

test('markdown: a fenced block gets token spans inside its language class, raw HTML in it stays text', () => {
  const html = markdownHtml('Here:\n\n```ts\nconst a = "<img src=x>";\n```\n\n```\nplain <b>\n```\n');
  assert.match(html, /<pre><code class="language-ts"><span class="hl-keyword">const<\/span> a = <span class="hl-string">&quot;&lt;img src=x&gt;&quot;<\/span>;/);
  assert.match(html, /<pre><code>plain &lt;b&gt;\n<\/code><\/pre>/);
  assert.doesNotMatch(html, /<img/);
});
