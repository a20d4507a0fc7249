// Review (`BENCH_ONLY=review`), side by side in one run on the same tasks:
// - getWorkbench (served from the changes projection in SQLite) against a naive inline recompute
//   of the same facts from the bench process: per task `git status`, `git diff --numstat` and one
//   `git diff` per changed file, as a ratio;
// - the git time of one projection refresh (task_git.refresh_ms, measured by the sidecar);
// - how many refreshes a burst of 1,000 file writes makes (task_git.refreshes);
// - getFileDiff of a 10,000-line file, against ping.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Requests } from '../shared/protocol.ts';
import { startSidecar, makeRepo } from '../test/server/harness.mjs';
import { queryDb } from '../test/server/files.mjs';
import { knob, log, ms, percentile, pings, ratio, table, timed } from './stats.mjs';

const TASKS = knob('BENCH_REVIEW_TASKS', 100);
const FILES = knob('BENCH_REVIEW_FILES', 100);
const SAMPLES = knob('BENCH_REVIEW_SAMPLES', 30);
const run = promisify(execFile);
const gitIn = (cwd, ...args) => run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });

/** What a read path would do without the projection: every task's changes, recomputed now. */
async function naiveRecompute(tasks) {
  let files = 0;
  for (const t of tasks) {
    await gitIn(t.wt, 'status', '--porcelain');
    const numstat = (await gitIn(t.wt, 'diff', '--numstat', t.base)).stdout.split('\n').filter(Boolean);
    for (const line of numstat) {
      await gitIn(t.wt, 'diff', t.base, '--', line.split('\t')[2]);
      files++;
    }
  }
  return files;
}

export async function review({ dir }) {
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
  const base = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`src/f${i}.txt`, `${lines}\n`]));
  const repoPath = makeRepo(join(dir, 'review-repo'), { ...base, 'big.txt': `${Array.from({ length: 10_000 }, (_, i) => `row ${i}`).join('\n')}\n` });
  const sc = await startSidecar({ dataDir: join(dir, 'data-review'), options: { jobConcurrency: 4, agentIdleStopMs: 300 }, env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' } });
  const db = join(sc.dataDir, 'foundry.db');
  const gitRow = (taskId) => queryDb(db, 'SELECT refreshes, refresh_ms FROM task_git WHERE task_id = ?', taskId)[0];
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    log(`review: ${TASKS} tasks with ${FILES} changed files each`);
    const created = [];
    for (let i = 0; i < TASKS; i++) created.push(await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `review ${i}` }));
    await sc.waitFor(() => created.every((t) => sc.task(t.id)?.status === 'idle' && sc.task(t.id).git), 'tasks idle and projected', 600_000);
    const tasks = created.map((t) => ({ id: t.id, wt: sc.task(t.id).worktreePath }));
    for (const t of tasks) {
      t.base = (await gitIn(t.wt, 'merge-base', 'HEAD', 'main')).stdout.trim();
      for (let f = 0; f < FILES; f++) writeFileSync(join(t.wt, 'src', `f${f}.txt`), `${lines}\nchanged in ${t.id}\n`);
    }
    await sc.waitFor(() => tasks.every((t) => sc.task(t.id).changes.files === FILES), 'every task projected', 600_000);
    await sc.settle(600_000);

    log('review: getWorkbench vs the naive inline recompute');
    const wb = [];
    for (let i = 0; i < SAMPLES; i++) wb.push((await timed(() => sc.request(Requests.GetWorkbench.method, {})))[0]);
    const [naive, counted] = await timed(() => naiveRecompute(tasks));
    const refreshMs = tasks.map((t) => gitRow(t.id).refresh_ms);

    log('review: a burst of 1,000 writes');
    const burst = tasks[0];
    const before = gitRow(burst.id).refreshes;
    mkdirSync(join(burst.wt, 'burst'));
    for (let i = 0; i < 1000; i++) writeFileSync(join(burst.wt, 'burst', `b${i}.txt`), `${i}\n`);
    await sc.waitFor(() => sc.task(burst.id).changes.files === FILES + 1000, 'burst projected', 120_000);
    await sc.settle(120_000);
    const burstRefreshes = gitRow(burst.id).refreshes - before;

    log('review: getFileDiff of a 10,000-line file');
    writeFileSync(join(burst.wt, 'big.txt'), `${Array.from({ length: 10_000 }, (_, i) => `row ${i} edited`).join('\n')}\n`);
    const diff = [], ping = [];
    for (let i = 0; i < SAMPLES; i++) {
      ping.push(...(await pings(sc, 1)));
      diff.push((await timed(() => sc.request(Requests.GetFileDiff.method, { taskId: burst.id, path: 'big.txt' })))[0]);
    }

    const wbP50 = percentile(wb, 50);
    console.log(`\nReview: ${TASKS} tasks x ${FILES} changed files`);
    console.log(
      table(
        [
          { measure: 'getWorkbench (projection) p50', value: ms(wbP50), vs: '' },
          { measure: `naive inline recompute (${counted} file diffs)`, value: ms(naive, 0), vs: `${ratio(naive, wbP50)} getWorkbench p50` },
          { measure: 'one projection refresh (git, p50 of tasks)', value: ms(percentile(refreshMs, 50), 0), vs: `max ${ms(Math.max(...refreshMs), 0)}` },
          { measure: 'refreshes for a burst of 1,000 writes', value: String(burstRefreshes), vs: '' },
          { measure: 'getFileDiff, 10,000-line file, p50', value: ms(percentile(diff, 50)), vs: `${ratio(percentile(diff, 50), percentile(ping, 50))} ping p50` },
        ],
        ['measure', 'value', 'vs'],
      ),
    );
    console.log('goal: getWorkbench never pays for git; a burst makes a handful of refreshes\n');
  } finally {
    await sc.stop();
  }
}
