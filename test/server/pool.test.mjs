// The instant sandbox pool (server/src/pool/): a create leases a ready worktree and reaches idle
// without running the setup script again; concurrent creates never share one; a stale entry is
// discarded and replaced while the create falls back and says so; a failing pool setup backs off;
// orphans are removed only when they hold nothing; copyIgnored lands in fresh and pooled
// worktrees; a restart never reaps a leased entry. Real sidecar, real git, the demo agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';

const marker = (worktree) => readFileSync(join(git(worktree, 'rev-parse', '--git-dir').trim(), 'foundry-owner'), 'utf8').trim();
const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
/** A setup script that appends one line per run to `log`: `pool=<FOUNDRY_POOL> task=<FOUNDRY_TASK_ID>`. */
const loggingSetup = (log) => `echo "pool=\${FOUNDRY_POOL:-0} task=\${FOUNDRY_TASK_ID:-none}" >> ${log}; echo set up`;
const commit = (cwd, file, text) => {
  writeFileSync(join(cwd, file), text);
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-qm', `change ${file}`);
};

async function setUp(t, { poolSize, files, setupScript, copyIgnored, options = {} } = {}) {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'), files);
  const dataDir = join(dir, 'data');
  let sc = await startSidecar({ dataDir, options: { poolSize, ...options } });
  t.after(async () => {
    await sc.stop();
    cleanup(dir);
  });
  const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, ...(setupScript ? { setupScript } : {}), ...(copyIgnored ? { copyIgnored } : {}) });
  const env = {
    dir, repoPath, dataDir, repo,
    get sc() { return sc; },
    /** The repository as last pushed. */
    pushedRepo: () => sc.state.repos.get(repo.id),
    waitReady: (n, what = `${n} ready pool worktree(s)`) => sc.waitFor(() => (sc.state.repos.get(repo.id)?.pool?.ready ?? 0) >= n && sc.state.repos.get(repo.id).pool, what, 60_000),
    async restart(options = { poolSize }) {
      await sc.stop();
      sc = await startSidecar({ dataDir, options });
      return sc;
    },
    async kill9AndRestart(options = { poolSize }) {
      await sc.kill9();
      sc = await startSidecar({ dataDir, options });
      return sc;
    },
  };
  return env;
}

const history = async (sc, taskId) => (await sc.request(Requests.GetTaskLog.method, { taskId })).history;
const poolMessages = async (sc, taskId) => (await history(sc, taskId)).filter((h) => h.kind === 'pool').map((h) => h.message);

test('a create leases a ready pool worktree and reaches idle without running the setup script again', async (t) => {
  const dir = tempDir();
  t.after(() => cleanup(dir));
  const log = join(dir, 'setup.log');
  const env = await setUp(t, { poolSize: 1, setupScript: loggingSetup(log) });
  const { sc } = env;
  const pool = await env.waitReady(1);
  assert.deepEqual({ size: pool.size, ready: pool.ready }, { size: 1, ready: 1 });
  assert.deepEqual(lines(log), ['pool=1 task=none'], 'the pool ran the setup script once, with FOUNDRY_POOL=1 and no task id');

  const created = await sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'pooled' });
  const idle = await sc.waitTask(created.id, 'idle', 60_000);
  assert.match(idle.worktreePath, /\/worktrees\/pool_[0-9a-f]+$/, 'the task works in the pool worktree');
  assert.equal(git(idle.worktreePath, 'symbolic-ref', '--short', 'HEAD').trim(), idle.branch, 'its branch was renamed to the task\'s');
  assert.equal(marker(idle.worktreePath), idle.id, 'the ownership marker names the task now');
  assert.equal(git(env.repoPath, 'branch', '--list', 'foundry/pool/*').split('\n').filter(Boolean).length <= 1, true);
  const messages = await poolMessages(sc, idle.id);
  assert.ok(messages.some((m) => /leased ready worktree pool_/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /Took ready worktree .*its setup script already ran/.test(m)), messages.join('\n'));
  const taskLog = await sc.request(Requests.GetTaskLog.method, { taskId: idle.id });
  assert.ok(!taskLog.history.some((h) => h.kind === 'error'));
  assert.match(taskLog.setupOutput, /ran in the pool[\s\S]*set up/, 'the task log shows the setup output from the pool');

  // The pool refills in the background: one more run, still no task id.
  await sc.waitFor(() => env.pushedRepo()?.pool?.ready === 1 && lines(log).length === 2, 'the pool refilled', 60_000);
  assert.deepEqual(lines(log), ['pool=1 task=none', 'pool=1 task=none'], 'the task itself never ran the setup script');
  await sc.settle(60_000);
});

