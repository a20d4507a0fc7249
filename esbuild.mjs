// One esbuild context per bundle. `node esbuild.mjs` builds once; `--watch` rebuilds on change;
// `--production` minifies. Native modules (better-sqlite3) stay external to the sidecar bundle.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// FOUNDRY_BUILD_VERSION stamps another version (the hand-over tests build a "newer" copy).
const version = process.env.FOUNDRY_BUILD_VERSION || JSON.parse(readFileSync('package.json', 'utf8')).version;
const outRoot = process.env.FOUNDRY_BUILD_OUTDIR || 'dist';

const common = {
  bundle: true,
  define: { __FOUNDRY_VERSION__: JSON.stringify(version) },
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const node = { ...common, platform: 'node', target: 'node22', format: 'cjs' };

// @daytonaio/sdk: its ESM build loads form-data, busboy, tar and fast-glob through a require that
// esbuild cannot see (uploads then fail outside a checkout with node_modules), so the sidecar bundles
// its CommonJS build, whose plain require() calls esbuild follows. The OpenTelemetry exporters it
// loads only when DAYTONA_OTEL_ENABLED / otelEnabled is set stay external (3.3 MB instead of 6.4 MB).
const daytona = {
  alias: { '@daytonaio/sdk': './node_modules/@daytonaio/sdk/cjs/index.js' },
  external: [
    '@opentelemetry/sdk-node',
    '@opentelemetry/instrumentation-http',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/otlp-exporter-base',
    '@opentelemetry/semantic-conventions',
    '@opentelemetry/resources',
  ],
};

const targets = [
  // Extension host: cjs, node, `vscode` provided by the host.
  { ...node, entryPoints: { extension: 'extension/src/extension.ts' }, outdir: outRoot, external: ['vscode'] },
  // Sidecar and its effects worker: native modules external.
  {
    ...node,
    entryPoints: { server: 'server/src/main.ts', 'effects-worker': 'server/src/effects/worker.ts', 'snapshot-worker': 'server/src/effects/snapshotWorker.ts' },
    outdir: outRoot,
    alias: daytona.alias,
    external: ['better-sqlite3', ...daytona.external],
  },
  // The agent installer, its own process: npm's own library, bundled (no npm binary needed).
  { ...node, entryPoints: { 'agent-installer': 'server/src/agents/install/installer.ts' }, outdir: outRoot, logLevel: 'error' },
  // The offline demo ACP agent, its own process.
  { ...node, entryPoints: { 'demo-agent': 'agents/demo/main.ts' }, outdir: outRoot },
  // The `foundry` CLI: a client of the sidecar's socket; it never opens the database.
  { ...node, entryPoints: { cli: 'cli/src/main.ts' }, outdir: outRoot, external: ['better-sqlite3'], banner: { js: '#!/usr/bin/env node' } },
  // Unit tests of the extension's pure logic: plain Node, no `vscode` (an import of it fails the build).
  {
    ...node,
    entryPoints: ['extension/test/unit/*.test.ts'],
    outbase: 'extension/test/unit',
    outdir: `${outRoot}/test/unit`,
    logLevel: 'warning',
  },
  // Chat tab UI: browser iife.
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { chat: 'webview/src/main.ts' },
    outdir: `${outRoot}/webview`,
    loader: { '.ttf': 'file', '.css': 'css' },
  },
];

function copyAssets() {
  mkdirSync(`${outRoot}/webview`, { recursive: true });
  cpSync('node_modules/@vscode/codicons/dist/codicon.css', `${outRoot}/webview/codicon.css`);
  cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', `${outRoot}/webview/codicon.ttf`);
}

copyAssets();
const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
