/**
 * Retention (settings `foundry.retention.archiveIdleDays` and `purgeDeletedDays`; 0 = off): a
 * periodic job, at start and on a timer, archives idle tasks untouched for N days (the archive
 * snapshots whatever they hold, so nothing is lost) and purges deleted tasks N days after their delete.
 */
import type { Sidecar } from '../sidecar';
import { queueArchive, queuePurge } from '../handlers/lifecycle';

export const RETENTION_JOB = 'retention';
export const RETENTION_KEY = 'retention';
const DAY = 24 * 60 * 60 * 1000;

export function retentionJob(sc: Sidecar) {
  return async (): Promise<void> => {
    const { retentionArchiveIdleDays: archiveDays = 0, retentionPurgeDeletedDays: purgeDays = 0 } = sc.opts.retention;
    const now = Date.now();
    for (const t of sc.store.tasks()) {
      if (archiveDays > 0 && t.status === 'idle' && now - t.updated_at >= archiveDays * DAY) {
        sc.store.addHistory(t.id, { kind: 'stage_started', stage: 'retention', message: `idle for ${archiveDays} days or more: archived (foundry.retention.archiveIdleDays)` });
        queueArchive(sc, t.id, false);
      } else if (purgeDays > 0 && t.status === 'deleted' && t.shelved_at != null && now - t.shelved_at >= purgeDays * DAY) {
        queuePurge(sc, t.id, 'deleted');
      }
    }
  };
}
