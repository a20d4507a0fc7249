/** Main-thread proxy for the effects worker: typed calls and an event stream. */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { EffectsEvent, EffectsMethod, EffectsParams, EffectsResult, FromWorker, ToWorker } from './api';

export class Effects {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listener: (e: EffectsEvent) => void = () => {};

  private terminating = false;

  /** `onCrash` runs if the worker dies on its own: the sidecar cannot work without it. */
  constructor(bundleDir: string, log: (m: string) => void, onCrash: () => void) {
    this.worker = new Worker(join(bundleDir, 'effects-worker.js'));
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e) => {
      log(`effects worker error: ${e.stack ?? e.message}`);
      this.failAll(e);
    });
    this.worker.on('exit', (code) => {
      this.failAll(new Error(`effects worker exited with code ${code}`));
      if (!this.terminating) {
        log(`effects worker exited unexpectedly (code ${code})`);
        onCrash();
      }
    });
  }

  onEvent(listener: (e: EffectsEvent) => void): void {
    this.listener = listener;
  }

  call<M extends EffectsMethod>(method: M, params: EffectsParams<M>): Promise<Awaited<EffectsResult<M>>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ type: 'call', id, method, params } satisfies ToWorker);
    });
  }

  async terminate(): Promise<void> {
    this.terminating = true;
    try {
      await Promise.race([this.call('shutdown', {}), new Promise((r) => setTimeout(r, 6000))]);
    } finally {
      await this.worker.terminate();
    }
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'event') return this.listener(m.event);
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result);
    else p.reject(new Error(m.message));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
