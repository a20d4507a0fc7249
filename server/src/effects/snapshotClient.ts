/** The effects worker's side of the snapshot thread (snapshotWorker.ts): started on first use, ended at shutdown. */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { RestoreSnapshotParams, RestoreSnapshotResult, SnapshotResult, TakeSnapshotParams } from './snapshot';

export function createSnapshotEffects(bundleDir: string) {
  let worker: Worker | undefined;
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = (): Worker => {
    if (worker) return worker;
    const w = new Worker(join(bundleDir, 'snapshot-worker.js'));
    w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
    w.on('error', (e) => failAll(e));
    w.on('exit', (code) => {
      worker = undefined;
      failAll(new Error(`snapshot worker exited with code ${code}`));
    });
    w.unref();
    worker = w;
    return w;
  };
  const call = <T>(method: string, params: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      start().postMessage({ id, method, params });
    });
  return {
    takeSnapshot: (p: TakeSnapshotParams) => call<SnapshotResult>('takeSnapshot', p),
    restoreSnapshot: (p: RestoreSnapshotParams) => call<RestoreSnapshotResult>('restoreSnapshot', p),
    async close(): Promise<void> {
      await worker?.terminate();
    },
  };
}
