/**
 * The detached sidecar runs from its own copy of the bundles, `D/runtime/<version>-<hash>/`, so
 * an extension update (which replaces the extension's folder) never deletes files under a
 * running sidecar. The copy holds dist/{server,effects-worker,snapshot-worker,demo-agent,agent-installer}.js and the native
 * SQLite module for this platform (and the pinned sandbox-agent binary, when present); it is made once per build, atomically (temp folder, rename).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FOUNDRY_VERSION } from './version';

const Bundles = ['server.js', 'effects-worker.js', 'snapshot-worker.js', 'demo-agent.js', 'agent-installer.js'];
const NativeModule = 'better-sqlite3';
/** Relative to the bundles' parent folder (and to the copy's): the providers/daytona upload. */
export const SandboxAgentBinary = join('node_modules', '@sandbox-agent', 'cli-linux-x64', 'bin', 'sandbox-agent');

/** `<version>-<hash of the bundles>`: a new build gets a new folder, an unchanged one reuses it. */
export function runtimeKey(bundleDir: string): string {
  const h = createHash('sha256');
  for (const f of Bundles) h.update(readFileSync(join(bundleDir, f)));
  return `${FOUNDRY_VERSION}-${h.digest('hex').slice(0, 12)}`;
}

/** The native module's folder as the bundles in `bundleDir` resolve it (`<bundleDir>/../node_modules`). */
function nativeModuleDir(bundleDir: string): string {
  const dir = join(bundleDir, '..', 'node_modules', NativeModule);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`${NativeModule} is missing next to ${bundleDir}`);
  return dir;
}

/** Copy the runtime if this build's copy is not there yet; returns the copy's server.js. */
export function prepareRuntime(bundleDir: string, dataDir: string): string {
  const target = join(dataDir, 'runtime', runtimeKey(bundleDir));
  const serverJs = join(target, 'dist', 'server.js');
  if (existsSync(join(target, '.complete'))) return serverJs;
  const tmp = `${target}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'dist'), { recursive: true });
  for (const f of Bundles) cpSync(join(bundleDir, f), join(tmp, 'dist', f));
  const native = nativeModuleDir(bundleDir);
  const nativeCopy = join(tmp, 'node_modules', NativeModule);
  mkdirSync(nativeCopy, { recursive: true });
  cpSync(join(native, 'package.json'), join(nativeCopy, 'package.json'));
  cpSync(join(native, 'lib'), join(nativeCopy, 'lib'), { recursive: true });
  const prebuilds = join(native, 'prebuilds');
  if (existsSync(prebuilds)) {
    for (const f of readdirSync(prebuilds)) {
      if (f.endsWith('.node') && f.includes(process.platform) && f.includes(process.arch)) cpSync(join(prebuilds, f), join(nativeCopy, 'prebuilds', f));
    }
  }
  const release = join(native, 'build', 'Release');
  if (existsSync(release)) {
    for (const f of readdirSync(release)) if (f.endsWith('.node')) cpSync(join(release, f), join(nativeCopy, 'build', 'Release', f));
  }
  // The pinned sandbox-agent binary the Daytona provider uploads into each remote sandbox.
  const sandboxAgent = join(bundleDir, '..', SandboxAgentBinary);
  if (existsSync(sandboxAgent)) {
    mkdirSync(join(tmp, SandboxAgentBinary, '..'), { recursive: true });
    cpSync(sandboxAgent, join(tmp, SandboxAgentBinary));
  }
  cpSync(join(tmp, 'dist', 'server.js'), join(tmp, '.complete'));
  try {
    renameSync(tmp, target);
  } catch (e) {
    // Another client made the same copy first: use theirs.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(target, '.complete'))) throw e;
  }
  return serverJs;
}
