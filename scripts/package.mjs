// `npm run package`: a production build, then a platform-specific .vsix made by @vscode/vsce that
// works when installed - it carries the bundles in dist/ and the sidecar's native SQLite module
// (better-sqlite3: its JavaScript and the prebuilt binding for this platform). .vscodeignore keeps
// sources and tests out; this script adds the binding for the target platform and checks the result.
//   node scripts/package.mjs [--out path.vsix] [--skip-build]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { NATIVE_MODULE, nativeRuntimeFiles, readManifest, ROOT } from './extension-files.mjs';
import { listZipEntries } from './zip-entries.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const manifest = readManifest();
const target = `${process.platform}-${process.arch}`;
const out = resolve(flag('--out') ?? join(ROOT, `${manifest.name}-${manifest.version}-${target}.vsix`));

if (!args.includes('--skip-build')) {
  console.log('[package] production build');
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
}

// The checked-in ignore rules plus this platform's prebuilt binding.
const native = nativeRuntimeFiles(ROOT);
const ignoreDir = mkdtempSync(join(tmpdir(), 'foundry-package-'));
const ignoreFile = join(ignoreDir, 'vscodeignore');
const extra = native.filter((f) => f.includes(`${NATIVE_MODULE}/prebuilds/`)).map((f) => `!${f}`);
writeFileSync(ignoreFile, `${readFileSync(join(ROOT, '.vscodeignore'), 'utf8')}\n${extra.join('\n')}\n`);

try {
  console.log(`[package] vsce package --target ${target}`);
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(
    process.execPath,
    [
      vsce, 'package',
      '--target', target,
      '--ignoreFile', ignoreFile,
      '--out', out,
      // No repository URL: keep README's relative links (its screenshot) as they are instead of failing.
      '--allow-missing-repository', '--no-rewrite-relative-links',
      '--skip-license',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
} finally {
  rmSync(ignoreDir, { recursive: true, force: true });
}

// What users install must hold everything that runs, and nothing from the sources.
const entries = new Set(listZipEntries(out));
const required = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/effects-worker.js',
  'extension/dist/snapshot-worker.js',
  'extension/dist/demo-agent.js',
  'extension/dist/agent-installer.js',
  'extension/dist/cli.js',
  'extension/dist/webview/chat.js',
  `extension/node_modules/${NATIVE_MODULE}/package.json`,
  `extension/node_modules/${NATIVE_MODULE}/lib/index.js`,
];
const missing = required.filter((e) => !entries.has(e));
if (![...entries].some((e) => e.startsWith(`extension/node_modules/${NATIVE_MODULE}/`) && e.endsWith('.node'))) {
  missing.push(`a ${NATIVE_MODULE} binding (.node) for ${target}`);
}
const leaked = [...entries].filter((e) => /^extension\/(server|extension|webview|agents|shared|test|e2e|scripts)\/|\.map$|\.ts$/.test(e));
if (missing.length || leaked.length) {
  console.error(`[package] ${relative(ROOT, out)} is not installable as is:`);
  for (const m of missing) console.error(`  missing: ${m}`);
  for (const l of leaked) console.error(`  should not ship: ${l}`);
  process.exit(1);
}
console.log(`[package] ${relative(process.cwd(), out)}: ${entries.size} files, native binding included`);
