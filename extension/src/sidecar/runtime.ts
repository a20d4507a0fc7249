/**
 * Which runtime runs the sidecar, and whether it can: better-sqlite3 13 needs Node 22 or newer.
 */
import { execFile } from 'node:child_process';

export const MinimumNodeMajor = 22;

export interface Runtime {
  readonly command: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when this is the extension host's own executable. */
  readonly isHostRuntime: boolean;
}

/** The configured runtime, or the extension host's own (run as plain Node). */
export function resolveRuntime(configured: string): Runtime {
  if (configured) return { command: configured, env: { ...process.env }, isHostRuntime: false };
  // Desktop VS Code's executable is Electron: ask it to behave as Node.
  return { command: process.execPath, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, isHostRuntime: true };
}

export type RuntimeCheck = { ok: true; version: string } | { ok: false; message: string };

/** Spawn `<runtime> -p process.versions.node` and judge the answer. */
export function checkRuntime(runtime: Runtime): Promise<RuntimeCheck> {
  const what = runtime.isHostRuntime ? `the extension host's runtime (${runtime.command})` : `"${runtime.command}"`;
  const fix = 'Set "foundry.sidecar.runtime" to the path of a Node.js 22 (or newer) executable, then run "Foundry: Restart Sidecar".';
  return new Promise((resolve) => {
    execFile(runtime.command, ['-p', 'process.versions.node'], { env: runtime.env, timeout: 15_000 }, (error, stdout) => {
      if (error) {
        resolve({ ok: false, message: `Foundry could not run ${what}: ${error.message}. ${fix}` });
        return;
      }
      const version = stdout.trim();
      const major = Number.parseInt(version.split('.')[0] ?? '', 10);
      if (!Number.isFinite(major)) {
        resolve({ ok: false, message: `Foundry could not read a Node.js version from ${what} (it printed "${version.slice(0, 80)}"). ${fix}` });
      } else if (major < MinimumNodeMajor) {
        resolve({ ok: false, message: `Foundry's sidecar needs Node.js ${MinimumNodeMajor} or newer, but ${what} is Node.js ${version}. ${fix}` });
      } else {
        resolve({ ok: true, version });
      }
    });
  });
}
