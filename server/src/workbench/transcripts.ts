/**
 * Transcript events, numbered per session from 1 as they arrive, then persisted and pushed
 * together once per tick: the tick's rows go in one transaction (a commit per streamed chunk
 * capped ingest below 10,000 events/s), then the events go to the clients subscribed to that
 * session. A client is never sent an event before it is committed, and every read goes through
 * `read`, which commits what is waiting first.
 *
 * An event appended inside a caller's transaction is written at once, in that transaction (after
 * any rows waiting, so seqs stay in order): the caller's other writes (a queued message leaving
 * the queue as its prompt enters the transcript) commit with it or not at all.
 */
import type { Store } from '../store/store';
import type { TranscriptRow } from '../db/schema';
import type { FoundryEvent, TranscriptAppendedParams, TranscriptEvent, TranscriptSender } from '../../../shared/protocol';

/** Who watches which session (the client hub). */
export interface TranscriptAudience {
  isWatched(sessionId: string): boolean;
  send(p: TranscriptAppendedParams): void;
}

/** An event arriving this long after the last flush is flushed at once instead of at the next tick. */
const QUIET_MS = 5;

export class Transcripts {
  private readonly seqs = new Map<string, number>();
  private readonly outbox = new Map<string, TranscriptEvent[]>();
  /** Numbered, not yet committed. */
  private pending: TranscriptRow[] = [];
  private scheduled = false;
  private lastFlush = 0;

  constructor(
    private readonly store: Store,
    private readonly audience: TranscriptAudience,
    private readonly log: (message: string) => void,
  ) {}

  /** Whether any client watches the session now. */
  isWatched(sessionId: string): boolean {
    return this.audience.isWatched(sessionId);
  }

  append(sessionId: string, sender: TranscriptSender, payload: unknown): TranscriptEvent {
    const seq = (this.seqs.get(sessionId) ?? this.store.lastSeq(sessionId)) + 1;
    const event: TranscriptEvent = { seq, sessionId, at: Date.now(), sender, payload };
    const row = { session_id: sessionId, seq, at: event.at, sender, payload: JSON.stringify(payload ?? null) };
    if (this.store.db.raw.inTransaction) {
      this.persist();
      this.store.appendTranscript(row);
    } else {
      this.pending.push(row);
    }
    this.seqs.set(sessionId, seq);
    if (this.audience.isWatched(sessionId)) {
      const list = this.outbox.get(sessionId) ?? [];
      list.push(event);
      this.outbox.set(sessionId, list);
    }
    // The first event after a quiet spell (a reply's first chunk) goes out now; a stream batches.
    const quiet = !this.scheduled && performance.now() - this.lastFlush > QUIET_MS && !this.store.db.raw.inTransaction;
    if (quiet) this.flush();
    else this.schedule();
    return event;
  }

  /** Stored events of a session after `after` (what is waiting is committed first). */
  read(sessionId: string, after: number, limit: number): TranscriptEvent[] {
    this.persist();
    return this.store.transcript(sessionId, after, limit);
  }

  /** Commits the rows waiting, in one transaction. */
  private persist(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.store.db.tx(() => {
      for (const row of rows) this.store.appendTranscript(row);
    });
  }

  foundry(sessionId: string, event: FoundryEvent): TranscriptEvent {
    return this.append(sessionId, 'foundry', event);
  }

  /** Commit, then push, what is waiting now (each tick, and before the sidecar exits). */
  flush(): void {
    this.scheduled = false;
    this.lastFlush = performance.now();
    try {
      this.persist();
    } catch (e) {
      // Not pushed either: a client must never hold an event the database lacks.
      this.log(`transcript rows could not be written: ${e instanceof Error ? e.message : String(e)}`);
      this.outbox.clear();
      return;
    }
    for (const [sessionId, events] of this.outbox) this.audience.send({ sessionId, events });
    this.outbox.clear();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }
}
