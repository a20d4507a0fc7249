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

/** setTimeout's largest delay (about 24.8 days); longer pauses are cut to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
    }, Math.min(ms, MAX_TIMER_MS));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Never resolves; rejects with TurnCancelled as soon as `signal` aborts. */
export function untilCancelled(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) return reject(new TurnCancelled());
    signal.addEventListener('abort', () => reject(new TurnCancelled()), { once: true });
  });
}
