/**
 * Stalled turns: a turn in progress whose agent has sent nothing for `stalledAfterMs` is flagged
 * `stalled` on its session (and the flag clears at the agent's next message). Only the flips are
 * written and pushed. A session waiting for the user (`needs_input`) is never stalled: it waits
 * on the user, not the agent. The check runs only while some turn is in progress.
 */
import type { Sidecar } from '../sidecar';

export class StallMonitor {
  private readonly lastHeard = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sc: Sidecar) {}

  /** A turn started or the agent sent something; `wasStalled` from the session row the caller read. */
  heard(sessionId: string, wasStalled: boolean): void {
    this.lastHeard.set(sessionId, Date.now());
    if (wasStalled) this.flag(sessionId, false);
    this.arm();
  }

  /** The turn ended. */
  ended(sessionId: string): void {
    this.lastHeard.delete(sessionId);
    if (this.lastHeard.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private arm(): void {
    if (this.timer) return;
    const every = Math.max(50, Math.min(1000, Math.floor(this.sc.opts.stalledAfterMs / 4)));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  private check(): void {
    const now = Date.now();
    for (const [sessionId, at] of this.lastHeard) {
      if (now - at < this.sc.opts.stalledAfterMs) continue;
      const s = this.sc.store.session(sessionId);
      if (!s || s.status !== 'running') continue;
      if (s.stalled !== 1) this.flag(sessionId, true);
    }
  }

  private flag(sessionId: string, stalled: boolean): void {
    const s = this.sc.store.session(sessionId);
    if (!s) return;
    this.sc.store.updateSession(sessionId, { stalled: stalled ? 1 : 0 });
    this.sc.publisher.taskChanged(s.task_id);
  }
}
