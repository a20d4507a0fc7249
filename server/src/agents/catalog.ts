/**
 * The agents Foundry ships knowledge of: for each, the npm package of its ACP adapter and the
 * version Foundry pins, the adapter's own binary (what "found on PATH" means), the variables that
 * carry its credentials, and how Foundry's approval policies map onto its modes and launch
 * configuration. The table, and what was measured against each pinned agent to settle it, is in
 * docs/agents.md; each mapping is tested against the real agent, offline, in
 * test/server/real-agents-*.test.mjs (a loopback fake model, test/fixtures/fakeModel/).
 *
 * Launching never runs an unpinned `npx -y`: an agent runs from its pinned install in the data
 * folder (`D/agents/<id>@<version>`; a platform binary where the package ships one, nativeBins.ts),
 * or from the adapter binary on PATH. localLaunch.ts adjusts the environment of a local launch.
 */
import type { ApprovalPolicy } from '../../../shared/protocol';
import { claudeLocalEnv, codexLocalEnv, type LocalLaunch } from './localLaunch';
import { openCodeBinary } from './nativeBins';

/** How one approval policy is applied to one agent. */
export interface PolicyMapping {
  /** The agent's own mode, set with session/set_mode (or its `mode` config option). */
  mode?: string;
  /** Launch configuration: variables merged into the agent's environment at start. */
  env?: (env: Record<string, string>) => Record<string, string>;
  /** Launch configuration: extra arguments. */
  args?: string[];
  /**
   * The agent's mode to use instead when it does not offer `mode` here (always a less permissive
   * one), with why; said in the session's transcript.
   */
  fallback?: { mode: string; why: string };
}

export interface CatalogAgent {
  id: string;
  /** Shown to the user. */
  name: string;
  /** The ACP adapter's npm package, installed at `version`. */
  package: string;
  version: string;
  /** The package's binary that speaks ACP (also what is looked up on PATH). */
  bin: string;
  args: string[];
  /** Any one of these in the agent's environment is a credential. */
  credentialVars: string[];
  /** A user's own login, relative to the agent's HOME: any one present counts as credentials. */
  loginFiles: string[];
  /** Set for every launch: quieter and no self-update. */
  env: Record<string, string>;
  policies: Record<ApprovalPolicy, PolicyMapping>;
  /** Its `session/load` can be trusted to resume a conversation in a new process. */
  loadSession: boolean;
  /** false: not offered Foundry's fs/read_text_file and fs/write_text_file (see the entry for why). */
  clientFs?: false;
  /** The platform binary inside the install's node_modules, launched instead of the package's bin (nativeBins.ts). */
  nativeBin?: (nodeModules: string) => string | undefined;
  /** Last word on the environment of a process Foundry starts on this machine (not in a sandbox): localLaunch.ts. */
  localEnv?: (env: Record<string, string>, cx: LocalLaunch) => Record<string, string>;
}

/** OpenCode takes its permission rules as launch configuration, merged into any config already given. */
function openCodePermission(permission: Record<string, string>) {
  return (env: Record<string, string>): Record<string, string> => {
    let config: Record<string, unknown> = {};
    try {
      config = env.OPENCODE_CONFIG_CONTENT ? (JSON.parse(env.OPENCODE_CONFIG_CONTENT) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: OpenCode would refuse it too; the policy still applies.
    }
    return { OPENCODE_CONFIG_CONTENT: JSON.stringify({ ...config, permission }) };
  };
}

export const CATALOG: readonly CatalogAgent[] = [
  {
    id: 'claude',
    name: 'Claude Code',
    package: '@zed-industries/claude-code-acp',
    version: '0.16.2',
    bin: 'claude-code-acp',
    args: [],
    credentialVars: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'],
    loginFiles: ['.claude/.credentials.json'],
    env: { DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1' },
    policies: {
      ask: { mode: 'default' },
      accept_edits: { mode: 'acceptEdits' },
      full_access: {
        mode: 'bypassPermissions',
        fallback: { mode: 'acceptEdits', why: 'Claude Code does not allow bypassPermissions when it runs as root outside a sandbox' },
      },
    },
    loadSession: true,
    localEnv: claudeLocalEnv,
  },
  {
    id: 'codex',
    name: 'Codex',
    package: '@zed-industries/codex-acp',
    version: '0.16.0',
    bin: 'codex-acp',
    args: [],
    credentialVars: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    loginFiles: ['.codex/auth.json'],
    env: {},
    policies: {
      ask: { mode: 'read-only' },
      accept_edits: { mode: 'auto' },
      full_access: { mode: 'full-access' },
    },
    loadSession: true,
    localEnv: codexLocalEnv,
  },
  {
    id: 'gemini',
    name: 'Gemini CLI',
    package: '@google/gemini-cli',
    version: '0.61.0',
    bin: 'gemini',
    args: ['--acp'],
    credentialVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    loginFiles: ['.gemini/oauth_creds.json'],
    env: {},
    policies: {
      ask: { mode: 'default' },
      accept_edits: { mode: 'autoEdit', env: () => ({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }) },
      full_access: { mode: 'yolo', env: () => ({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }) },
    },
    // Measured: session/load resumed the conversation 1 time in 3 (AGENTS.md).
    loadSession: false,
    // Gemini CLI 0.61 reads a file through the client before writing it and takes only an Error
    // whose message says "not found" as "no such file"; its ACP connection rejects with the
    // JSON-RPC error object instead, so writing any new file failed ("Error checking existing
    // file: Resource not found"). It writes its files itself, confined to its workspace.
    clientFs: false,
  },
  {
    id: 'opencode',
    name: 'OpenCode',
    package: 'opencode-ai',
    version: '1.18.33',
    bin: 'opencode',
    args: ['acp'],
    credentialVars: ['OPENCODE_CONFIG_CONTENT', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY'],
    loginFiles: ['.local/share/opencode/auth.json'],
    env: {
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    },
    policies: {
      ask: { env: openCodePermission({ edit: 'ask', bash: 'ask', webfetch: 'ask' }) },
      accept_edits: { env: openCodePermission({ edit: 'allow', bash: 'ask', webfetch: 'ask' }) },
      full_access: { env: openCodePermission({ edit: 'allow', bash: 'allow', webfetch: 'allow' }) },
    },
    loadSession: true,
    nativeBin: openCodeBinary,
  },
];

/** The demo agent's policies (agents/demo/README.md): the same names as Claude Code's modes. */
export const DEMO_POLICIES: Record<ApprovalPolicy, PolicyMapping> = {
  ask: { mode: 'default' },
  accept_edits: { mode: 'acceptEdits' },
  full_access: { mode: 'bypassPermissions' },
};

export const catalogAgent = (id: string): CatalogAgent | undefined => CATALOG.find((a) => a.id === id);
