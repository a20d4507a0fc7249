/**
 * The environment an agent process starts with: the user's environment, as the sidecar
 * inherited it, without the sidecar's own variables, plus what the agent's registry entry
 * says it gets.
 *
 * Left out (a deny-list, so the user's PATH, HOME, proxies, API keys, NODE_OPTIONS, VSCODE_*
 * and the rest pass through as in their terminal):
 * - every `FOUNDRY_*` variable: Foundry's internals (FOUNDRY_TRAFFIC_LOG, FOUNDRY_DATA_DIR,
 *   FOUNDRY_CLIENT_TRAFFIC_LOG, FOUNDRY_PORT, …), test switches (FOUNDRY_TEST_*,
 *   FOUNDRY_E2E_GATES, …) and the demo agent's settings, which only the demo agent gets;
 *   except the run markers below;
 * - `ELECTRON_RUN_AS_NODE`: the sidecar may run on the editor's Electron executable as Node.
 *   An agent gets it (set to 1) only when it runs on that same executable, as the demo agent
 *   does; any other program (itself perhaps an Electron app) must not inherit it.
 *
 * NODE_OPTIONS is kept: Foundry never sets it, so it is the user's (it is also what a real
 * agent such as Claude Code sees when the user starts it by hand).
 *
 * Kept on purpose: the run markers of the end-to-end harness (e2e/harness/processes.mjs) and
 * of scripts/start.sh. Every process of a run carries them, so a leak check finds a stray agent.
 *
 * Last come the variables of the agent's definition (`env`), unfiltered: the user wrote them.
 */
import { join } from 'node:path';
import type { AgentEntry } from './registry';

/** Run markers that leak checks look for in /proc/<pid>/environ. */
const RUN_MARKERS = new Set(['FOUNDRY_E2E_RUN', 'FOUNDRY_DEMO_RUN']);

const isSidecarOwn = (name: string) => (name.startsWith('FOUNDRY_') && !RUN_MARKERS.has(name)) || name === 'ELECTRON_RUN_AS_NODE';

interface AgentEnvContext {
  /** The agent's id in the registry (names its state folder). */
  id: string;
  /** The sidecar's data folder. */
  dataDir: string;
  /** The sidecar's environment (process.env). */
  inherited: NodeJS.ProcessEnv;
  /** The sidecar's own executable (process.execPath). */
  execPath: string;
}

export function agentEnv(entry: AgentEntry, cx: AgentEnvContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(cx.inherited)) {
    if (value !== undefined && !isSidecarOwn(name)) env[name] = value;
  }
  for (const name of entry.settings ?? []) {
    const value = cx.inherited[name];
    if (value !== undefined) env[name] = value;
  }
  if (entry.command === cx.execPath) env.ELECTRON_RUN_AS_NODE = '1';
  if (entry.stateDirVar) env[entry.stateDirVar] = join(cx.dataDir, 'agents', cx.id);
  return { ...env, ...entry.env };
}
