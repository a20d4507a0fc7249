/**
 * Agents are data: an id maps to how its ACP process is launched. Built-ins can be
 * overridden, and others added, through initializationOptions.agents.
 */
import { join } from 'node:path';
import type { AgentDefinition } from '../../../shared/protocol';

export function agentRegistry(bundleDir: string, extra: Record<string, AgentDefinition> = {}): Map<string, AgentDefinition> {
  const builtins: Record<string, AgentDefinition> = {
    /** The offline, deterministic agent shipped with Foundry (see agents/demo/README.md). */
    demo: { command: process.execPath, args: [join(bundleDir, 'demo-agent.js')] },
    claude: { command: 'npx', args: ['-y', '@zed-industries/claude-code-acp'] },
    codex: { command: 'npx', args: ['-y', '@zed-industries/codex-acp'] },
    gemini: { command: 'gemini', args: ['--experimental-acp'] },
    opencode: { command: 'opencode', args: ['acp'] },
  };
  return new Map(Object.entries({ ...builtins, ...extra }));
}