test('50 concurrent creates with a pool of 3 never share a pool worktree', async (t) => {
  // Agents stop soon after their turn, so fifty of them never run at once.
  const env = await setUp(t, { poolSize: 3, setupScript: 'echo ready', options: { agentIdleStopMs: 300 } });
  const { sc } = env;
  await env.waitReady(3);
  const n = 50;
  const created = await Promise.all(Array.from({ length: n }, (_, i) => sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: `concurrent ${i}` })));
  const settled = await Promise.all(created.map((c) => sc.waitTask(c.id, ['idle', 'error'], 120_000)));
  assert.deepEqual(settled.filter((s) => s.status !== 'idle').map((s) => s.errorMessage), []);
  const paths = settled.map((s) => s.worktreePath);
  assert.equal(new Set(paths).size, n, 'every task has its own worktree');
  for (const s of settled) assert.equal(marker(s.worktreePath), s.id, `${s.worktreePath} is marked for its own task`);
  const pooled = settled.filter((s) => /\/pool_/.test(s.worktreePath));
  assert.ok(pooled.length >= 3, `at least the 3 ready worktrees were leased (got ${pooled.length})`);
  // Each pooled task took a different entry, and each says so.
  const leased = await Promise.all(pooled.map(async (s) => (await poolMessages(sc, s.id)).find((m) => m.startsWith('leased'))));
  assert.equal(new Set(leased).size, pooled.length, 'no entry was leased twice');
  await sc.settle(120_000);
});

test('a stale entry (new base commit, changed setup script) is discarded and replaced; the create falls back and says so', async (t) => {
  const dir = tempDir();
  t.after(() => cleanup(dir));
  const log = join(dir, 'setup.log');
  const env = await setUp(t, { poolSize: 1, setupScript: loggingSetup(log) });
  const { sc } = env;
  await env.waitReady(1);
  const staleEntry = git(env.repoPath, 'branch', '--list', 'foundry/pool/*', '--format=%(refname:short)').trim();
  assert.match(staleEntry, /^foundry\/pool\/pool_/);

  // The base moves under the ready entry.
  commit(env.repoPath, 'README.md', '# moved\n');
  const moved = await sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'after a commit' });
  const idle = await sc.waitTask(moved.id, 'idle', 60_000);
  assert.equal(idle.worktreePath, join(env.dataDir, 'worktrees', idle.id), 'a fresh worktree');
  const messages = await poolMessages(sc, idle.id);
  assert.ok(messages.some((m) => /stale: the base commit moved/.test(m) && /fresh worktree/.test(m)), messages.join('\n'));
  assert.equal(readFileSync(join(idle.worktreePath, 'README.md'), 'utf8'), '# moved\n', 'the fresh worktree is on the new base');
  assert.ok(lines(log).includes(`pool=0 task=${idle.id}`), 'the fresh worktree ran the setup script for the task');
  // Replaced: a new entry on the new base, the stale one's folder and branch gone.
  await sc.waitFor(() => {
    const branches = git(env.repoPath, 'branch', '--list', 'foundry/pool/*', '--format=%(refname:short)').trim();
    return env.pushedRepo()?.pool?.ready === 1 && branches && branches !== staleEntry;
  }, 'a replacement entry', 60_000);
  assert.ok(!existsSync(join(env.dataDir, 'worktrees', staleEntry.split('/').pop())), 'the stale entry\'s folder is gone');

  // The setup script changes: the ready entry ran the old one.
  const before = lines(log).length;
  const changed = await sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'new script', setupScript: `${loggingSetup(log)}; echo v2` });
  const idle2 = await sc.waitTask(changed.id, 'idle', 60_000);
  assert.equal(idle2.worktreePath, join(env.dataDir, 'worktrees', idle2.id));
  const messages2 = await poolMessages(sc, idle2.id);
  assert.ok(messages2.some((m) => /another setup script/.test(m)), messages2.join('\n'));
  await sc.waitFor(() => env.pushedRepo()?.pool?.ready === 1 && lines(log).slice(before).includes('pool=1 task=none'), 'an entry made with the new script', 60_000);
  await sc.settle(60_000);
});

