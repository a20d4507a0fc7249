/**
 * A session's mode and model. The mode is one of Foundry's approval policies (`ask`,
 * `accept_edits`, `full_access`), which catalog.ts maps onto each agent's own mode and launch
 * configuration, or one of the agent's other modes (`plan`). Both choices live on the session row
 * and are applied to the agent whenever its session is created or loaded, and at once when the
 * user changes them on a live session. One session's choice never touches another's: each has its
 * own agent process.
 */
import { ApprovalPolicy, type SessionModeOption } from '../../../shared/protocol';
import type { SessionRow } from '../db/schema';
import { errorMessage, invalidParams, invalidState } from '../errors';
import type { Sidecar } from '../sidecar';
import { parseAgentConfig, readAgentConfig, type AgentConfig, type SessionSetup } from './agentConfig';
import type { PolicyMapping } from './catalog';

export const POLICY_OPTIONS: readonly SessionModeOption[] = [
  { id: 'ask', name: 'Ask', description: 'The agent asks before every file edit and command.' },
  { id: 'accept_edits', name: 'Accept edits', description: 'File edits go through without asking; commands still ask.' },
  { id: 'full_access', name: 'Full access', description: 'Nothing asks.' },
];

const POLICY_NAMES: Record<ApprovalPolicy, string> = { ask: 'Ask', accept_edits: 'Accept edits', full_access: 'Full access' };

export const isPolicy = (mode: string): mode is ApprovalPolicy => ApprovalPolicy.safeParse(mode).success;

/** The environment and arguments an agent process starts with under a policy. */
export function launchFor(mapping: PolicyMapping | undefined, env: Record<string, string>, args: string[]) {
  return { env: { ...env, ...mapping?.env?.(env) }, args: [...args, ...(mapping?.args ?? [])] };
}

/** What about a policy lives in the launch configuration (a change of it needs a new process). */
const launchKey = (mapping: PolicyMapping | undefined) => JSON.stringify({ env: mapping?.env?.({}) ?? {}, args: mapping?.args ?? [] });

/** The cached config plus the agent modes that no policy stands for (offered as they are). */
export interface StoredConfig extends AgentConfig {
  extraModes: SessionModeOption[];
}

export class SessionModes {
  /** The launch key each live agent process was started with. */
  private readonly launchedWith = new Map<string, string>();

  constructor(private readonly sc: Sidecar) {}

  /** The policy whose launch configuration the session's process gets (an agent mode runs under `ask`). */
  policyOf(s: SessionRow): ApprovalPolicy {
    const mode = s.mode ?? 'ask';
    return isPolicy(mode) ? mode : 'ask';
  }

  launched(sessionId: string, mode: string): void {
    const s = this.sc.store.session(sessionId);
    if (s) this.launchedWith.set(sessionId, launchKey(this.sc.agents.policy(s.agent, this.policyOf({ ...s, mode }))));
  }

  /** The agent's session/new or session/load answer: cache its modes and models, then apply the session's choices. */
  async configure(sessionId: string, setup: SessionSetup): Promise<void> {
    const s = this.must(sessionId);
    const config = readAgentConfig(setup);
    const targets = new Set(Object.values(this.mappings(s.agent)).flatMap((m) => (m?.mode ? [m.mode] : [])));
    const stored: StoredConfig = { ...config, extraModes: config.modes.filter((m) => !targets.has(m.id)) };
    this.sc.store.updateSession(sessionId, { agent_config: JSON.stringify(stored) });
    this.sc.publisher.taskChanged(s.task_id);
    await this.applyMode(sessionId, stored);
    await this.applyModel(sessionId, stored);
  }

  /** `foundry/setSessionMode`. */
  async set(s: SessionRow, mode: string): Promise<void> {
    if (s.status === 'closed') throw invalidState('setSessionMode', s.status);
    const config = stored(s);
    if (!isPolicy(mode) && !config.extraModes.some((m) => m.id === mode)) {
      const offered = [...POLICY_OPTIONS, ...config.extraModes].map((m) => m.id).join(', ');
      throw invalidParams(`mode: '${mode}' is not one of this session's modes (${offered})`);
    }
    if ((s.mode ?? 'ask') === mode) return;
    const relaunch = this.launchedWith.has(s.id) && this.launchedWith.get(s.id) !== launchKey(this.sc.agents.policy(s.agent, this.policyOf({ ...s, mode })));
    const turn = s.status === 'running' || s.status === 'needs_input';
    if (relaunch && turn) throw invalidState('setSessionMode', s.status, 'this change restarts the agent: wait for the turn to end');
    this.sc.store.updateSession(s.id, { mode });
    this.sc.transcripts.foundry(s.id, { kind: 'mode_changed', text: `Mode: ${modeName(mode, config)}` });
    this.sc.publisher.taskChanged(s.task_id);
    if (relaunch) {
      // The next message starts the agent again with the new configuration and resumes the conversation.
      this.launchedWith.delete(s.id);
      await this.sc.turns.stop(s.id);
    } else if (this.sc.turns.isAttached(s.id)) {
      await this.applyMode(s.id, config, true);
    }
  }

