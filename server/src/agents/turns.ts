/**
 * Agent sessions and turns. A session's agent process starts when needed and stops after it
 * has been idle a while; the next message starts it again and resumes the conversation with
 * `session/load`, or starts a new agent session (and says so in the transcript) when the
 * agent cannot load. A turn runs in the background: the request that started it returned.
 */
import { join } from 'node:path';
import type { SessionRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { agentEnv } from './agentEnv';
import { pendingOf } from './permissions';
import { launchFor, SessionModes } from './sessionModes';
import { turnInProgress } from '../../../shared/protocol';
import { EditSignals } from './editSignals';
import { LastMessages } from './lastMessage';

export class Turns {
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly attaching = new Map<string, Promise<void>>();
  /** Sessions whose ACP session is live in their running agent process. */
  private readonly attached = new Set<string>();
  private readonly cancelled = new Set<string>();
  /** Sessions with a turn in progress. */
  readonly running = new Set<string>();
  private readonly settledWaiters: (() => void)[] = [];
  /** Sessions whose agent process ended on its own during a turn: why. */
  private readonly crashed = new Map<string, string>();
  private readonly editSignals = new EditSignals();
  private readonly lastMessages = new LastMessages();
  readonly modes: SessionModes;

  constructor(private readonly sc: Sidecar) {
    this.modes = new SessionModes(sc);
  }

  private get store() {
    return this.sc.store;
  }

  /** Launch the session's agent process (ending any earlier one), configured for its mode. */
  private async startProcess(s: SessionRow): Promise<{ loadSession: boolean; cwd: string }> {
    const entry = this.sc.agents.entry(s.agent);
    const info = this.sc.agents.info(s.agent);
    if (!entry || !info) throw new AgentUnavailable(info?.reason ?? `unknown agent '${s.agent}'`);
    if (!info.ready) throw new AgentUnavailable(info.reason ?? `${info.name} is not ready`);
    const task = this.store.task(s.task_id);
    if (!task) throw new Error('the task is gone');
    const provider = this.sc.providers.of(task);
    if (!provider.hasSandbox(task)) throw new Error('the task has no sandbox yet');
    this.attached.delete(s.id);
    this.crashed.delete(s.id);
    const base = { ...agentEnv(entry, { id: s.agent, dataDir: this.sc.opts.dataDir, inherited: process.env, execPath: process.execPath }), ...this.sc.agents.extraEnv(s.agent) };
    const { env, args } = launchFor(this.sc.agents.policy(s.agent, this.modes.policyOf(s)), base, entry.args);
    const c = this.sc.agents.catalog(s.agent);
    const local = c?.localEnv?.(env, { installDir: this.sc.agents.installDir(c), stateDir: join(this.sc.opts.dataDir, 'agents', s.agent) }) ?? env;
    const stdio = { kind: 'stdio' as const, command: entry.command!, args, env: local, ...(c?.clientFs === false ? { clientFs: false as const } : {}) };
    // The provider decides where it runs: this worktree, or sandbox-agent in a remote sandbox.
    const { launch, cwd } = entry.sandboxAgent ? { launch: { kind: 'sandbox-agent' as const, ...entry.sandboxAgent }, cwd: task.worktree_path! } : await provider.agentTarget(task, stdio, s.agent);
    const r = await this.sc.effects.call('agentStart', { key: s.id, launch, cwd });
    this.modes.launched(s.id, s.mode ?? 'ask');
    return { loadSession: r.loadSession && this.sc.agents.trustsLoad(s.agent), cwd };
  }

  /** Create the session's agent session (create-session steps). Idempotent on resume. */
  async createAgentSession(sessionId: string): Promise<void> {
    const s = this.mustSession(sessionId);
    if (s.acp_session_id) return this.attach(sessionId);
    const { cwd } = await this.startProcess(s);
    const { acpSessionId, setup } = await this.sc.effects.call('agentNewSession', { key: sessionId, cwd });
    this.store.updateSession(sessionId, { acp_session_id: acpSessionId });
    await this.modes.configure(sessionId, setup);
    this.attached.add(sessionId);
    this.scheduleIdleStop(sessionId);
  }

  /** Make sure the agent process runs with this session's ACP session attached. */
  attach(sessionId: string): Promise<void> {
    const existing = this.attaching.get(sessionId);
    if (existing) return existing;
    const p = this.doAttach(sessionId).finally(() => this.attaching.delete(sessionId));
    this.attaching.set(sessionId, p);
    return p;
  }

  private async doAttach(sessionId: string): Promise<void> {
    // `attached` is cleared when its process is stopped or reported gone (onAgentExited), so no
    // round trip to the worker is needed here: a crash still in flight fails the turn with its reason.
    const s = this.mustSession(sessionId);
    const task = this.store.task(s.task_id);
    // A remote sandbox Daytona stopped while idle starts again first (`waking`); the link to its
    // old sandbox-agent is gone with it. A worktree is always up.
    if (task && this.sc.providers.of(task).hasSandbox(task) && (await this.sc.providers.of(task).wake(task))) await this.stop(sessionId);
    if (this.attached.has(sessionId)) return;
    const { loadSession, cwd } = await this.startProcess(s);
    if (s.acp_session_id && loadSession) {
      const { setup } = await this.sc.effects.call('agentLoadSession', { key: sessionId, acpSessionId: s.acp_session_id, cwd });
      await this.modes.configure(sessionId, setup);
      this.sc.transcripts.foundry(sessionId, { kind: 'agent_restarted', text: 'Agent process restarted; conversation resumed.' });
    } else {
      const { acpSessionId, setup } = await this.sc.effects.call('agentNewSession', { key: sessionId, cwd });
      this.store.updateSession(sessionId, { acp_session_id: acpSessionId });
      await this.modes.configure(sessionId, setup);
      if (s.acp_session_id) {
        this.sc.transcripts.foundry(sessionId, {
          kind: 'session_replaced',
          text: 'The agent cannot resume conversations (no session/load): a new agent session started without the earlier context.',
        });
      }
    }
    this.attached.add(sessionId);
  }

  /**
   * Run one turn in the background; the session is already `running` with this turnId. A turn
   * that ends before its prompt reached the agent puts a queued message back (queue.ts); one that
   * fails pauses the queue; one whose agent crashed leaves the session in `error`.
   */
  async runTurn(sessionId: string, turnId: string, text: string): Promise<void> {
    this.clearIdleStop(sessionId);
    this.running.add(sessionId);
    this.lastMessages.reset(sessionId);
    this.sc.stalls.heard(sessionId, false);
    this.sc.activityChanged();
    let outcome: 'ended' | 'cancelled' | 'failed' = 'ended';
    let summary: string | undefined;
    try {
      await this.attach(sessionId);
      const s = this.mustSession(sessionId);
      if (s.turn_id !== turnId) return;
      if (this.cancelled.delete(turnId)) {
        outcome = 'cancelled';
        this.sc.transcripts.foundry(sessionId, { kind: 'turn_ended', turnId, stopReason: 'cancelled' });
        return;
      }
      const { stopReason } = await this.sc.effects.call('agentPrompt', { key: sessionId, acpSessionId: s.acp_session_id!, text });
      if (stopReason === 'cancelled') outcome = 'cancelled';
      else summary = this.lastMessages.take(sessionId);
      this.sc.transcripts.foundry(sessionId, { kind: 'turn_ended', turnId, stopReason });
    } catch (e) {
      outcome = 'failed';
      if (this.sc.draining) {
        this.sc.transcripts.foundry(sessionId, {
          kind: 'turn_interrupted',
          turnId,
          text: 'Foundry restarted during this turn. Send the message again to continue.',
        });
      } else {
        const crash = this.crashed.get(sessionId);
        this.sc.transcripts.foundry(sessionId, { kind: 'turn_failed', turnId, text: this.sc.agents.redact(crash ?? errorMessage(e)) });
        if (e instanceof AgentUnavailable || crash) this.fail(sessionId, crash ?? errorMessage(e));
      }
    } finally {
      this.cancelled.delete(turnId);
      this.running.delete(sessionId);
      this.sc.stalls.ended(sessionId);
      // Not delivered (the agent never got it): back to the head of the queue, paused. A turn that
      // reached the agent and failed or was stopped pauses what waits behind it.
      const requeued = !this.sc.draining && this.sc.queue.undelivered(sessionId, turnId);
      if (!requeued && outcome !== 'ended' && !this.sc.draining) this.sc.queue.pause(sessionId);
      this.endTurn(sessionId, turnId, summary);
      this.sc.activityChanged();
      if (this.running.size === 0) for (const done of this.settledWaiters.splice(0)) done();
    }
  }

  /** The session cannot go on until the user acts (Restart, install, credentials). */
  private fail(sessionId: string, why: string): void {
    const s = this.store.session(sessionId);
    if (!s || s.status === 'closed') return;
    this.sc.db.tx(() => {
      this.store.updateSession(sessionId, { status: 'error', error_message: this.sc.agents.redact(why), turn_id: null, pending_permission: null, stalled: 0 });
      this.sc.recomputeTaskStatus(s.task_id);
    });
    this.sc.publisher.taskChanged(s.task_id);
  }

  /** Resolves once no turn is in progress (drain). */
  settled(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** `summary`: the agent's final message of a turn that finished, kept as the task's last summary. */
  private endTurn(sessionId: string, turnId: string, summary?: string): void {
    this.lastMessages.reset(sessionId);
    const s = this.store.session(sessionId);
    if (!s || s.turn_id !== turnId) return;
    const unread = this.sc.transcripts.isWatched(sessionId) ? s.unread : 1;
    this.sc.db.tx(() => {
      this.store.updateSession(sessionId, { status: turnInProgress(s.status) ? 'ready' : s.status, turn_id: null, pending_permission: null, unread, stalled: 0 });
      if (summary) this.store.updateTask(s.task_id, { last_summary: summary });
      this.sc.recomputeTaskStatus(s.task_id);
    });
    this.sc.publisher.taskChanged(s.task_id);
    if (this.sc.draining) return;
    this.sc.refreshChanges(s.task_id);
    this.scheduleIdleStop(sessionId);
    // In the worker, after the turn: the next turn of the task waits for it (checkpoints/service.ts).
    this.sc.checkpoints.afterTurn(s.task_id, sessionId, turnId);
    this.sc.queue.dispatch(sessionId);
  }

  async cancel(sessionId: string): Promise<void> {
    const s = this.store.session(sessionId);
    if (!s?.turn_id) return;
    if (!this.attached.has(sessionId) || this.attaching.has(sessionId)) this.cancelled.add(s.turn_id);
    this.sc.queue.pause(sessionId);
    if (s.acp_session_id) await this.sc.effects.call('agentCancel', { key: sessionId, acpSessionId: s.acp_session_id });
    // ACP: after session/cancel, the client answers every open permission request `cancelled`.
    await this.sc.permissions.cancel(this.mustSession(sessionId));
  }

  /** Stop the session's agent process (close, archive). */
  async stop(sessionId: string): Promise<void> {
    this.clearIdleStop(sessionId);
    this.attached.delete(sessionId);
    this.modes.forget(sessionId);
    await this.sc.effects.call('agentStop', { key: sessionId });
  }

  /**
   * After a crash: turns that were running are over; say so in their transcripts. A permission
   * request still open died with its agent process: it is recorded as expired.
   */
  recoverInterruptedTurns(): void {
    const tasks = new Set<string>();
    this.sc.db.tx(() => {
      for (const s of this.store.allSessions()) {
        if (!turnInProgress(s.status)) continue;
        const pending = pendingOf(s);
        if (pending) {
          this.sc.transcripts.foundry(s.id, {
            kind: 'permission_expired',
            turnId: s.turn_id ?? undefined,
            text: `The permission request "${pending.title}" expired: the sidecar stopped before it was answered.`,
          });
        }
        this.sc.transcripts.foundry(s.id, {
          kind: 'turn_interrupted',
          turnId: s.turn_id ?? undefined,
          text: 'The sidecar stopped during this turn. Send the message again to continue.',
        });
        // What waits behind the interrupted turn waits for the user (Send queued), as after Stop.
        this.store.updateSession(s.id, { status: 'ready', turn_id: null, pending_permission: null, stalled: 0, queue_paused: 1 });
        tasks.add(s.task_id);
      }
      this.sc.queue.recover();
      for (const t of tasks) this.sc.recomputeTaskStatus(t);
    });
    for (const t of tasks) this.sc.publisher.taskChanged(t);
  }

  onAcpMessage(sessionId: string, sender: 'client' | 'agent', message: unknown): void {
    const s = this.store.sessionTurnState(sessionId);
    if (!s) return;
    if (sender === 'client' && (message as { method?: string }).method === 'session/prompt' && s.turn_id) {
      // The prompt is in the transcript now: its queued row goes in the same transaction.
      const turnId = s.turn_id;
      this.sc.db.tx(() => {
        this.sc.transcripts.append(sessionId, sender, message);
        this.sc.queue.delivered(sessionId, turnId);
      });
      return;
    }
    this.sc.transcripts.append(sessionId, sender, message);
    if (sender === 'agent' && turnInProgress(s.status)) {
      this.sc.stalls.heard(sessionId, s.stalled === 1);
      this.lastMessages.heard(sessionId, message);
    }
    if (this.editSignals.changed(sessionId, sender, message)) {
      const taskId = this.store.session(sessionId)?.task_id;
      if (taskId) this.sc.refreshChanges(taskId);
    }
  }

  onAgentExited(sessionId: string, e: { code: number | null; signal: string | null; expected: boolean; stderrTail: string }): void {
    this.attached.delete(sessionId);
    this.editSignals.forget(sessionId);
    const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
    this.sc.log(`agent of session ${sessionId} exited (${e.signal ?? `code ${e.code}`})${e.expected ? '' : ', unexpectedly'}`);
    if (e.expected || this.sc.draining) return;
    const s = this.store.session(sessionId);
    if (!s || s.status === 'closed' || s.status === 'error') return;
    const why = `The agent process ${how}${e.stderrTail ? `: ${e.stderrTail.split('\n').at(-1)}` : ''}. Restart the session to continue; the conversation is kept.`;
    this.sc.transcripts.foundry(sessionId, { kind: 'agent_exited', text: this.sc.agents.redact(why) });
    if (this.running.has(sessionId)) this.crashed.set(sessionId, why);
    else this.fail(sessionId, why);
  }

  private scheduleIdleStop(sessionId: string): void {
    this.clearIdleStop(sessionId);
    const timer = setTimeout(() => {
      this.idleTimers.delete(sessionId);
      const s = this.store.session(sessionId);
      if ((s && turnInProgress(s.status)) || this.attaching.has(sessionId)) return;
      this.attached.delete(sessionId);
      void this.sc.effects.call('agentStop', { key: sessionId }).catch(() => {});
    }, this.sc.opts.agentIdleStopMs);
    timer.unref();
    this.idleTimers.set(sessionId, timer);
  }

  private clearIdleStop(sessionId: string): void {
    clearTimeout(this.idleTimers.get(sessionId));
    this.idleTimers.delete(sessionId);
  }

  /** Whether the session's ACP session is live in a running agent process now. */
  isAttached(sessionId: string): boolean {
    return this.attached.has(sessionId) && !this.attaching.has(sessionId);
  }

  private mustSession(sessionId: string): SessionRow {
    const s = this.store.session(sessionId);
    if (!s) throw new Error(`session not found: ${sessionId}`);
    return s;
  }
}

/** The agent cannot be launched until the user acts: not installed, or no credentials. */
export class AgentUnavailable extends Error {}
