// What an installed Foundry extension consists of, in one place: the .vsix packager
// (scripts/package.mjs) and the end-to-end harness (which copies the unpacked extension into a
// code-server extensions folder) both use it, so the tests run what users install.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The sidecar's native SQLite module; it stays external to the esbuild bundle. */
export const NATIVE_MODULE = 'better-sqlite3';
export const SANDBOX_AGENT_BINARY = join('node_modules', '@sandbox-agent', 'cli-linux-x64', 'bin', 'sandbox-agent');

/** The extension's manifest, e.g. to name its install folder `publisher.name-version`. */
export function readManifest(root = ROOT) {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

/** `publisher.name-version`, the folder name VS Code gives an installed extension. */
export function installFolderName(manifest = readManifest()) {
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
}

/**
 * Names of the prebuilt binaries of the native module that load on this platform (better-sqlite3
 * 13 ships N-API prebuilds named `<platform>-<arch>.node`; musl Linux has its own).
 */
function nativePrebuildNames(platform = process.platform, arch = process.arch) {
  const names = [`${platform}-${arch}.node`];
  if (platform === 'linux') names.push(`linuxmusl-${arch}.node`);
  return names;
}

/**
 * Paths (relative to the root) of the native module's runtime files for this platform: its
 * manifest, its JavaScript, the prebuild for this platform and a locally compiled binding if any.
 * better-sqlite3 13 has no runtime dependencies (node-addon-api is only needed to compile).
 */
export function nativeRuntimeFiles(root = ROOT) {
  const base = join('node_modules', NATIVE_MODULE);
  const dir = join(root, base);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`${base} is not installed: run npm install at the root`);
  const deps = Object.keys(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {});
  const unexpected = deps.filter((d) => d !== 'node-addon-api');
  if (unexpected.length) throw new Error(`${NATIVE_MODULE} now needs ${unexpected.join(', ')} at run time: ship them too`);

  const files = [join(base, 'package.json'), join(base, 'lib')];
  for (const name of nativePrebuildNames()) {
    if (existsSync(join(dir, 'prebuilds', name))) files.push(join(base, 'prebuilds', name));
  }
  const release = join(dir, 'build', 'Release');
  if (existsSync(release)) {
    for (const f of readdirSync(release)) if (f.endsWith('.node')) files.push(join(base, 'build', 'Release', f));
  }
  if (files.length === 2) throw new Error(`${NATIVE_MODULE} has no binding for ${process.platform}-${process.arch}`);
  return files;
}

/** Everything the installed extension needs, relative to the root. */
function extensionFiles(root = ROOT) {
  const required = ['package.json', 'dist'];
  for (const f of required) if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build`);
  // The pinned sandbox-agent binary the Daytona provider uploads into remote sandboxes (Linux x64).
  const optional = ['README.md', 'LICENSE', 'media', SANDBOX_AGENT_BINARY].filter((f) => existsSync(join(root, f)));
  return [...required, ...optional, ...nativeRuntimeFiles(root)];
}

/** Copies the unpacked extension (what a .vsix would install) into `dest`. */
export function stageExtension(dest, root = ROOT) {
  mkdirSync(dest, { recursive: true });
  for (const rel of extensionFiles(root)) {
    cpSync(join(root, rel), join(dest, rel), {
      recursive: true,
      filter: (src) => !src.endsWith('.map'),
    });
  }
  return dest;
}
