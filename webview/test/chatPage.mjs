// The chat tab's real bundle (webview/src/main.ts, bundled with esbuild in memory) in headless
// Chromium through playwright-core, under the chat tab's real CSP, with a stand-in for the VS Code
// webview API that records what the tab posts. Nothing is fetched: the page and its assets are
// served from memory, any other request is aborted and recorded.
// Used by webview/test/chatView.test.mjs and bench/chatRender.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.FOUNDRY_E2E_CHROMIUM || '/usr/bin/chromium';
const PLAYWRIGHT = join(root, 'e2e', 'node_modules', 'playwright-core', 'index.mjs');
const codicons = join(root, 'node_modules', '@vscode', 'codicons', 'dist');

/** Why the browser tests cannot run here, or false. */
export const browserMissing =
  (!existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (bash scripts/setup.sh installs it)`) ||
  (!existsSync(PLAYWRIGHT) && 'no playwright-core in e2e/node_modules (bash scripts/setup.sh installs it)');

const ORIGIN = 'http://chat.test';
const NONCE = 'dGVzdC1ub25jZQ==';

/** Theme colours a test can check the tab's styles against. */
export const theme = {
  '--vscode-foreground': 'rgb(204, 204, 204)',
  '--vscode-editor-background': 'rgb(30, 30, 30)',
  '--vscode-descriptionForeground': 'rgb(150, 150, 150)',
  '--vscode-debugTokenExpression-name': 'rgb(197, 134, 192)',
  '--vscode-debugTokenExpression-string': 'rgb(206, 145, 120)',
  '--vscode-debugTokenExpression-number': 'rgb(181, 206, 168)',
  '--vscode-debugTokenExpression-boolean': 'rgb(78, 148, 206)',
  '--vscode-symbolIcon-functionForeground': 'rgb(220, 220, 170)',
  '--vscode-symbolIcon-classForeground': 'rgb(78, 201, 176)',
  '--vscode-diffEditor-insertedLineBackground': 'rgba(155, 185, 85, 0.2)',
  '--vscode-diffEditor-removedLineBackground': 'rgba(255, 0, 0, 0.2)',
  '--vscode-textLink-foreground': 'rgb(55, 148, 255)',
  '--vscode-focusBorder': 'rgb(0, 127, 212)',
  '--vscode-editorSuggestWidget-background': 'rgb(37, 37, 38)',
  '--vscode-editorSuggestWidget-selectedBackground': 'rgb(4, 57, 94)',
  '--vscode-input-background': 'rgb(60, 60, 60)',
  '--vscode-editorWidget-background': 'rgb(37, 37, 38)',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-size': '13px',
};

async function build(entry, platform, format) {
  const out = await esbuild.build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    format,
    platform,
    target: 'es2022',
    outdir: join(root, 'out'),
    loader: { '.ttf': 'file', '.css': 'css' },
    logLevel: 'silent',
  });
  return Object.fromEntries(out.outputFiles.map((f) => [f.path.endsWith('.css') ? 'css' : 'js', f.text]));
}

let assets;
async function chatAssets() {
  if (!assets) {
    const [chat, csp, protocol] = await Promise.all([
      build('webview/src/main.ts', 'browser', 'iife'),
      build('extension/src/chat/chatCsp.ts', 'node', 'esm'),
      build('shared/webview-protocol.ts', 'node', 'esm'),
    ]);
    const load = (js) => import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
    const { chatCsp } = await load(csp.js);
    const { ToWebview } = await load(protocol.js);
    assets = { ...chat, csp: chatCsp(ORIGIN, NONCE), ToWebview };
  }
  return assets;
}

/** A browser for several pages; close it when done. */
export async function launchChromium() {
  const { chromium } = await import(PLAYWRIGHT);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}

/**
 * A chat tab in a new page of `browser`, its script loaded and `ready` posted. `send(message)`
 * checks a panel message against the protocol and posts it; `posted()` is what the tab posted;
 * `blocked` the requests it tried.
 */
export async function openChat(browser, { viewport = { width: 900, height: 700 } } = {}) {
  const { js, css, csp, ToWebview } = await chatAssets();
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport });
  const blocked = [];
  const files = {
    '/': ['text/html', page()],
    '/chat.js': ['text/javascript', js],
    '/chat.css': ['text/css', css],
    '/theme.css': ['text/css', `:root { ${Object.entries(theme).map(([k, v]) => `${k}: ${v};`).join(' ')} }`],
    '/codicon.css': ['text/css', readFileSync(join(codicons, 'codicon.css'))],
    '/codicon.ttf': ['font/ttf', readFileSync(join(codicons, 'codicon.ttf'))],
  };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const file = url.origin === ORIGIN ? files[url.pathname] : undefined;
    if (!file) {
      blocked.push(route.request().url());
      return route.abort();
    }
    return route.fulfill({ status: 200, contentType: file[0], body: file[1] });
  });
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(`${ORIGIN}/`);
  await tab.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return {
    page: tab,
    blocked,
    errors,
    send: (message) => {
      // The tab drops an invalid message with a console warning: say why here instead of timing out.
      const parsed = ToWebview.safeParse(message);
      if (!parsed.success) throw new Error(`not a valid panel message: ${JSON.stringify(parsed.error.issues[0])}`);
      return tab.evaluate((m) => window.postMessage(m, '*'), message);
    },
    posted: () => tab.evaluate(() => window.__posted),
    violations: () => tab.evaluate(() => window.__violations),
    close: () => context.close(),
  };

  function page() {
    // As chatHtml.ts writes it, plus the stand-in for acquireVsCodeApi (allowed by the nonce).
    return `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${ORIGIN}/theme.css">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${ORIGIN}/codicon.css">
<link rel="stylesheet" href="${ORIGIN}/chat.css">
<script nonce="${NONCE}">
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
let state;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });
</script>
</head>
<body data-session-id="s1">
<script nonce="${NONCE}" src="${ORIGIN}/chat.js"></script>
</body></html>`;
  }
}
