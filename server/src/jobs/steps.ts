/**
 * A task workflow of durable steps (archive, delete): the task's status is the step it is in and
 * the job row records it, both in one transaction, so a sidecar killed mid-step resumes there.
 * Every step is idempotent. A failing step leaves the task in `error` with `failed_stage`, from
 * which the same request starts the workflow again at that step.
 */
import { existsSync } from 'node:fs';
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';

export interface Workflow<S extends string> {
  steps: readonly S[];
  run: Record<S, (taskId: string) => Promise<void>>;
  messages: Record<S, string>;
  /** "Archive", "Delete": the error says which failed. */
  label: string;
  finish(taskId: string): void;
}

export async function walkSteps<S extends string>(sc: Sidecar, job: JobRow, w: Workflow<S>): Promise<void> {
  const taskId = job.subject;
  const t = sc.store.task(taskId);
  if (!t) return;
  const from = w.steps.indexOf(t.status as S);
  if (from < 0) return; // not on this workflow (any more)
  for (const step of w.steps.slice(from)) {
    if (sc.draining) throw new Interrupted(step);
    sc.db.tx(() => {
      sc.store.updateJob(job.id, { step });
      sc.store.updateTask(taskId, { status: step, status_message: w.messages[step], error_message: null, failed_stage: null });
      sc.store.addHistory(taskId, { kind: 'stage_started', stage: step });
    });
    sc.publisher.taskChanged(taskId);
    const started = Date.now();
    try {
      await w.run[step](taskId);
    } catch (e) {
      // A drain or a crash is not a failure: the status stays at the step, which runs again.
      if (sc.draining || e instanceof Interrupted) throw new Interrupted(step);
      const message = `${w.label} failed: ${errorMessage(e)}`;
      sc.db.tx(() => {
        sc.store.updateTask(taskId, { status: 'error', status_message: null, error_message: message, failed_stage: step });
        sc.store.addHistory(taskId, { kind: 'error', stage: step, message });
      });
      const now = sc.store.task(taskId);
      if (now?.worktree_path && existsSync(now.worktree_path)) sc.watch(taskId, now.worktree_path);
      sc.publisher.taskChanged(taskId);
      throw e;
    }
    sc.store.addHistory(taskId, { kind: 'stage_finished', stage: step, durationMs: Date.now() - started });
  }
  w.finish(taskId);
  sc.publisher.taskChanged(taskId);
}
