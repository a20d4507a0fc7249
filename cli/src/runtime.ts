/**
 * Where the CLI's sidecar lives and what runs it, when the CLI has to start one:
 *   data folder: --data-dir, else FOUNDRY_DATA_DIR, else the per-user folder (defaultDataDir);
 *   runtime: the Node that sidecar.json records (the last sidecar ran on it), if it still
 *   exists, else the Node running this CLI if it is 22 or newer, else a clear failure.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultDataDir, readSidecarInfo } from '../../shared/sidecarLocation';

export const MinimumNodeMajor = 22;

/** FOUNDRY_SIDECAR_IDLE_EXIT_SECONDS: how long a sidecar this CLI starts stays up with no client. */
export const IdleExitVariable = 'FOUNDRY_SIDECAR_IDLE_EXIT_SECONDS';

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(defaultDataDir(flag, env));
}

export interface SidecarRuntime {
  command: string;
  env: NodeJS.ProcessEnv;
}

export function resolveRuntime(dataDir: string, env: NodeJS.ProcessEnv = process.env): SidecarRuntime {
  // The recorded runtime may be an editor's Electron executable, which runs as Node only with
  // ELECTRON_RUN_AS_NODE; plain Node ignores it. The sidecar never passes it on to agents.
  const sidecarEnv = { ...env, ELECTRON_RUN_AS_NODE: '1' };
  const recorded = readSidecarInfo(dataDir)?.runtime;
  if (recorded && existsSync(recorded)) return { command: recorded, env: sidecarEnv };
  const major = Number.parseInt(process.versions.node.split('.')[0] ?? '', 10);
  if (major >= MinimumNodeMajor) return { command: process.execPath, env: sidecarEnv };
  throw new Error(
    `the Foundry sidecar needs Node.js ${MinimumNodeMajor} or newer, but this CLI runs on Node.js ${process.versions.node} (${process.execPath}) ` +
      `and no running sidecar recorded another runtime in ${dataDir}. Install Node.js ${MinimumNodeMajor} or newer (https://nodejs.org) and run foundry with it ` +
      `(or run "Foundry: Install CLI" in VS Code, whose launcher uses the editor's runtime).`,
  );
}

/** The idle delay for a sidecar this CLI starts, from FOUNDRY_SIDECAR_IDLE_EXIT_SECONDS; undefined: the default (60 s). */
export function idleExitSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[IdleExitVariable]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${IdleExitVariable} must be a whole number of seconds, not "${raw}"`);
  return Number(raw);
}
