/**
 * Transcript events: persisted one by one as they arrive (seq per session from 1), then
 * pushed - coalesced per tick - only to the clients subscribed to that session.
 */
import type { Store } from '../store/store';
import type { FoundryEvent, TranscriptAppendedParams, TranscriptEvent, TranscriptSender } from '../../../shared/protocol';

/** Who watches which session (the client hub). */
export interface TranscriptAudience {
  isWatched(sessionId: string): boolean;
  send(p: TranscriptAppendedParams): void;
}

export class Transcripts {
  private readonly seqs = new Map<string, number>();
  private readonly outbox = new Map<string, TranscriptEvent[]>();
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly audience: TranscriptAudience,
  ) {}

  /** Whether any client watches the session now. */
  isWatched(sessionId: string): boolean {
    return this.audience.isWatched(sessionId);
  }

  append(sessionId: string, sender: TranscriptSender, payload: unknown): TranscriptEvent {
    const seq = (this.seqs.get(sessionId) ?? this.store.lastSeq(sessionId)) + 1;
    const event: TranscriptEvent = { seq, sessionId, at: Date.now(), sender, payload };
    this.store.appendTranscript({ session_id: sessionId, seq, at: event.at, sender, payload: JSON.stringify(payload ?? null) });
    this.seqs.set(sessionId, seq);
    if (this.audience.isWatched(sessionId)) {
      const list = this.outbox.get(sessionId) ?? [];
      list.push(event);
      this.outbox.set(sessionId, list);
      this.schedule();
    }
    return event;
  }

  foundry(sessionId: string, event: FoundryEvent): TranscriptEvent {
    return this.append(sessionId, 'foundry', event);
  }

  /** Push what is waiting now (before the sidecar exits). */
  flush(): void {
    this.scheduled = false;
    for (const [sessionId, events] of this.outbox) this.audience.send({ sessionId, events });
    this.outbox.clear();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }
}
