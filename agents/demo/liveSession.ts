/** A session this agent process holds open: its record, its running turn and its saves. */
import type { SessionRecord, SessionStore } from './sessionStore.js';

export class LiveSession {
  private turn: { controller: AbortController; done: Promise<unknown> } | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly record: SessionRecord,
    private readonly store: SessionStore,
  ) {}

  get id(): string {
    return this.record.id;
  }

  /**
   * Runs one turn with its own abort signal. A turn still running is cancelled and
   * awaited first, so turns of a session never overlap.
   */
  async runTurn<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    while (this.turn) {
      this.turn.controller.abort();
      await this.turn.done.catch(() => undefined);
    }
    const controller = new AbortController();
    const done = work(controller.signal);
    const turn = { controller, done };
    this.turn = turn;
    try {
      return await done;
    } finally {
      if (this.turn === turn) this.turn = undefined;
    }
  }

  /** Cancels the running turn, if any (ACP `session/cancel`). */
  cancel(): void {
    this.turn?.controller.abort();
  }

  /** Persists the record; saves of one session run one after another. */
  save(): Promise<void> {
    this.saving = this.saving.then(
      () => this.store.save(this.record),
      () => this.store.save(this.record),
    );
    return this.saving;
  }
}
