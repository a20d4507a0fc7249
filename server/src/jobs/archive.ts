/**
 * Archive, in durable steps (shared/protocol.ts ArchiveSteps): stop the agents, run the
 * repository's teardown script, snapshot the worktree under refs/foundry/archive/<id>, remove it.
 * Each resumes after a crash (jobs/steps.ts). `foundry/unarchiveTask` brings it back (jobs/restore.ts).
 */
import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { ArchiveSteps } from '../../../shared/protocol';
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { readTail } from '../tail';
import { walkSteps } from './steps';
import { archiveRef, removeSandbox, snapshotWorktree, stopAgents } from './shelving';

type Step = (typeof ArchiveSteps)[number];

const MESSAGES: Record<Step, string> = {
  archive_stop_agents: 'Stopping the agents',
  archive_run_teardown: 'Running the teardown script',
  archive_snapshot: 'Taking a snapshot of the worktree',
  archive_remove_sandbox: 'Removing the worktree',
};

export function archiveJob(sc: Sidecar) {
  return (job: JobRow): Promise<void> =>
    walkSteps(sc, job, {
      steps: ArchiveSteps,
      messages: MESSAGES,
      label: 'Archive',
      run: {
        archive_stop_agents: (id) => stopAgents(sc, id),
        archive_run_teardown: (id) => runTeardown(sc, id),
        archive_snapshot: (id) => snapshotWorktree(sc, id, archiveRef(id), 'archive'),
        archive_remove_sandbox: (id) => removeSandbox(sc, id, archiveRef(id)),
      },
      finish: (id) =>
        sc.db.tx(() => {
          const t = sc.store.task(id)!;
          sc.store.updateTask(id, { status: 'archived', status_message: null, error_message: null, failed_stage: null, shelved_at: Date.now(), skip_teardown: 0 });
          sc.store.addHistory(id, { kind: 'archived', message: t.snapshot_commit ? `snapshot ${t.snapshot_commit.slice(0, 12)} under ${archiveRef(id)}` : 'no worktree to keep' });
          sc.measureDisk();
        }),
    });
}

/** The repository's teardown script, in the worktree, its output in the task log. A failure stops the archive. */
async function runTeardown(sc: Sidecar, taskId: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  const repo = sc.store.repo(t.repo_id)!;
  const script = repo.teardown_script;
  if (!script?.trim() || !t.worktree_path || !existsSync(t.worktree_path)) return;
  const logPath = sc.setupLogPath(taskId);
  if (t.skip_teardown === 1) {
    await appendFile(logPath, `--- teardown script skipped (Archive anyway) ${new Date().toISOString()} ---\n`).catch(() => {});
    return;
  }
  await appendFile(logPath, `--- teardown script started ${new Date().toISOString()} ---\n`).catch((e: unknown) => {
    throw new Error(`could not write the task log ${logPath}: ${errorMessage(e)}`);
  });
  const r = await sc.effects.call('runScript', {
    owner: taskId,
    script,
    cwd: t.worktree_path,
    logPath,
    env: { FOUNDRY_TASK_ID: taskId, FOUNDRY_REPO_PATH: repo.path, FOUNDRY_WORKTREE: t.worktree_path, FOUNDRY_BRANCH: t.branch, FOUNDRY_TEARDOWN: '1' },
  });
  if (r.exitCode !== 0) {
    const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    const lines = (await readTail(logPath, 4096)).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--- '));
    const last = (lines.at(-1) ?? '').slice(0, 300);
    throw new Error(`Teardown script ${how}${last ? `: ${last}` : ''}`);
  }
}
