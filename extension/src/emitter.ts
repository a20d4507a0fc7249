/**
 * A tiny event emitter shaped like vscode's `EventEmitter`, for model code that must run (and be
 * unit-tested) without `vscode`. Its `event` can be passed wherever a `vscode.Event` is expected,
 * and its subscriptions go into the same disposal scopes as any `vscode.Disposable`.
 */

export interface Disposable {
  dispose(): void;
}

/** Subscribe with a listener; dispose the result to unsubscribe. Same shape as `vscode.Event`. */
export type Event<T> = (listener: (value: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => unknown>();
  private disposed = false;

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    const bound = thisArgs === undefined ? listener : (value: T) => listener.call(thisArgs, value);
    if (!this.disposed) this.listeners.add(bound);
    const subscription = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(subscription);
    return subscription;
  };

  /**
   * Call every listener subscribed now (one unsubscribed meanwhile is skipped). A listener that
   * throws does not keep the others from running; its error is rethrown on its own, where the
   * extension host logs it and a test fails.
   */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      if (!this.listeners.has(listener)) continue;
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
