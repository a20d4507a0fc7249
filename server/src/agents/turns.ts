/**
 * Agent sessions and turns. A session's agent process starts when needed and stops after it
 * has been idle a while; the next message starts it again and resumes the conversation with
 * `session/load`, or starts a new agent session (and says so in the transcript) when the
 * agent cannot load. A turn runs in the background: the request that started it returned.
 */
import type { SessionRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { agentEnv } from './agentEnv';
import { pendingOf } from './permissions';
import { turnInProgress } from '../../../shared/protocol';

export class Turns {
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly attaching = new Map<string, Promise<void>>();
  /** Sessions whose ACP session is live in their running agent process. */
  private readonly attached = new Set<string>();
  private readonly cancelled = new Set<string>();
  /** Sessions with a turn in progress. */
  readonly running = new Set<string>();
  private readonly settledWaiters: (() => void)[] = [];

  constructor(private readonly sc: Sidecar) {}

  private get store() {
    return this.sc.store;
  }

  /** Launch the session's agent process (ending any earlier one). */
  private async startProcess(s: SessionRow): Promise<{ loadSession: boolean }> {
    const def = this.sc.opts.agents.get(s.agent);
    if (!def) throw new Error(`unknown agent '${s.agent}'`);
    const task = this.store.task(s.task_id);
    if (!task?.worktree_path) throw new Error('the task has no worktree yet');
    this.attached.delete(s.id);
    const env = agentEnv(def, { id: s.agent, dataDir: this.sc.opts.dataDir, inherited: process.env, execPath: process.execPath });
    const r = await this.sc.effects.call('agentStart', { key: s.id, command: def.command, args: def.args, env, cwd: task.worktree_path });
    return { loadSession: r.loadSession };
  }

  /** Create the session's agent session (create-session steps). Idempotent on resume. */
  async createAgentSession(sessionId: string): Promise<void> {
    const s = this.mustSession(sessionId);
    if (s.acp_session_id) return this.attach(sessionId);
    await this.startProcess(s);
    const cwd = this.store.task(s.task_id)!.worktree_path!;
    const { acpSessionId } = await this.sc.effects.call('agentNewSession', { key: sessionId, cwd });
    this.store.updateSession(sessionId, { acp_session_id: acpSessionId });
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
    if (this.attached.has(sessionId) && (await this.sc.effects.call('agentRunning', { key: sessionId }))) return;
    const s = this.mustSession(sessionId);
    const cwd = this.store.task(s.task_id)!.worktree_path!;
    const { loadSession } = await this.startProcess(s);
    if (s.acp_session_id && loadSession) {
      await this.sc.effects.call('agentLoadSession', { key: sessionId, acpSessionId: s.acp_session_id, cwd });
      this.sc.transcripts.foundry(sessionId, { kind: 'agent_restarted', text: 'Agent process restarted; conversation resumed.' });
    } else {
      const { acpSessionId } = await this.sc.effects.call('agentNewSession', { key: sessionId, cwd });
      this.store.updateSession(sessionId, { acp_session_id: acpSessionId });
      if (s.acp_session_id) {
        this.sc.transcripts.foundry(sessionId, {
          kind: 'session_replaced',
          text: 'The agent cannot resume conversations (no session/load): a new agent session started without the earlier context.',
        });
      }
    }
    this.attached.add(sessionId);
  }

  /** Run one turn in the background; the session is already `running` with this turnId. */
  async runTurn(sessionId: string, turnId: string, text: string): Promise<void> {
    this.clearIdleStop(sessionId);
    this.running.add(sessionId);
    this.sc.activityChanged();
    let sent = false;
    try {
      await this.attach(sessionId);
      const s = this.mustSession(sessionId);
      if (s.turn_id !== turnId) return;
      if (this.cancelled.delete(turnId)) {
        this.sc.transcripts.foundry(sessionId, { kind: 'turn_ended', turnId, stopReason: 'cancelled', prompt: text });
        return;
      }
      sent = true;
      const { stopReason } = await this.sc.effects.call('agentPrompt', { key: sessionId, acpSessionId: s.acp_session_id!, text });
      this.sc.transcripts.foundry(sessionId, { kind: 'turn_ended', turnId, stopReason });
    } catch (e) {
      if (this.sc.draining) {
        this.sc.transcripts.foundry(sessionId, {
          kind: 'turn_interrupted',
          turnId,
          text: 'Foundry restarted during this turn. Send the message again to continue.',
          ...(sent ? {} : { prompt: text }),
        });
      } else {
        this.sc.transcripts.foundry(sessionId, { kind: 'turn_failed', turnId, text: errorMessage(e), ...(sent ? {} : { prompt: text }) });
      }
    } finally {
      this.cancelled.delete(turnId);
      this.running.delete(sessionId);
      this.endTurn(sessionId, turnId);
      this.sc.activityChanged();
      if (this.running.size === 0) for (const done of this.settledWaiters.splice(0)) done();
    }
  }

  /** Resolves once no turn is in progress (drain). */
  settled(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private endTurn(sessionId: string, turnId: string): void {
    const s = this.store.session(sessionId);
    if (!s || s.turn_id !== turnId) return;
    const unread = this.sc.transcripts.isWatched(sessionId) ? s.unread : 1;
    this.sc.db.tx(() => {
      this.store.updateSession(sessionId, { status: turnInProgress(s.status) ? 'ready' : s.status, turn_id: null, pending_permission: null, unread });
      this.sc.recomputeTaskStatus(s.task_id);
    });
    this.sc.publisher.taskChanged(s.task_id);
    if (this.sc.draining) return;
    this.sc.refreshChanges(s.task_id);
    this.scheduleIdleStop(sessionId);
  }

  async cancel(sessionId: string): Promise<void> {
    const s = this.store.session(sessionId);
    if (!s?.turn_id) return;
    if (!this.attached.has(sessionId) || this.attaching.has(sessionId)) this.cancelled.add(s.turn_id);
    if (s.acp_session_id) await this.sc.effects.call('agentCancel', { key: sessionId, acpSessionId: s.acp_session_id });
    // ACP: after session/cancel, the client answers every open permission request `cancelled`.
    await this.sc.permissions.cancel(this.mustSession(sessionId));
  }

  /** Stop the session's agent process (close, archive). */
  async stop(sessionId: string): Promise<void> {
    this.clearIdleStop(sessionId);
    this.attached.delete(sessionId);
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
        this.store.updateSession(s.id, { status: 'ready', turn_id: null, pending_permission: null });
        tasks.add(s.task_id);
      }
      for (const t of tasks) this.sc.recomputeTaskStatus(t);
    });
    for (const t of tasks) this.sc.publisher.taskChanged(t);
  }

  onAcpMessage(sessionId: string, sender: 'client' | 'agent', message: unknown): void {
    if (this.store.session(sessionId)) this.sc.transcripts.append(sessionId, sender, message);
  }

  onAgentExited(sessionId: string, code: number | null, signal: string | null): void {
    this.attached.delete(sessionId);
    this.sc.log(`agent of session ${sessionId} exited (${signal ?? `code ${code}`})`);
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

  private mustSession(sessionId: string): SessionRow {
    const s = this.store.session(sessionId);
    if (!s) throw new Error(`session not found: ${sessionId}`);
    return s;
  }
}
