/**
 * Start steps that put right what earlier versions left, before any job resumes. Both need git,
 * so they run on the effects worker; both are idempotent (a second run finds nothing to do).
 *
 * - Duplicate repositories. Earlier versions knew a repository by `git rev-parse --show-toplevel`,
 *   so one repository reached through a symlinked path or one of its linked worktrees got a row
 *   of each. Rows whose paths resolve to the same repository (effects/repoIdentity.ts) become the
 *   oldest: its tasks and theirs stay, re-pointed to it; the others are deleted and pushed as
 *   removed. The kept row's path becomes the main working tree.
 * - Ownership markers for the worktrees of tasks from earlier versions (effects/markerBackfill.ts).
 */
import { isShelved } from '../../shared/protocol';
import { basename } from 'node:path';
import type { RepoRow, TaskRow } from './db/schema';
import type { Sidecar } from './sidecar';
import { errorMessage } from './errors';

/** Both steps; never throws (a failure is logged, and the sidecar starts anyway). Ends with one log line. */
export async function reconcileEarlierVersions(sc: Sidecar): Promise<void> {
  const merged = await mergeDuplicateRepos(sc).catch((e) => (sc.log(`merging duplicate repositories failed: ${errorMessage(e)}`), 0));
  const marked = await backfillOwnerMarkers(sc, sc.store.tasks()).catch((e) => (sc.log(`backfilling ownership markers failed: ${errorMessage(e)}`), 0));
  sc.log(`reconciled with earlier versions: ${merged} duplicate repository row(s) merged, ${marked} ownership marker(s) written`);
}

/** Returns how many rows were merged away. */
export async function mergeDuplicateRepos(sc: Sidecar): Promise<number> {
  const rows = sc.store.repos();
  if (!rows.length) return 0;
  const ids = await sc.effects.call('repoIdentities', { paths: rows.map((r) => r.path) });
  const groups = new Map<string, { row: RepoRow; path: string }[]>();
  rows.forEach((row, i) => {
    const id = ids[i];
    if (!id) return; // gone or no repository now: nothing to compare it by
    groups.set(id.identity, [...(groups.get(id.identity) ?? []), { row, path: id.path }]);
  });
  const changedTasks = new Set<string>();
  const changedRepos = new Set<string>();
  const removed: string[] = [];
  sc.db.tx(() => {
    for (const [identity, members] of groups) {
      // Oldest first (store.repos() is ordered by created_at); ties by id, so every run agrees.
      const [keep, ...duplicates] = members.sort((a, b) => a.row.created_at - b.row.created_at || a.row.id.localeCompare(b.row.id));
      for (const { row } of duplicates) {
        if (!sc.store.repo(row.id)) continue;
        for (const t of sc.store.tasksOfRepo(row.id)) {
          // A task from before script snapshots ran its own row's script: it keeps running that one.
          sc.store.updateTask(t.id, { repo_id: keep.row.id, setup_script: t.setup_script ?? row.setup_script ?? '' });
          changedTasks.add(t.id);
        }
        sc.store.deleteRepo(row.id);
        removed.push(row.id);
        sc.log(`repository ${row.id} (${row.path}) is the same repository as ${keep.row.id} (${keep.row.path}, git common dir ${identity}): merged into it`);
      }
      const current = sc.store.repo(keep.row.id);
      if (current && current.path !== keep.path && !sc.store.repoByPath(keep.path)) {
        const name = current.name === basename(current.path) ? basename(keep.path) : current.name;
        sc.store.updateRepo(current.id, { path: keep.path, name });
        sc.log(`repository ${current.id}: path ${current.path} is now its main working tree ${keep.path}`);
        changedRepos.add(current.id);
      }
      if (duplicates.length) changedRepos.add(keep.row.id);
    }
  });
  for (const id of changedRepos) sc.publisher.repoChanged(id);
  for (const id of removed) sc.publisher.repoRemoved(id);
  for (const id of changedTasks) sc.publisher.taskChanged(id);
  return removed.length;
}

/**
 * Write the missing ownership marker of each task's worktree where git vouches for it; log the
 * ones left without (their archive refuses, naming why).
 */
export async function backfillOwnerMarkers(sc: Sidecar, tasks: TaskRow[]): Promise<number> {
  const worktrees = tasks
    .filter((t) => t.worktree_path && !isShelved(t.status))
    .map((t) => ({ taskId: t.id, repoPath: sc.store.repo(t.repo_id)?.path ?? '', worktreePath: t.worktree_path!, branch: t.branch }))
    .filter((w) => w.repoPath);
  if (!worktrees.length) return 0;
  const { marked, left } = await sc.effects.call('backfillOwnerMarkers', { worktrees });
  if (marked.length) sc.log(`wrote the ownership marker of ${marked.length} worktree(s) made by an earlier Foundry: ${marked.join(', ')}`);
  for (const l of left) sc.log(`worktree ${l.worktreePath} of task ${l.taskId} has no ownership marker and gets none (${l.reason}); archive leaves it as it is`);
  return marked.length;
}
