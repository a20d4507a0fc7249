// kill -9 during each archive step, then a restart on the same data folder: the archive resumes
// at its recorded step, nothing is lost (unarchive is byte-identical) and nothing is duplicated
// (one snapshot ref, one worktree, the teardown script's stale process ended).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { waitForFile, queryDb } from './files.mjs';
import { alive } from './processes.mjs';
import { treeHashes } from './treeHashes.mjs';
import { readFileSync } from 'node:fs';

function dirty(wt) {
  writeFile(wt, 'README.md', '# changed, unstaged\n');
  writeFile(wt, 'new.txt', 'untracked\n');
  writeFile(wt, '.env', 'SECRET=1\n');
}

async function setup(teardownScript) {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'), { 'README.md': '# crash\n', '.gitignore': '.env\n' });
  const dataDir = join(dir, 'data');
  const sc = await startSidecar({ dataDir });
  const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, ...(teardownScript ? { teardownScript: teardownScript(dir) } : {}) });
  return { dir, repoPath, dataDir, sc, repo };
}

test('killed inside the teardown script: the stale script is ended, the step runs again, then the archive finishes', async () => {
  const gate = (dir) => join(dir, 'gate');
  const { dir, repoPath, dataDir, sc: first, repo } = await setup((d) => `echo $$ > ${d}/teardown.tmp; mv ${d}/teardown.tmp ${d}/teardown.pid; while [ ! -f ${gate(d)} ]; do sleep 0.02; done; echo torn down`);
  let sc = first;
  try {
    const t0 = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'crash in teardown' });
    const t = await sc.waitTask(t0.id, 'idle');
    dirty(t.worktreePath);
    const before = treeHashes(t.worktreePath);
    await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
    await sc.waitTask(t.id, 'archive_run_teardown');
    await waitForFile(join(dir, 'teardown.pid'));
    const pid = Number(readFileSync(join(dir, 'teardown.pid'), 'utf8'));
    await sc.kill9();
    assert.ok(alive(pid), 'the teardown script outlives a kill -9');

    sc = await startSidecar({ dataDir });
    await sc.waitFor(() => !alive(pid), 'the stale teardown script ended');
    writeFileSync(gate(dir), '');
    const archived = await sc.waitTask(t.id, 'archived', 30_000);
    assert.equal(existsSync(t.worktreePath), false);
    const jobs = queryDb(join(dataDir, 'foundry.db'), "SELECT status, attempts FROM jobs WHERE kind = 'archive'");
    assert.deepEqual(jobs.map((j) => [j.status, j.attempts]), [['done', 2]], 'one archive job, resumed once');
    assert.equal(git(repoPath, 'for-each-ref', 'refs/foundry/archive/').trim().split('\n').length, 1, 'one snapshot ref');
    const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
    assert.ok(log.history.some((h) => h.kind === 'resumed' && h.stage === 'archive_run_teardown'), 'the history says where it resumed');

    await sc.request(Requests.UnarchiveTask.method, { taskId: archived.id });
    await sc.waitTask(t.id, 'idle');
    assert.deepEqual(treeHashes(t.worktreePath), before, 'nothing lost');
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});

for (const step of ['archive_stop_agents', 'archive_snapshot', 'archive_remove_sandbox']) {
  test(`killed as ${step} begins: nothing is lost or duplicated after the restart`, async () => {
    const { dir, repoPath, dataDir, sc: first, repo } = await setup();
    let sc = first;
    try {
      const t0 = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `crash at ${step}` });
      const t = await sc.waitTask(t0.id, 'idle');
      dirty(t.worktreePath);
      const before = treeHashes(t.worktreePath);
      // Killed the moment the step's status is pushed (the step may have gone further by then:
      // wherever it is, the restart must finish it without loss).
      const killed = sc.waitFor(() => sc.task(t.id)?.status === step && (sc.child.kill('SIGKILL'), true), `status ${step}`);
      await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
      await killed;
      await sc.exited;
      sc.conn.dispose();

      sc = await startSidecar({ dataDir });
      await sc.waitTask(t.id, 'archived', 30_000);
      assert.equal(existsSync(t.worktreePath), false, 'the worktree is removed');
      assert.equal(git(repoPath, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'no worktree left behind');
      assert.equal(git(repoPath, 'for-each-ref', 'refs/foundry/archive/').trim().split('\n').length, 1, 'one snapshot ref');
      await sc.request(Requests.UnarchiveTask.method, { taskId: t.id });
      await sc.waitTask(t.id, 'idle');
      assert.deepEqual(treeHashes(t.worktreePath), before, 'nothing lost');
    } finally {
      await sc.stop();
      cleanup(dir);
    }
  });
}
