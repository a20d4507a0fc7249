/**
 * Agents are data: an id maps to how its ACP process is launched and whether it can be. The
 * built-ins are the demo agent (bundled) and the catalog's (catalog.ts), each launched from its
 * pinned install in the agents folder or, failing that, from its adapter's binary on PATH. The
 * settings (initializationOptions.agents) override or add definitions.
 *
 * What a session needs - installed? credentials present? - is computed here once and again when
 * something changes (an install, credentials, a refresh), never per read: `foundry/listAgents`
 * answers from memory.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { AgentDefinition, AgentInfo, ApprovalPolicy } from '../../../shared/protocol';
import { CATALOG, DEMO_POLICIES, type CatalogAgent, type PolicyMapping } from './catalog';

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

/** An agent as the registry knows it. */
interface Known {
  id: string;
  name: string;
  catalog?: CatalogAgent;
  /** The launch definition, when it can be launched now. */
  entry?: AgentEntry;
  source?: AgentInfo['source'];
  policies: Partial<Record<ApprovalPolicy, PolicyMapping>>;
  /** A settings definition's command (named when it cannot be found). */
  command?: string;
}

export interface InstallState {
  status: 'queued' | 'installing' | 'failed';
  message?: string;
}

export interface RegistryContext {
  bundleDir: string;
  /** Where pinned installs live: `<agentsDir>/<id>@<version>`. */
  agentsDir: string;
  /** Agent definitions from the settings. */
  extra: Record<string, AgentDefinition>;
  /** Non-secret environment per agent, from the settings. */
  agentEnv: Record<string, Record<string, string>>;
  /** The sidecar's environment. */
  inherited: NodeJS.ProcessEnv;
}

export class AgentRegistry {
  private known = new Map<string, Known>();
  private readonly credentials = new Map<string, Record<string, string>>();
  private readonly installs = new Map<string, InstallState>();
  private infos: AgentInfo[] = [];

  constructor(private readonly cx: RegistryContext) {
    this.refresh();
  }

  has(id: string): boolean {
    return this.known.has(id);
  }
  ids(): string[] {
    return [...this.known.keys()];
  }
  catalog(id: string): CatalogAgent | undefined {
    return this.known.get(id)?.catalog;
  }
  /** The launch definition, or undefined when the agent is not installed. */
  entry(id: string): AgentEntry | undefined {
    return this.known.get(id)?.entry;
  }
  policy(id: string, policy: ApprovalPolicy): PolicyMapping | undefined {
    return this.known.get(id)?.policies[policy];
  }
  /** Whether the agent's session/load may be relied on (Gemini's may not). */
  trustsLoad(id: string): boolean {
    return this.known.get(id)?.catalog?.loadSession ?? true;
  }
  installDir(c: CatalogAgent): string {
    return join(this.cx.agentsDir, `${c.id}@${c.version}`);
  }

  /** The environment Foundry adds for this agent: launch defaults, settings, then credentials. */
  extraEnv(id: string): Record<string, string> {
    return { ...this.known.get(id)?.catalog?.env, ...this.cx.agentEnv[id], ...this.credentials.get(id) };
  }

  /** `text` with every credential value Foundry was given replaced by `***` (logs, errors). */
  redact(text: string): string {
    let out = text;
    for (const env of this.credentials.values()) {
      for (const value of Object.values(env)) if (value.length >= 6) out = out.split(value).join('***');
    }
    return out;
  }

  setCredentials(id: string, env: Record<string, string>): void {
    if (Object.keys(env).length) this.credentials.set(id, { ...env });
    else this.credentials.delete(id);
    this.refresh();
  }

  /** New non-secret environment per agent (the settings changed): processes started from now on get it. */
  setAgentEnv(agentEnv: Record<string, Record<string, string>>): void {
    this.cx.agentEnv = agentEnv;
    this.refresh();
  }

  setInstall(id: string, state: InstallState | undefined): void {
    if (state) this.installs.set(id, state);
    else this.installs.delete(id);
    this.refresh();
  }

  info(id: string): AgentInfo | undefined {
    return this.infos.find((a) => a.id === id);
  }
  list(): AgentInfo[] {
    return this.infos;
  }

