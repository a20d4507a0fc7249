/**
 * Which notifications a workbench change calls for: a pure function of what this window saw
 * before and the task summaries now. No `vscode` import (unit-tested in plain Node).
 *
 * - A session enters `needs_input` with a request not seen before: "needs your input".
 * - A turn this window saw start (or saw running when it first looked) ends after at least
 *   `longTurnMs`: "finished" (only with the level `all`).
 * Neither is shown while the session's tab is visible, in a window that is not focused, or twice
 * for the same request or turn. The first look (no earlier state: a window opening or reloading)
 * only records what it sees, so a reload never repeats a notification.
 * Messages name the session, the task (clipped) and the agent; never a prompt or a request's text.
 */
import { turnInProgress, type SessionStatus, type TaskSummary } from '../../../shared/protocol';
import { clip } from '../views/attention';

/** The `foundry.notifications` setting. */
export type NotificationLevel = 'all' | 'needsInput' | 'off';
export const NotificationLevels: readonly NotificationLevel[] = ['all', 'needsInput', 'off'];

/** A turn at least this long notifies when it finishes. */
export const LongTurnMs = 30_000;

/** How many notified keys are remembered (oldest forgotten first). */
const RememberedKeys = 1000;

interface SeenSession {
  readonly status: SessionStatus;
  /** The pending permission's id while `needs_input`. */
  readonly requestId?: string;
  /** When this window first saw the current turn in progress (epoch ms). */
  readonly turnSeenAt?: number;
}

export interface NotifyState {
  readonly sessions: ReadonlyMap<string, SeenSession>;
  /** Keys of the requests and turns already notified (or passed over): never again. */
  readonly notified: readonly string[];
}

export interface NotifyContext {
  readonly now: number;
  /** `vscode.window.state.focused` now. */
  readonly focused: boolean;
  readonly level: NotificationLevel;
  readonly longTurnMs: number;
  /** Whether the session's chat tab is visible in this window. */
  readonly isTabVisible: (sessionId: string) => boolean;
  /** The agent's name for the user ("Claude Code"); its id when unknown. */
  readonly agentName: (agentId: string) => string;
}

export interface Notice {
  /** `perm:<requestId>` or `turn:<sessionId>:<seenAt>`. */
  readonly key: string;
  readonly kind: 'needs_input' | 'turn_finished';
  readonly sessionId: string;
  readonly message: string;
}

export function planNotifications(previous: NotifyState | undefined, tasks: readonly TaskSummary[], cx: NotifyContext): { state: NotifyState; notices: Notice[] } {
  const sessions = new Map<string, SeenSession>();
  const candidates: Notice[] = [];
  for (const task of tasks) {
    for (const session of task.sessions) {
      const before = previous?.sessions.get(session.id);
      const inTurn = turnInProgress(session.status);
      const wasInTurn = before !== undefined && turnInProgress(before.status);
      const requestId = session.status === 'needs_input' ? session.pendingPermission?.requestId : undefined;
      sessions.set(session.id, {
        status: session.status,
        ...(requestId ? { requestId } : {}),
        ...(inTurn ? { turnSeenAt: wasInTurn ? (before.turnSeenAt ?? cx.now) : cx.now } : {}),
      });
      if (!previous || task.status === 'archived' || session.status === 'closed') continue;
      const where = `"${clip(session.name, 40)}" in "${clip(task.title, 50)}" (${clip(cx.agentName(session.agent), 40)})`;
      if (requestId && before?.requestId !== requestId) {
        candidates.push({ key: `perm:${requestId}`, kind: 'needs_input', sessionId: session.id, message: `Foundry: ${where} needs your input.` });
      }
      if (wasInTurn && !inTurn && before.turnSeenAt !== undefined && cx.now - before.turnSeenAt >= cx.longTurnMs) {
        const outcome = session.status === 'error' ? 'stopped with an error' : `finished after ${formatDuration(cx.now - before.turnSeenAt)}`;
        candidates.push({ key: `turn:${session.id}:${before.turnSeenAt}`, kind: 'turn_finished', sessionId: session.id, message: `Foundry: ${where} ${outcome}.` });
      }
    }
  }
  const already = new Set(previous?.notified ?? []);
  const fresh = candidates.filter((n) => !already.has(n.key));
  const notices = fresh.filter((n) => cx.focused && allowed(cx.level, n.kind) && !cx.isTabVisible(n.sessionId));
  const notified = [...(previous?.notified ?? []), ...fresh.map((n) => n.key)].slice(-RememberedKeys);
  return { state: { sessions, notified }, notices };
}

/** The setting's value, or the default `all` for anything else. */
export function parseLevel(value: unknown): NotificationLevel {
  return NotificationLevels.includes(value as NotificationLevel) ? (value as NotificationLevel) : 'all';
}

function allowed(level: NotificationLevel, kind: Notice['kind']): boolean {
  if (level === 'off') return false;
  return level === 'all' || kind === 'needs_input';
}

/** `45 s`, `3 min`, `1 h 5 min`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
