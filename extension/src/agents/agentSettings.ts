/**
 * `foundry.agents`: non-secret settings per agent id, `{ "claude": { "env": { "ANTHROPIC_BASE_URL":
 * "..." } } }`, passed to the sidecar as SidecarSettings.agentEnv. API keys never go here: they go
 * through Configure Agent into SecretStorage. No `vscode` import: unit-tested in Node.
 */

const VarName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const AgentId = /^[\w.-]+$/;

/** The setting as SidecarSettings.agentEnv: plain agent ids and variable names with string values only. */
export function agentEnvOf(setting: unknown): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!isObject(setting)) return out;
  for (const [id, entry] of Object.entries(setting)) {
    if (!AgentId.test(id) || !isObject(entry) || !isObject(entry.env)) continue;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.env)) if (VarName.test(name) && typeof value === 'string') env[name] = value;
    if (Object.keys(env).length) out[id] = env;
  }
  return out;
}

/** The setting with one agent's variable set (or removed, with `value` undefined), the rest kept. */
export function withAgentVar(setting: unknown, agentId: string, name: string, value: string | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = isObject(setting) ? { ...setting } : {};
  const entry: Record<string, unknown> = isObject(all[agentId]) ? { ...(all[agentId] as Record<string, unknown>) } : {};
  const env: Record<string, unknown> = isObject(entry.env) ? { ...entry.env } : {};
  if (value === undefined) delete env[name];
  else env[name] = value;
  entry.env = env;
  all[agentId] = entry;
  return all;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
