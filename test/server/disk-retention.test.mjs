// Bounded disk: disk use per task and per repository is measured in the background and pushed;
// retention archives idle tasks (keeping their work in the snapshot) and purges deleted ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';

test('disk use of a task and its repository is measured in the background and pushed', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startSidecar({ dataDir: join(dir, 'data'), options: { diskUsageThrottleMs: 0 } });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const t0 = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'big file' });
    const t = await sc.waitTask(t0.id, 'idle');
    writeFile(t.worktreePath, 'big.bin', 'x'.repeat(200_000));
    const measured = await sc.waitFor(() => (sc.task(t.id).diskBytes ?? 0) >= 200_000 && sc.task(t.id), 'the task measured with its big file');
    await sc.waitFor(() => (sc.state.repos.get(repo.id)?.diskBytes ?? 0) >= measured.diskBytes, 'the repository row sums its tasks');
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});

test('retention archives an idle task (its uncommitted work kept) and purges a deleted one', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const dataDir = join(dir, 'data');
  let sc = await startSidecar({ dataDir });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const a = await sc.waitTask((await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'goes idle' })).id, 'idle');
    writeFile(a.worktreePath, 'draft.txt', 'uncommitted\n');
    const d = await sc.waitTask((await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'deleted' })).id, 'idle');
    await sc.request(Requests.DeleteTask.method, { taskId: d.id });
    await sc.waitTask(d.id, 'deleted');
    await sc.stop();

    // About 0.1 s of idleness is "N days" here; the pass runs at start and every 200 ms.
    const days = 0.1 / 86_400;
    sc = await startSidecar({ dataDir, options: { retentionArchiveIdleDays: days, retentionPurgeDeletedDays: days, retentionIntervalMs: 200 } });
    const archived = await sc.waitTask(a.id, 'archived', 30_000);
    assert.match(git(repoPath, 'show', `${archived.snapshotCommit}:draft.txt`), /uncommitted/, 'the archive kept the uncommitted file');
    await sc.waitFor(() => sc.state.log.some((p) => p.removedTaskIds.includes(d.id)), 'the deleted task purged (pushed as removed)');
    assert.equal(git(repoPath, 'for-each-ref', `refs/foundry/deleted/${d.id}/`).trim(), '', 'its refs are gone');
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});