test('a broken entry (folder deleted) falls back cleanly; a failing pool setup is marked failed and backs off', async (t) => {
  const dir = tempDir();
  t.after(() => cleanup(dir));
  const log = join(dir, 'setup.log');
  // Fails only in the pool, so the tasks' own setup passes.
  const script = `${loggingSetup(log)}; if [ "$FOUNDRY_POOL" = 1 ] && [ -f ${join(dir, 'break')} ]; then echo "pool setup broke" >&2; exit 4; fi`;
  const env = await setUp(t, { poolSize: 1, setupScript: script });
  const { sc } = env;
  await env.waitReady(1);
  const entryPath = join(env.dataDir, 'worktrees', git(env.repoPath, 'branch', '--list', 'foundry/pool/*', '--format=%(refname:short)').trim().split('/').pop());
  git(env.repoPath, 'worktree', 'remove', '--force', entryPath); // broken on purpose
  writeFileSync(join(dir, 'break'), '');
  const task = await sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'broken entry' });
  const idle = await sc.waitTask(task.id, 'idle', 60_000);
  assert.equal(idle.worktreePath, join(env.dataDir, 'worktrees', idle.id));
  const messages = await poolMessages(sc, idle.id);
  assert.ok(messages.some((m) => /folder is gone/.test(m)), messages.join('\n'));

  const failed = await sc.waitFor(() => env.pushedRepo()?.pool?.failed === 1 && env.pushedRepo().pool, 'a failed pool entry', 60_000);
  assert.match(failed.error, /exited with code 4: pool setup broke/);
  await sc.settle(60_000);
  const poolRuns = () => lines(log).filter((l) => l === 'pool=1 task=none').length;
  const runs = poolRuns();
  // Another create asks for a refill: the failed entry waits out its backoff instead of looping.
  const again = await sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'during backoff' });
  await sc.waitTask(again.id, 'idle', 60_000);
  await sc.settle(60_000);
  assert.equal(poolRuns(), runs, 'no pool setup ran during the backoff');
  assert.equal(env.pushedRepo().pool.failed, 1);
});

test('orphans at start: a Foundry-made clean orphan is removed; one with work, or without the marker, is left', async (t) => {
  const env = await setUp(t, { poolSize: 0 });
  const { repoPath, dataDir } = env;
  const wt = (name) => join(dataDir, 'worktrees', name);
  const add = (name, mark) => {
    git(repoPath, 'worktree', 'add', '-q', '-b', `foundry/${name}`, wt(name));
    if (mark) writeFileSync(join(git(wt(name), 'rev-parse', '--git-dir').trim(), 'foundry-owner'), `${mark}\n`);
  };
  add('clean', 'task_gone1');
  add('poolclean', 'pool:pool_gone');
  add('dirty', 'task_gone2');
  writeFileSync(join(wt('dirty'), 'notes.txt'), 'work in progress\n');
  add('ignored', 'task_gone3');
  writeFileSync(join(wt('ignored'), '.gitignore'), '.env\n');
  git(wt('ignored'), 'add', '.gitignore');
  git(wt('ignored'), 'commit', '-qm', 'ignore .env');
  git(repoPath, 'branch', 'keep-ignored', 'foundry/ignored'); // the commit exists elsewhere; the .env does not
  writeFileSync(join(wt('ignored'), '.env'), 'TOKEN=x\n');
  add('committed', 'task_gone4');
  commit(wt('committed'), 'feature.txt', 'a commit only this branch has\n');
  add('unmarked', null);
  const sc = await env.restart();
  assert.ok(!existsSync(wt('clean')), 'the clean orphan was removed');
  assert.ok(!existsSync(wt('poolclean')), 'the clean pool orphan was removed');
  assert.equal(git(repoPath, 'branch', '--list', 'foundry/poolclean').trim(), 'foundry/poolclean', 'a task branch is never deleted');
  for (const name of ['dirty', 'ignored', 'committed', 'unmarked']) assert.ok(existsSync(wt(name)), `${name} was left`);
  assert.equal(readFileSync(join(wt('dirty'), 'notes.txt'), 'utf8'), 'work in progress\n');
  assert.match(sc.stderr, /left orphan worktree .*dirty .*uncommitted work/);
  assert.match(sc.stderr, /left orphan worktree .*ignored .*git-ignored/);
  assert.match(sc.stderr, /left orphan worktree .*committed .*1 commit\(s\) on no other branch/);
  assert.doesNotMatch(sc.stderr, /orphan worktree .*unmarked/, 'a worktree without the marker is never looked at');
});

