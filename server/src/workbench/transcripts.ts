/**
 * Transcript events: persisted one by one as they arrive (seq per session from 1), then
 * pushed - coalesced per tick - only to a client subscribed to that session.
 */
import type { Store } from '../store/store';
import type { FoundryEvent, TranscriptAppendedParams, TranscriptEvent, TranscriptSender } from '../../../shared/protocol';

export class Transcripts {
  private readonly seqs = new Map<string, number>();
  private readonly subscribed = new Set<string>();
  private readonly outbox = new Map<string, TranscriptEvent[]>();
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly send: (p: TranscriptAppendedParams) => void,
  ) {}

  subscribe(sessionId: string): void {
    this.subscribed.add(sessionId);
  }
  unsubscribe(sessionId: string): void {
    this.subscribed.delete(sessionId);
    this.outbox.delete(sessionId);
  }
  isSubscribed(sessionId: string): boolean {
    return this.subscribed.has(sessionId);
  }

  append(sessionId: string, sender: TranscriptSender, payload: unknown): TranscriptEvent {
    const seq = (this.seqs.get(sessionId) ?? this.store.lastSeq(sessionId)) + 1;
    const event: TranscriptEvent = { seq, sessionId, at: Date.now(), sender, payload };
    this.store.appendTranscript({ session_id: sessionId, seq, at: event.at, sender, payload: JSON.stringify(payload ?? null) });
    this.seqs.set(sessionId, seq);
    if (this.subscribed.has(sessionId)) {
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

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const [sessionId, events] of this.outbox) this.send({ sessionId, events });
      this.outbox.clear();
    });
  }
}
