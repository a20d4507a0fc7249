/**
 * The snapshot effects' own thread (dist/snapshot-worker.js), started by the effects worker on
 * first use: a snapshot spawns several git processes, and each spawn costs the calling thread
 * about a millisecond (FACTS.md). Kept off the effects worker's thread, those never delay the
 * agent traffic it relays - a turn's first chunk while the last turn's checkpoint is written.
 */
import { parentPort } from 'node:worker_threads';
import { errorText } from '../errorText';
import { restoreSnapshot, takeSnapshot } from './snapshot';

const port = parentPort!;
const methods = { takeSnapshot, restoreSnapshot } as const;

port.on('message', async (m: { id: number; method: keyof typeof methods; params: never }) => {
  try {
    const result = await methods[m.method](m.params);
    port.postMessage({ id: m.id, result });
  } catch (e) {
    port.postMessage({ id: m.id, error: errorText(e) });
  }
});
