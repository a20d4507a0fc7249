/**
 * Purge and clean up (foundry/getCleanupInventory, foundry/runCleanup). Only what Foundry made is
 * listed or removed: refs under refs/foundry/ of its own tasks, worktree records whose folder is
 * gone. A purged task's rows go. Each removal checks again (a ref only at the value just read).
 */
import { existsSync } from 'node:fs';
import type { CleanupItem, CleanupScope, TaskStatus } from '../../../shared/protocol';
import type { JobRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { FactsQuery } from '../effects/cleanupFacts';
import { archiveRef, taskRefPrefixes } from './shelving';

/** The refs a cleanup of this task may remove, by its status; null = nothing of it goes. */
function prefixesFor(t: TaskRow, scope: CleanupScope): string[] | null {
  if (t.status === 'deleted') return taskRefPrefixes(t.id);
  if (scope === 'deleted') return null;
  // An archived task keeps its archive snapshot (it is the task); its checkpoints are leftovers.
  if (t.status === 'archived') return [`refs/foundry/checkpoints/${t.id}/`];
  // A live task (unarchived or undeleted since): the archive and delete refs are stale.
  if (t.status === 'idle' || t.status === 'running' || t.status === 'error') return [archiveRef(t.id), `refs/foundry/deleted/${t.id}/`];
  return null;
}

export async function cleanupInventory(sc: Sidecar, scope: CleanupScope, repoId?: string): Promise<CleanupItem[]> {
  const items: CleanupItem[] = [];
  const byRepo = new Map<string, { t: TaskRow; q: FactsQuery }[]>();
  for (const t of sc.store.tasks()) {
    if (repoId && t.repo_id !== repoId) continue;
    const prefixes = prefixesFor(t, scope);
    if (!prefixes) continue;
    const list = byRepo.get(t.repo_id) ?? [];
    list.push({ t, q: { taskId: t.id, prefixes } });
    byRepo.set(t.repo_id, list);
  }
  for (const [id, list] of byRepo) {
    const repo = sc.store.repo(id);
    if (!repo || !existsSync(repo.path)) continue;
    const facts = await sc.effects.call('cleanupFacts', { repoPath: repo.path, tasks: list.map((e) => e.q) });
    for (const [i, f] of facts.entries()) {
      const t = list[i].t;
      const removesTask = t.status === 'deleted';
      if (!removesTask && f.refs.length === 0) continue;
      items.push({
        taskId: t.id,
        title: t.title,
        repoId: t.repo_id,
        status: t.status as TaskStatus,
        refs: f.refs.map((r) => r.ref),
        removesTask,
        bytes: f.bytes,
        uniqueWork: f.uniqueWork,
        excluded: t.snapshot_excluded ? (JSON.parse(t.snapshot_excluded) as string[]) : [],
      });
    }
  }
  return items;
}

/** One task's cleanup: its refs (read again, each removed at the value read), then a purged task's rows. */
export function purgeJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const t = sc.store.task(job.subject);
    if (!t) return;
    const scope = (job.step ?? 'deleted') as CleanupScope;
    const prefixes = prefixesFor(t, scope);
    if (!prefixes) return;
    const repo = sc.store.repo(t.repo_id)!;
    if (t.status === 'deleted' && t.worktree_path && existsSync(t.worktree_path)) {
      throw new Error(`the deleted task's worktree ${t.worktree_path} still exists; it is left as it is (Undo Delete, then archive or delete it again)`);
    }
    const [facts] = await sc.effects.call('cleanupFacts', { repoPath: repo.path, tasks: [{ taskId: t.id, prefixes }] });
    await sc.effects.call('removeFoundryRefs', { repoPath: repo.path, refs: facts.refs });
    await sc.effects.call('pruneWorktrees', { repoPath: repo.path });
    if (t.status !== 'deleted') {
      sc.store.addHistory(t.id, { kind: 'stage_finished', stage: 'cleanup', message: `removed ${facts.refs.map((r) => r.ref).join(', ') || 'nothing'}` });
      sc.publisher.taskChanged(t.id);
      return;
    }
    sc.db.tx(() => sc.store.deleteTaskRows(t.id));
    sc.publisher.taskRemoved(t.id);
    sc.measureDisk();
  };
}
