/** Archive: stop the task's agents, stop watching, remove the worktree (the branch stays) unless it holds ignored work. */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';
import { describeIgnoredWork } from '../effects/ignoredWork';

export function archiveJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const t = sc.store.task(job.subject);
    if (!t || t.status !== 'archive_remove_sandbox') return;
    try {
      for (const s of sc.store.sessionsOf(t.id)) await sc.turns.stop(s.id);
      await sc.effects.call('unwatch', { taskId: t.id });
      if (t.worktree_path) {
        // archiveTask checked already; ignored files made since then are still refused here.
        const ignored = await sc.effects.call('ignoredWork', { worktreePath: t.worktree_path });
        if (ignored.length > 0) throw new Error(`the worktree holds ${describeIgnoredWork(ignored)} that removing it would delete`);
        // Never forced: git refuses to remove a worktree holding uncommitted work.
        // Only a worktree provably made for this task (row and marker agree) is removed.
        const repoPath = sc.store.repo(t.repo_id)!.path;
        await sc.effects.call('removeWorktree', { repoPath, worktreePath: t.worktree_path, taskId: t.id, recordedPath: t.worktree_path });
      }
      sc.db.tx(() => {
        for (const s of sc.store.sessionsOf(t.id)) if (s.status !== 'closed') sc.store.updateSession(s.id, { status: 'closed', turn_id: null });
        sc.store.updateTask(t.id, { status: 'archived', status_message: null, error_message: null });
        sc.store.addHistory(t.id, { kind: 'archived' });
      });
    } catch (e) {
      if (sc.draining) throw new Interrupted('archive'); // resumes on the next start
      sc.db.tx(() => {
        sc.store.updateTask(t.id, { status: 'idle', error_message: `Archive failed: ${errorMessage(e)}` });
        sc.store.addHistory(t.id, { kind: 'error', stage: 'archive_remove_sandbox', message: errorMessage(e) });
      });
      if (t.worktree_path) sc.watch(t.id, t.worktree_path);
      throw e;
    } finally {
      sc.publisher.taskChanged(t.id);
    }
  };
}