  /** Recompute what is installed and ready (after an install, credentials, start). */
  refresh(): void {
    const known = new Map<string, Known>();
    known.set('demo', {
      id: 'demo',
      name: 'Demo (offline)',
      entry: {
        command: process.execPath,
        args: [join(this.cx.bundleDir, 'demo-agent.js')],
        stateDirVar: 'FOUNDRY_DEMO_STATE_DIR',
        settings: ['FOUNDRY_DEMO_CHUNK_DELAY_MS'],
      },
      source: 'bundled',
      policies: DEMO_POLICIES,
    });
    for (const c of CATALOG) known.set(c.id, { id: c.id, name: c.name, catalog: c, ...this.locate(c), policies: c.policies });
    for (const [id, def] of Object.entries(this.cx.extra)) {
      const base = known.get(id);
      known.set(id, {
        id,
        name: base?.name ?? id,
        catalog: base?.catalog,
        ...(def.sandboxAgent || (def.command && findOnPath(def.command, this.cx.inherited.PATH)) ? { entry: { command: def.command, args: def.args ?? [], env: def.env, sandboxAgent: def.sandboxAgent } } : {}),
        source: 'settings',
        command: def.command,
        policies: base?.policies ?? {},
      });
    }
    this.known = known;
    this.infos = [...known.values()].map((k) => this.describe(k));
  }

  /** Where a catalog agent launches from: its pinned install, else its adapter on PATH. */
  private locate(c: CatalogAgent): Pick<Known, 'entry' | 'source'> {
    const native = c.nativeBin?.(join(this.installDir(c), 'node_modules'));
    if (native) return { entry: { command: native, args: c.args }, source: 'installed' };
    const pkgDir = join(this.installDir(c), 'node_modules', ...c.package.split('/'));
    const bin = packageBin(pkgDir, c.bin);
    if (bin) {
      const js = isNodeScript(bin);
      return { entry: { command: js ? process.execPath : bin, args: js ? [bin, ...c.args] : c.args }, source: 'installed' };
    }
    const onPath = findOnPath(c.bin, this.cx.inherited.PATH);
    return onPath ? { entry: { command: onPath, args: c.args }, source: 'path' } : {};
  }

  private describe(k: Known): AgentInfo {
    const install = this.installs.get(k.id);
    const c = k.catalog;
    const credentialVars = c?.credentialVars ?? [];
    const base: AgentInfo = {
      id: k.id,
      name: k.name,
      ...(c && k.source !== 'settings' ? { version: c.version } : {}),
      installed: k.entry !== undefined,
      ...(k.source ? { source: k.source } : {}),
      ready: false,
      credentialVars,
      ...(install ? { install } : {}),
    };
    if (!k.entry && k.source === 'settings') {
      return { ...base, reason: `${k.name} cannot be launched: '${k.command}' was not found` };
    }
    if (!k.entry) {
      const installing = install && install.status !== 'failed';
      return { ...base, reason: installing ? `${k.name} is being installed` : `${k.name} is not installed`, action: 'install' };
    }
    if (c && k.source !== 'settings' && !this.hasCredentials(k.id, c)) {
      return {
        ...base,
        reason: `${k.name} has no credentials: set ${credentialVars.join(' or ')} (Foundry: Configure Agent), or sign in with its own CLI`,
        action: 'set_credentials',
      };
    }
    return { ...base, ready: true };
  }

  private hasCredentials(id: string, c: CatalogAgent): boolean {
    const env = { ...pick(this.cx.inherited), ...this.extraEnv(id) };
    if (c.credentialVars.some((v) => env[v])) return true;
    const home = env.HOME;
    return !!home && c.loginFiles.some((f) => existsSync(join(home, f)));
  }
}

function pick(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** The absolute path of a package's named binary, if the package is installed there. */
function packageBin(pkgDir: string, name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[name];
    if (!rel) return undefined;
    const file = join(pkgDir, rel);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** A JavaScript file runs on Foundry's own Node (no `node` on PATH needed, as in desktop VS Code). */
function isNodeScript(file: string): boolean {
  if (/\.(c|m)?js$/.test(file)) return true;
  try {
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(100);
    const n = readSync(fd, head, 0, 100, 0);
    closeSync(fd);
    return /^#!.*\bnode\b/.test(head.subarray(0, n).toString('utf8'));
  } catch {
    return false;
  }
}

export function findOnPath(command: string, pathVar: string | undefined): string | undefined {
  if (command.includes('/')) return existsSync(command) ? command : undefined;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export const agentsDirOf = (dataDir: string, inherited: NodeJS.ProcessEnv) => inherited.FOUNDRY_AGENTS_DIR || join(dataDir, 'agents');
