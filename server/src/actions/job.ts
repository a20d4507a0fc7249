/**
 * The durable job of one repository action (foundry/runRepoAction). Jobs of one repository run
 * one at a time (their job rows share the key `repo:<repoId>`); other repositories' run in
 * parallel. Every move of the action's row is pushed as `foundry/repoActionUpdated`, and the
 * task's `lastAction` follows in workbenchUpdated. After a restart, an action that was running
 * runs again only if its kind is repeatable; otherwise its kind checks what was left (aborting
 * what was half done) or it ends failed, "interrupted by a restart; nothing was changed".
 * The changes projection refreshes after every action.
 */
import type { RepoActionKind } from '../../../shared/protocol';
import type { JobRow, RepoActionRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';
import { toAction } from '../store/summaries';
import { ActionFailure, INTERRUPTED, type ActionContext, type ActionParams, type ActionResult } from './kinds';
import { ACTION_KINDS } from './registry';

/** The job key that serialises a repository's actions. */
export const actionJobKey = (repoId: string) => `repo:${repoId}`;

/** Push the row as it is now (call after its write committed). */
export function pushAction(sc: Sidecar, row: RepoActionRow): void {
  if (sc.draining) return;
  sc.channels.repoActionUpdated({ action: toAction(row) });
  if (row.task_id) sc.publisher.taskChanged(row.task_id);
}

function move(sc: Sidecar, id: string, patch: Partial<RepoActionRow>): RepoActionRow | undefined {
  const row = sc.store.updateAction(id, patch);
  if (row) pushAction(sc, row);
  return row;
}

export function repoActionJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const row = sc.store.action(job.subject);
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
    const kind = ACTION_KINDS[row.kind as RepoActionKind];
    const resumed = row.status === 'running';
    const repo = sc.store.repo(row.repo_id);
    const task = row.task_id ? sc.store.task(row.task_id) : undefined;
    let finished: string | null = null;
    const ctx: ActionContext = {
      sc,
      action: row,
      params: JSON.parse(row.params) as ActionParams,
      repo: repo!,
      ...(task ? { task } : {}),
      progress: (message) => void move(sc, row.id, { status: 'running', message }),
      finish: (message) => {
        finished = message;
      },
      run: (other) => {
        const def = ACTION_KINDS[other];
        if (!def) throw new ActionFailure(`unknown action kind '${other}'`);
        return def.run(ctx);
      },
      save: (state) => sc.store.updateJob(job.id, { step: JSON.stringify(state) }),
      ...(resumed && job.step ? { saved: JSON.parse(job.step) as Record<string, string> } : {}),
      resumed,
    };
    try {
      if (!kind) throw new ActionFailure(`unknown action kind '${row.kind}'`);
      if (!repo) throw new ActionFailure('the repository is no longer registered');
      if (row.task_id && (!task || task.status.startsWith('archive'))) throw new ActionFailure('the task is archived');
      let runner = kind.run;
      if (resumed && kind.afterRestart === 'fail') throw new ActionFailure(INTERRUPTED);
      if (resumed && typeof kind.afterRestart === 'function') runner = kind.afterRestart;
      move(sc, row.id, { status: 'running', message: resumed ? 'resuming after a restart' : 'starting' });
      const result: ActionResult = (await runner(ctx)) ?? {};
      move(sc, row.id, { status: 'succeeded', message: finished, conflicts: null, result: JSON.stringify(result) });
    } catch (e) {
      // The sidecar is stopping: the row stays `running`, and the next start decides (above).
      if (sc.draining) throw new Interrupted(`${row.kind} action ${row.id}`);
      const failure = e instanceof ActionFailure ? e : new ActionFailure(errorMessage(e));
      if (!(e instanceof ActionFailure)) sc.log(`${row.kind} action ${row.id} failed: ${failure.message}`);
      move(sc, row.id, { status: 'failed', message: failure.message, conflicts: failure.conflicts?.length ? JSON.stringify(failure.conflicts) : null });
    } finally {
      if (!sc.draining) {
        // A repository-wide fetch moves every task's upstream and base counts.
        const tasks = task ? [task] : sc.store.tasksOfRepo(row.repo_id);
        for (const t of tasks) sc.refreshChanges(t.id);
      }
    }
  };
}