  /** `foundry/setSessionModel`. */
  async setModel(s: SessionRow, model: string): Promise<void> {
    if (s.status === 'closed') throw invalidState('setSessionModel', s.status);
    const config = stored(s);
    if (config.models.length && !config.models.some((m) => m.id === model)) {
      throw invalidParams(`model: '${model}' is not one of this session's models (${config.models.map((m) => m.id).join(', ')})`);
    }
    if (s.model === model) return;
    this.sc.store.updateSession(s.id, { model });
    this.sc.transcripts.foundry(s.id, { kind: 'model_changed', text: `Model: ${config.models.find((m) => m.id === model)?.name ?? model}` });
    this.sc.publisher.taskChanged(s.task_id);
    if (this.sc.turns.isAttached(s.id)) await this.applyModel(s.id, config, true);
  }

  forget(sessionId: string): void {
    this.launchedWith.delete(sessionId);
  }

  private async applyMode(sessionId: string, config: StoredConfig, strict = false): Promise<void> {
    const s = this.must(sessionId);
    const mode = s.mode ?? 'ask';
    const mapping = isPolicy(mode) ? this.sc.agents.policy(s.agent, mode) : undefined;
    let wanted = isPolicy(mode) ? mapping?.mode : mode;
    if (!wanted || !config.modeVia) return;
    const fallback = mapping?.fallback;
    if (fallback && !config.modes.some((m) => m.id === wanted) && config.modes.some((m) => m.id === fallback.mode)) {
      if (config.currentModeId !== fallback.mode || strict) this.sc.transcripts.foundry(sessionId, {
        kind: 'mode_changed',
        text: `${modeName(mode, config)} is not available here (${fallback.why}): the agent runs in '${fallback.mode}' instead, so commands still ask.`,
      });
      wanted = fallback.mode;
    }
    if (!config.modes.some((m) => m.id === wanted)) {
      // Never more permissive than asked: the agent stays in the mode it is in (its default asks).
      this.sc.transcripts.foundry(sessionId, {
        kind: 'mode_changed',
        text: `${modeName(mode, config)} is not available from this agent here (it offers no '${wanted}' mode); it stays in '${config.currentModeId ?? 'its default'}'.`,
      });
      return;
    }
    if (config.currentModeId === wanted && !strict) return;
    await this.call(strict, () => this.sc.effects.call('agentSetMode', { key: sessionId, acpSessionId: s.acp_session_id!, modeId: wanted, via: config.modeVia! }), 'mode');
  }

  private async applyModel(sessionId: string, config: StoredConfig, strict = false): Promise<void> {
    const s = this.must(sessionId);
    if (!s.model || !config.modelVia || (config.currentModelId === s.model && !strict)) return;
    if (!config.models.some((m) => m.id === s.model)) return;
    await this.call(strict, () => this.sc.effects.call('agentSetModel', { key: sessionId, acpSessionId: s.acp_session_id!, modelId: s.model!, via: config.modelVia! }), 'model');
  }

  /** A refusal answers the user's request (strict), or is noted in the transcript when reapplying. */
  private async call(strict: boolean, fn: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (strict) throw new Error(`the agent refused the ${what}: ${errorMessage(e)}`);
      this.sc.log(`could not apply the session's ${what}: ${errorMessage(e)}`);
    }
  }

  private mappings(agent: string): Partial<Record<ApprovalPolicy, PolicyMapping>> {
    return { ask: this.sc.agents.policy(agent, 'ask'), accept_edits: this.sc.agents.policy(agent, 'accept_edits'), full_access: this.sc.agents.policy(agent, 'full_access') };
  }

  private must(sessionId: string): SessionRow {
    const s = this.sc.store.session(sessionId);
    if (!s) throw new Error(`session not found: ${sessionId}`);
    return s;
  }
}

export function stored(s: Pick<SessionRow, 'agent_config'>): StoredConfig {
  const c = parseAgentConfig(s.agent_config) as Partial<StoredConfig> & AgentConfig;
  return { ...c, extraModes: c.extraModes ?? [] };
}

function modeName(mode: string, config: StoredConfig): string {
  return isPolicy(mode) ? POLICY_NAMES[mode] : (config.extraModes.find((m) => m.id === mode)?.name ?? mode);
}
