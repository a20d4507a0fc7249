/**
 * Last adjustments to the environment of an agent process that Foundry starts on this machine
 * (not in a sandbox-agent sandbox), each working around how a pinned agent behaves here. Measured
 * with the real agents (test/server/real-agents-*.test.mjs; docs/agents.md).
 */
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface LocalLaunch {
  /** The agent's pinned install folder (`<agentsDir>/<id>@<version>`). */
  installDir: string;
  /** The agent's own folder in Foundry's data folder (`<dataDir>/agents/<id>`). */
  stateDir: string;
}

const runsAsRoot = () => process.getuid?.() === 0;

/**
 * Claude Code refuses bypassPermissions as root outside a sandbox, which it recognises by
 * IS_SANDBOX: its ACP adapter offers the mode when IS_SANDBOX is set at all, its CLI then exits
 * unless it is exactly "1" (an inherited IS_SANDBOX=yes killed every session at its first
 * prompt). A process Foundry starts here is in no sandbox Foundry made: as root, IS_SANDBOX is
 * left out, Claude does not offer bypassPermissions, and full_access falls back to acceptEdits
 * (catalog.ts), which the session says. A sandbox sets IS_SANDBOX=1 where its agents start.
 */
export function claudeLocalEnv(env: Record<string, string>): Record<string, string> {
  if (!runsAsRoot() || env.IS_SANDBOX === undefined) return env;
  const { IS_SANDBOX: _dropped, ...rest } = env;
  return rest;
}

/**
 * codex-acp runs sandboxed work (a patch under the `auto` preset, commands) through bubblewrap,
 * which executes `codex-linux-sandbox` from PATH: Codex's own CLI puts that alias of itself on
 * PATH, codex-acp 0.16 does not, so every sandboxed patch failed ("command failed; retry without
 * sandbox?") and asked. Foundry puts the alias, a link to the pinned native binary, in the
 * agent's folder and that folder first on PATH.
 */
export function codexLocalEnv(env: Record<string, string>, cx: LocalLaunch): Record<string, string> {
  if (process.platform !== 'linux') return env;
  const native = join(cx.installDir, 'node_modules', '@zed-industries', `codex-acp-linux-${process.arch}`, 'bin', 'codex-acp');
  if (!existsSync(native)) return env;
  const bin = join(cx.stateDir, 'bin');
  const link = join(bin, 'codex-linux-sandbox');
  try {
    if (readlinkOrUndefined(link) !== native) {
      mkdirSync(bin, { recursive: true });
      rmSync(link, { force: true });
      symlinkSync(native, link);
    }
  } catch {
    return env; // Codex asks for what it cannot sandbox: no worse than without the alias.
  }
  return { ...env, PATH: env.PATH ? `${bin}${delimiter}${env.PATH}` : bin };
}

function readlinkOrUndefined(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