test('copyIgnored lands in fresh and pooled worktrees, refreshed on lease; its contents never reach the log', async (t) => {
  const files = { 'README.md': '# demo\n', '.gitignore': '.env\nlocal/\n' };
  const env = await setUp(t, { poolSize: 1, files, copyIgnored: ['.env', 'local', 'README.md', 'missing.txt'] });
  const { sc, repoPath } = env;
  writeFileSync(join(repoPath, '.env'), 'API_TOKEN=plugh-1\n');
  mkdirSync(join(repoPath, 'local'));
  writeFileSync(join(repoPath, 'local', 'config.json'), '{"a":1}\n');
  assert.deepEqual(env.repo.copyIgnored, ['.env', 'local', 'README.md', 'missing.txt']);
  // The first entry may have been made before the files existed: a lease refreshes them anyway.
  await env.waitReady(1);
  writeFileSync(join(repoPath, '.env'), 'API_TOKEN=plugh-2\n');
  const pooled = await sc.waitTask((await sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'pooled env' })).id, 'idle', 60_000);
  assert.match(pooled.worktreePath, /pool_/);
  assert.equal(readFileSync(join(pooled.worktreePath, '.env'), 'utf8'), 'API_TOKEN=plugh-2\n', 'refreshed on lease');
  assert.equal(readFileSync(join(pooled.worktreePath, 'local', 'config.json'), 'utf8'), '{"a":1}\n');
  await sc.settle(60_000);

  const fresh = await env.restart({ poolSize: 0 });
  const task = await fresh.waitTask((await fresh.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'fresh env' })).id, 'idle', 60_000);
  assert.equal(task.worktreePath, join(env.dataDir, 'worktrees', task.id));
  assert.equal(readFileSync(join(task.worktreePath, '.env'), 'utf8'), 'API_TOKEN=plugh-2\n');
  assert.equal(git(task.worktreePath, 'status', '--porcelain').trim(), '', 'copied files stay ignored');
  assert.doesNotMatch(sc.stderr + fresh.stderr, /plugh/, 'file contents never reach the log');
  assert.match(fresh.stderr, /not copied .*README\.md, missing\.txt/);
});

test('the pool survives a sidecar restart: a leased entry is never reaped, ready ones are kept', async (t) => {
  const env = await setUp(t, { poolSize: 2, setupScript: 'echo ready' });
  await env.waitReady(2);
  const task = await env.sc.request(Requests.CreateTask.method, { repoId: env.repo.id, prompt: 'leased then killed' });
  // Killed right after the lease committed: the task has not adopted its entry yet (or just has).
  let sc = await env.kill9AndRestart();
  const idle = await sc.waitTask(task.id, 'idle', 60_000);
  assert.match(idle.worktreePath, /pool_/, 'the leased entry is still the task\'s after the restart');
  assert.equal(marker(idle.worktreePath), idle.id);
  await env.waitReady(2);
  await sc.settle(60_000);
  sc = await env.restart();
  await sc.settle(60_000);
  assert.ok(existsSync(idle.worktreePath), 'a restart never reaps a leased worktree');
  assert.equal(marker(idle.worktreePath), idle.id);
  assert.doesNotMatch(sc.stderr, /orphan worktree/, 'no held worktree is taken for an orphan');
  const workTrees = git(env.repoPath, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;
  assert.equal(workTrees, 1 + 1 + 2, 'the main checkout, the task, and two ready entries: nothing duplicated');
});
