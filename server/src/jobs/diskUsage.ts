/**
 * Disk use per task worktree and per repository (the sum of its tasks'), measured in the effects
 * worker by a background job, never in a request; throttled (Sidecar.measureDisk). Only changed
 * figures are pushed.
 */
import { isShelved } from '../../../shared/protocol';
import type { Sidecar } from '../sidecar';

export const DISK_JOB = 'disk_usage';
/** The job key: one measurement at a time, beside every task's jobs. */
export const DISK_KEY = 'disk';

export function diskUsageJob(sc: Sidecar) {
  return async (): Promise<void> => {
    const tasks = sc.store.tasks().filter((t) => t.worktree_path && !isShelved(t.status));
    const sizes = await sc.effects.call('diskUsage', { paths: tasks.map((t) => t.worktree_path!) });
    const perRepo = new Map<string, number>();
    sc.db.tx(() => {
      for (const [i, t] of tasks.entries()) {
        const bytes = sizes[i];
        perRepo.set(t.repo_id, (perRepo.get(t.repo_id) ?? 0) + (bytes ?? 0));
        if ((t.disk_bytes ?? null) === bytes) continue;
        sc.store.setDiskBytes('tasks', t.id, bytes);
        sc.publisher.taskChanged(t.id);
      }
      for (const repo of sc.store.repos()) {
        const bytes = perRepo.get(repo.id) ?? 0;
        if ((repo.disk_bytes ?? null) === bytes) continue;
        sc.store.setDiskBytes('repos', repo.id, bytes);
        sc.publisher.repoChanged(repo.id);
      }
    });
  };
}
