// Archive, unarchive, delete and undo of a dirty worktree of BENCH_LIFECYCLE_FILES files (1,000),
// side by side: each request's own latency (it only writes the first step and queues the job)
// against a ping, and the time until the pushed outcome (archived, idle, deleted, idle again).
import { join } from 'node:path';
import { Requests } from '../shared/protocol.ts';
import { startSidecar, makeRepo } from '../test/server/harness.mjs';
import { writeFile } from '../test/gitRepo.mjs';
import { knob, log, ms, ping as timedPing, table, timed } from './stats.mjs';

const FILES = knob('BENCH_LIFECYCLE_FILES', 1000);
const ROUNDS = knob('BENCH_LIFECYCLE_ROUNDS', 5);

export async function lifecycle({ dir }) {
  const files = {};
  for (let i = 0; i < FILES; i++) files[`src/d${i % 20}/f${i}.txt`] = `file ${i}\n`.repeat(20);
  const repoPath = makeRepo(join(dir, 'repo-lifecycle'), { ...files, '.gitignore': '.env\nnode_modules/\n' });
  const sc = await startSidecar({ dataDir: join(dir, 'data-lifecycle') });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const t = await sc.waitTask((await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'lifecycle bench' })).id, 'idle');
    // Dirty: 300 modified files, 100 untracked, an ignored .env, a regenerable node_modules.
    for (let i = 0; i < 300; i++) writeFile(t.worktreePath, `src/d${i % 20}/f${i}.txt`, `changed ${i}\n`);
    for (let i = 0; i < 100; i++) writeFile(t.worktreePath, `new/n${i}.txt`, `new ${i}\n`);
    writeFile(t.worktreePath, '.env', 'TOKEN=x\n');
    for (let i = 0; i < 200; i++) writeFile(t.worktreePath, `node_modules/p${i}/index.js`, 'x\n');
    log(`lifecycle: a worktree of ${FILES} files (300 modified, 100 untracked, .env, 200 in node_modules), ${ROUNDS} rounds`);
    const rows = { ping: [], archiveTask: [], 'archive -> archived': [], unarchiveTask: [], 'unarchive -> idle': [], deleteTask: [], 'delete -> deleted': [], undoDeleteTask: [], 'undo -> idle': [] };
    const step = async (name, method, until) => {
      rows.ping.push(await timedPing(sc));
      const [requestMs] = await timed(() => sc.request(method, { taskId: t.id }));
      const start = performance.now() - requestMs;
      await sc.waitTask(t.id, until, 120_000);
      rows[name].push(requestMs);
      return performance.now() - start;
    };
    for (let r = 0; r < ROUNDS; r++) {
      rows['archive -> archived'].push(await step('archiveTask', Requests.ArchiveTask.method, 'archived'));
      rows['unarchive -> idle'].push(await step('unarchiveTask', Requests.UnarchiveTask.method, 'idle'));
      rows['delete -> deleted'].push(await step('deleteTask', Requests.DeleteTask.method, 'deleted'));
      rows['undo -> idle'].push(await step('undoDeleteTask', Requests.UndoDeleteTask.method, 'idle'));
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(table(Object.entries(rows).map(([name, xs]) => ({ what: name, n: xs.length, median: ms(med(xs), 1), max: ms(Math.max(...xs), 1) })), ['what', 'n', 'median', 'max']));
  } finally {
    await sc.stop();
  }
}
