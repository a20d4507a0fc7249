/**
 * The restore of a checkpoint, a durable job (`restore_checkpoint`, subject = the restore's id):
 *   1. `before`: a `before_restore` checkpoint of the present, so the restore can itself be
 *      undone (when the present equals the latest checkpoint, that one stands for it);
 *   2. `restore`: the worktree made byte-identical to the checkpoint, its index as it was, the
 *      branch (soft) back at the checkpoint's HEAD; regenerable folders untouched.
 * Each step is idempotent and the job row records the step, so a restart resumes where it was.
 * While the restore is open the task takes no turn (Checkpoints.holds); at its end the queues go on.
 */
import { existsSync, watch } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';

export function restoreCheckpointJob(sc: Sidecar) {
  const store = sc.store.checkpoints;
  return async (job: JobRow): Promise<void> => {
    const r = store.restore(job.subject);
    if (!r || r.status === 'done' || r.status === 'failed') return;
    const t = sc.store.task(r.task_id);
    const cp = store.get(r.checkpoint_id);
    try {
      if (!t?.worktree_path || !existsSync(t.worktree_path)) throw new Error('the task has no worktree');
      if (!cp) throw new Error(`checkpoint not found: ${r.checkpoint_id}`);
      // A turn checkpoint still being written finishes first (it is of the state before this restore).
      await sc.checkpoints.settled(t.id);
      if (r.status !== 'running') {
        store.updateRestore(r.id, { status: 'running' });
        sc.checkpoints.push(t.id);
      }
      if (job.step !== 'restore') {
        const before = await sc.checkpoints.take(t.id, 'before_restore', { ...(r.session_id ? { sessionId: r.session_id } : {}) });
        sc.db.tx(() => {
          store.updateRestore(r.id, { before_checkpoint_id: before?.id ?? null });
          sc.store.updateJob(job.id, { step: 'restore' });
        });
        sc.checkpoints.push(t.id);
        await testGate();
      }
      if (sc.draining) throw new Interrupted('restore');
      const done = await sc.effects.call('restoreSnapshot', { worktreePath: t.worktree_path, commit: cp.commit_sha, regenerable: sc.checkpoints.regenerable(t), moveHead: true });
      store.updateRestore(r.id, { status: 'done', written: done.written, removed: done.removed, error: null });
    } catch (e) {
      if (sc.draining || e instanceof Interrupted) throw new Interrupted('restore'); // resumes on the next start
      store.updateRestore(r.id, { status: 'failed', error: errorMessage(e) });
      throw e;
    } finally {
      if (!sc.draining && t) {
        sc.checkpoints.push(t.id);
        sc.refreshChanges(t.id);
        sc.checkpoints.release(t.id);
      }
    }
  };
}

/**
 * Test switch: with FOUNDRY_TEST_RESTORE_GATE=<file>, the job writes `<file>.reached` once its
 * `before_restore` checkpoint is recorded and waits for `<file>` to exist, so a test can stop the
 * sidecar between the two steps (test/server/checkpoints.test.mjs).
 */
async function testGate(): Promise<void> {
  const gate = process.env.FOUNDRY_TEST_RESTORE_GATE;
  if (!gate) return;
  await writeFile(`${gate}.reached`, '');
  await new Promise<void>((resolve) => {
    const w = watch(dirname(gate), (_e, f) => {
      if ((f === null || f === basename(gate)) && existsSync(gate)) done();
    });
    const done = () => {
      w.close();
      resolve();
    };
    if (existsSync(gate)) done();
  });
}
