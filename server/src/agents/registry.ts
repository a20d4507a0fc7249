/**
 * Agents are data: an id maps to how its ACP process is launched. Built-ins can be
 * overridden, and others added, through initializationOptions.agents.
 */
import { join } from 'node:path';
import type { AgentDefinition } from '../../../shared/protocol';

/**
 * A launchable agent: its definition, and what Foundry gives it besides the user's environment
 * (see agentEnv.ts). Only built-ins get more; a definition from initializationOptions gets its
 * own `env` and nothing else.
 */
export interface AgentEntry extends AgentDefinition {
  /** Variable that carries the agent's own state folder, `<dataDir>/agents/<id>`. */
  stateDirVar?: string;
  /** The agent's `FOUNDRY_*` settings, passed on from the sidecar's environment when set there. */
  settings?: string[];
}

export function agentRegistry(bundleDir: string, extra: Record<string, AgentDefinition> = {}): Map<string, AgentEntry> {
  const builtins: Record<string, AgentEntry> = {
    /** The offline, deterministic agent shipped with Foundry (see agents/demo/README.md). */
    demo: {
      command: process.execPath,
      args: [join(bundleDir, 'demo-agent.js')],
      stateDirVar: 'FOUNDRY_DEMO_STATE_DIR',
      settings: ['FOUNDRY_DEMO_CHUNK_DELAY_MS'],
    },
    claude: { command: 'npx', args: ['-y', '@zed-industries/claude-code-acp'] },
    codex: { command: 'npx', args: ['-y', '@zed-industries/codex-acp'] },
    gemini: { command: 'gemini', args: ['--experimental-acp'] },
    opencode: { command: 'opencode', args: ['acp'] },
  };
  return new Map(Object.entries({ ...builtins, ...extra }));
}
