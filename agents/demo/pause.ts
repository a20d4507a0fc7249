/** Abortable waiting, so a `session/cancel` ends any pause at once. */

/** Thrown out of a turn's work when its signal aborts. */
export class TurnCancelled extends Error {
  constructor() {
    super('demo agent: turn cancelled');
  }
}

/** Throws TurnCancelled if the signal has aborted. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new TurnCancelled();
}

/** Resolves after `ms` milliseconds, or rejects with TurnCancelled as soon as `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new TurnCancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TurnCancelled());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
