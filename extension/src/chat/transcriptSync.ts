/**
 * Keeps one session's transcript in step with the sidecar while its chat tab is
 * open: subscribe, page the history, apply pushed events, catch up after a
 * sidecar restart, unsubscribe on dispose.
 *
 * Ordering: the push listener is attached before `SubscribeSession` is sent, and
 * history is paged only after the subscription is acknowledged. Events pushed
 * while a load runs are held back and released after it, so every event is
 * delivered exactly once and in seq order.
 */
import type * as vscode from 'vscode';
import { GetTranscript, SubscribeSession, type TranscriptEvent, UnsubscribeSession } from '../../../shared/protocol';
import type { SyncState } from '../../../shared/webview-protocol';
import { errorMessage } from '../errors';
import type { ChatHost } from './host';

const pageSize = 500;

export interface TranscriptSyncEvents {
  /** New events, in seq order, each delivered once. */
  appended(events: TranscriptEvent[]): void;
  /** The load phase changed. */
  syncChanged(sync: SyncState): void;
}

export class TranscriptSync implements vscode.Disposable {
  /** Every event received so far, in seq order (a webview reload gets them all). */
  readonly events: TranscriptEvent[] = [];
  private lastSeq = 0;
  /** Pushed events waiting for a load to finish, by seq. */
  private readonly held = new Map<number, TranscriptEvent>();
  private loading = false;
  /** Another load was asked for while one ran. */
  private loadAgain = false;
  private sync: SyncState = { phase: 'loading' };
  private disposed = false;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly host: ChatHost,
    readonly sessionId: string,
    private readonly on: TranscriptSyncEvents,
  ) {
    this.listener = host.onTranscript(sessionId, (events) => this.pushed(events));
    void this.load(true);
  }

  get state(): SyncState {
    return this.sync;
  }

  /** The sidecar restarted: its subscriptions are gone. Subscribe again and catch up from the last seq. */
  resubscribe(): void {
    void this.load(true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listener.dispose();
    this.held.clear();
    this.host.request(UnsubscribeSession, { sessionId: this.sessionId }).catch((err: unknown) => {
      this.host.log.debug(`chat ${this.sessionId}: unsubscribe failed: ${errorMessage(err)}`);
    });
  }

  private pushed(events: TranscriptEvent[]): void {
    if (this.disposed) return;
    for (const e of events) if (e.seq > this.lastSeq) this.held.set(e.seq, e);
    if (this.loading) return;
    const next = Math.min(...this.held.keys());
    if (next === this.lastSeq + 1) this.release();
    // A hole before the first held event: fetch what lies between before releasing anything.
    else if (this.held.size > 0) void this.load(false);
  }

  /** Subscribe (when asked) and page everything after lastSeq, then release held pushes. */
  private async load(subscribe: boolean): Promise<void> {
    if (this.loading) {
      this.loadAgain ||= subscribe;
      return;
    }
    this.loading = true;
    this.setSync({ phase: 'loading' });
    try {
      if (subscribe) await this.host.request(SubscribeSession, { sessionId: this.sessionId });
      for (;;) {
        if (this.disposed) return;
        const after = this.lastSeq;
        const page = await this.host.request(GetTranscript, { sessionId: this.sessionId, after, limit: pageSize });
        if (this.disposed) return;
        this.accept(page.events);
        if (page.events.length < pageSize || this.lastSeq === after) break;
      }
      this.loading = false;
      this.release();
      this.setSync({ phase: 'live' });
    } catch (err) {
      this.loading = false;
      if (this.disposed) return;
      this.host.log.warn(`chat ${this.sessionId}: loading the transcript failed: ${errorMessage(err)}`);
      this.setSync({ phase: 'failed', message: errorMessage(err) });
    }
    if (this.loadAgain && !this.disposed) {
      this.loadAgain = false;
      await this.load(true);
    }
  }

  /** Release held pushed events in seq order. */
  private release(): void {
    const ready = [...this.held.values()].sort((a, b) => a.seq - b.seq);
    this.held.clear();
    this.accept(ready);
  }

  private accept(events: readonly TranscriptEvent[]): void {
    const fresh: TranscriptEvent[] = [];
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      fresh.push(e);
    }
    if (fresh.length === 0) return;
    this.events.push(...fresh);
    this.on.appended(fresh);
  }

  private setSync(sync: SyncState): void {
    if (this.disposed || JSON.stringify(sync) === JSON.stringify(this.sync)) return;
    this.sync = sync;
    this.on.syncChanged(sync);
  }
}
