// The provisioning workflow as a client sees it: stages pushed in order, tabs that wait for
// it, a failing setup script with retry, and a hundred worktrees' worth of changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, existsSync } from 'node:fs';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, git } from './harness.mjs';

let dir, sc, repoPath;
before(async () => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({ dataDir: join(dir, 'data') });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

const statusesOf = (taskId) => sc.state.log.flatMap((n) => n.tasks.filter((t) => t.id === taskId).map((t) => t.status));
const dedupe = (list) => list.filter((s, i) => s !== list[i - 1]);

test('stages are pushed in order while a held setup script runs; a tab opened meanwhile waits for it', async () => {
  const gate = join(dir, 'release-1');
  const repo = await sc.request(Requests.AddRepo.method, {
    path: repoPath,
    setupScript: `echo preparing; while [ ! -f ${gate} ]; do sleep 0.02; done; echo prepared > setup-done.txt`,
  });
  const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'held setup' });
  await sc.waitTask(task.id, 'init_create_sandbox');
  const tab = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: task.id });
  assert.equal(tab.status, 'pending_provision', 'a tab on an unprovisioned task returns at once, pending');
  const log = await sc.request(Requests.GetTaskLog.method, { taskId: task.id });
  assert.deepEqual(log.history.map((h) => h.kind), ['created', 'stage_started', 'stage_finished', 'stage_started']);
  writeFileSync(gate, '');
  await sc.waitTask(task.id, 'idle');
  const tabReady = await sc.waitSession(task.id, tab.id, 'ready');
  assert.equal(tabReady.status, 'ready');
  const canonical = ['init_enqueue_provision', 'init_ensure_name', 'init_create_sandbox', 'init_ensure_agent', 'init_create_session', 'running', 'idle'];
  const seen = dedupe([task.status, ...statusesOf(task.id)]);
  assert.deepEqual(seen, canonical.filter((s) => seen.includes(s)), 'statuses arrive in workflow order');
  // The held stage and the ends were certainly seen (instant stages may share a notification).
  for (const s of ['init_enqueue_provision', 'init_create_sandbox', 'idle']) assert.ok(seen.includes(s), s);
  const tabStatuses = dedupe(sc.state.log.flatMap((n) => n.tasks.flatMap((t) => t.sessions.filter((s) => s.id === tab.id).map((s) => s.status))));
  assert.deepEqual(tabStatuses, ['pending_provision', 'pending_session_create', 'ready']);
  const done = sc.task(task.id);
  assert.ok(existsSync(join(done.worktreePath, 'setup-done.txt')), 'setup ran in the worktree');
  const after = await sc.request(Requests.GetTaskLog.method, { taskId: task.id });
  assert.match(after.setupOutput, /preparing/);
});

test('a failing setup script puts the task in error with the message; retry after the fix finishes', async () => {
  const marker = join(dir, 'fixed');
  const repo = await sc.request(Requests.AddRepo.method, {
    path: repoPath,
    setupScript: `if [ ! -f ${marker} ]; then echo "missing dependency: libfoo" >&2; exit 3; fi; echo ok`,
  });
  const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'will fail first' });
  const failed = await sc.waitTask(task.id, 'error');
  assert.match(failed.errorMessage, /exited with code 3: missing dependency: libfoo/);
  assert.equal(failed.sessions[0].status, 'pending_provision');
  writeFileSync(marker, '');
  const retried = await sc.request(Requests.RetryTask.method, { taskId: task.id });
  assert.equal(retried.status, 'init_create_sandbox', 'resumes from the failed stage');
  assert.equal(retried.errorMessage, undefined);
  const idle = await sc.waitTask(task.id, 'idle');
  assert.equal(idle.sessions[0].status, 'ready');
  const log = await sc.request(Requests.GetTaskLog.method, { taskId: task.id });
  assert.ok(log.history.some((h) => h.kind === 'error' && /code 3/.test(h.message)));
  assert.ok(log.history.some((h) => h.kind === 'retry' && h.stage === 'init_create_sandbox'));
  await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: '' });
});

test('an agent that cannot be launched fails at ensure_agent with a clear message', async () => {
  const sc2 = await startSidecar({ dataDir: join(dir, 'data-agents'), options: { agents: { ghost: { command: 'foundry-no-such-agent-binary', args: [] } } } });
  try {
    const repo = await sc2.request(Requests.AddRepo.method, { path: repoPath });
    const task = await sc2.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ghost', agent: 'ghost' });
    const failed = await sc2.waitTask(task.id, 'error');
    assert.match(failed.errorMessage, /'foundry-no-such-agent-binary' was not found/);
  } finally {
    await sc2.stop();
  }
});

test('changes count every changed file of the worktree against the base', async () => {
  const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
  const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'changes' });
  const idle = await sc.waitTask(task.id, 'idle');
  writeFileSync(join(idle.worktreePath, 'README.md'), '# demo\nline two\n');
  writeFileSync(join(idle.worktreePath, 'untracked.txt'), 'a\nb\nc\n');
  const changed = await sc.waitFor(() => sc.task(task.id).changes.files === 2 && sc.task(task.id), 'file-system change picked up');
  assert.deepEqual(changed.changes, { files: 2, added: 4, removed: 0 });
  git(idle.worktreePath, 'add', '-A');
  git(idle.worktreePath, '-c', 'user.email=a@b.c', '-c', 'user.name=t', 'commit', '-qm', 'work');
  // Committed work still counts against the branch's base.
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.equal(wb.tasks.find((t) => t.id === task.id).changes.files, 2);
});

test('many tasks provisioning at once on one repository each get their own worktree', async () => {
  const sc2 = await startSidecar({ dataDir: join(dir, 'data-parallel'), options: { jobConcurrency: 8 }, env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '0' } });
  try {
    const repo = await sc2.request(Requests.AddRepo.method, { path: repoPath });
    const ids = [];
    for (let i = 0; i < 40; i++) ids.push((await sc2.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `parallel ${i}` })).id);
    await sc2.waitFor(() => ids.every((id) => ['idle', 'error'].includes(sc2.task(id)?.status)), 'all settled', 60_000);
    assert.deepEqual(ids.map((id) => sc2.task(id).errorMessage).filter(Boolean), [], 'no task failed');
    assert.equal(new Set(ids.map((id) => sc2.task(id).worktreePath)).size, 40);
  } finally {
    await sc2.stop();
  }
});
