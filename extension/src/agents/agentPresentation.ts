/**
 * How agents are shown and what fixes one that is not ready: pure functions over AgentInfo, so the
 * Create Task picker, Configure Agent, Install Agent and the failure notices say the same thing
 * (and are unit-tested without `vscode`).
 */
import type { AgentInfo } from '../../../shared/protocol';

/** The two commands that fix an agent; other views call them with an agent id. */
export const InstallAgentCommand = 'foundry.installAgent';
export const ConfigureAgentCommand = 'foundry.configureAgent';

export interface AgentFix {
  /** The button: "Install Claude Code", "Set API key". */
  readonly label: string;
  readonly command: typeof InstallAgentCommand | typeof ConfigureAgentCommand;
}

/** The way out for an agent that is not ready, if the sidecar named one. */
export function agentFix(info: AgentInfo): AgentFix | undefined {
  if (info.ready) return undefined;
  if (info.action === 'install') return { label: `Install ${info.name}`, command: InstallAgentCommand };
  if (info.action === 'set_credentials') return { label: 'Set API key', command: ConfigureAgentCommand };
  return undefined;
}

/** One line of state: "ready", "installing: <progress>", or why it is not ready. */
export function agentState(info: AgentInfo): string {
  if (info.install && info.install.status !== 'failed') return `installing${info.install.message ? `: ${info.install.message}` : ''}`;
  if (info.ready) return 'ready';
  return info.reason ?? 'not ready';
}

/** A quick-pick row for an agent. */
export function agentPickRow(info: AgentInfo, defaultId?: string): { label: string; description: string; detail?: string } {
  const icon = info.ready ? '$(check)' : info.action === 'install' ? '$(cloud-download)' : '$(key)';
  const tags = [info.version, info.id === defaultId ? 'default' : undefined].filter(Boolean).join(' · ');
  return {
    label: `${icon} ${info.name}`,
    description: [info.id, tags].filter(Boolean).join(' · '),
    ...(info.ready ? {} : { detail: agentState(info) }),
  };
}

/** Agents in picker order: the default first, then the ready ones, then the rest (stable within each). */
export function pickerOrder(agents: readonly AgentInfo[], defaultId?: string): AgentInfo[] {
  const rank = (a: AgentInfo) => (a.id === defaultId ? 0 : a.ready ? 1 : 2);
  return agents.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map(({ a }) => a);
}

export type InstallOutcome = { state: 'installing'; message?: string } | { state: 'installed' } | { state: 'failed'; message: string };

/** Where an install stands, read from the agent's info after `foundry/installAgent` was sent. */
export function installOutcome(info: AgentInfo): InstallOutcome {
  if (info.install?.status === 'failed') return { state: 'failed', message: info.install.message ?? `Could not install ${info.name}.` };
  if (info.install) return { state: 'installing', ...(info.install.message ? { message: info.install.message } : {}) };
  return info.installed ? { state: 'installed' } : { state: 'failed', message: info.reason ?? `${info.name} is not installed.` };
}

/** The variable a gateway's base URL goes in, for the agents whose adapters read one. */
export const BaseUrlVars: Readonly<Record<string, string>> = {
  claude: 'ANTHROPIC_BASE_URL',
  codex: 'OPENAI_BASE_URL',
  gemini: 'GOOGLE_GEMINI_BASE_URL',
};

/** A stored credentials entry: only plain variable names with string values survive. */
export function parseStoredEnv(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && typeof v === 'string' && v) out[name] = v;
    return out;
  } catch {
    return {};
  }
}
