// Tasks from an existing branch or pull request: createTask {fromBranch} / {fromPullRequest}
// answers at once; init_attach_branch fetches the branch (or refs/pull/N/head) from a real bare
// origin, then the worktree is created on that branch, its work intact. A branch checked out in
// the user's checkout fails the stage with the way out, and a retry after switching goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { git } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { useSidecar } from './useSidecar.mjs';

let origin;
const ctx = useSidecar({}, (c) => {
  const repo = c.repo.path;
  origin = join(c.dir, 'origin.git');
  git(c.dir, 'clone', '-q', '--bare', repo, origin);
  git(repo, 'remote', 'add', 'origin', origin);
  // A second clone pushes a branch that exists only on the origin, and a pull request's head.
  const other = join(c.dir, 'other');
  git(c.dir, 'clone', '-q', origin, other);
  git(other, 'config', 'user.email', 'other@example.invalid');
  git(other, 'config', 'user.name', 'Other');
  git(other, 'checkout', '-q', '-b', 'feature');
  writeFile(other, 'feature.txt', 'from the feature branch\n');
  git(other, 'add', '-A');
  git(other, 'commit', '-q', '-m', 'feature work');
  git(other, 'push', '-q', 'origin', 'feature');
  git(other, 'checkout', '-q', '-b', 'contrib', 'origin/main');
  writeFile(other, 'contrib.txt', 'from pull request 7\n');
  git(other, 'add', '-A');
  git(other, 'commit', '-q', '-m', 'contribution');
  git(other, 'push', '-q', 'origin', 'HEAD:refs/pull/7/head');
  // main moves on after the branches left it: their base is where they left it.
  writeFile(repo, 'later.txt', 'main moved on\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'later on main');
});

const rq = (method, params) => ctx.sc.request(method, params);
const statusesOf = (taskId) => ctx.sc.state.log.flatMap((n) => n.tasks.filter((t) => t.id === taskId).map((t) => t.status));
const dedupe = (list) => list.filter((s, i) => s !== list[i - 1]);
const ATTACHED = ['init_enqueue_provision', 'init_attach_branch', 'init_ensure_name', 'init_create_sandbox', 'init_ensure_agent', 'init_create_session', 'running', 'idle'];

async function rejects(promise, code, re) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

/** The stages the task log records as started, in order. */
async function stagesStarted(taskId) {
  const log = await rq(Requests.GetTaskLog.method, { taskId });
  return dedupe(log.history.filter((h) => h.kind === 'stage_started').map((h) => h.stage));
}

test('fromBranch: a branch only on the origin is fetched, the stages are pushed in order, and the worktree is on it', async () => {
  assert.equal(git(ctx.repo.path, 'branch', '--list', 'feature').trim(), '', 'not local before');
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'carry on', fromBranch: 'feature' });
  assert.equal(t.status, 'init_enqueue_provision', 'the request answers before any git work');
  assert.equal(t.branch, 'feature');
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  const seen = dedupe([t.status, ...statusesOf(t.id)]);
  assert.deepEqual(seen, ATTACHED.filter((s) => seen.includes(s)), 'statuses arrive in workflow order');
  assert.ok(seen.includes('init_attach_branch'), 'the attach stage was pushed');
  assert.deepEqual(await stagesStarted(t.id), ATTACHED.slice(1, 6));

  const wt = idle.worktreePath;
  assert.equal(git(wt, 'symbolic-ref', '--short', 'HEAD').trim(), 'feature');
  assert.equal(readFileSync(join(wt, 'feature.txt'), 'utf8'), 'from the feature branch\n');
  assert.equal(git(wt, 'log', '-1', '--format=%s').trim(), 'feature work', 'the branch as it was: nothing reset');
  assert.equal(existsSync(join(wt, 'later.txt')), false);
  // The base is where the branch left main: only the branch's own work is a change.
  const changed = await ctx.sc.waitFor(() => ctx.sc.task(t.id).git && ctx.sc.task(t.id), 'first projection');
  assert.equal(changed.git.ahead, 1);
  assert.equal(changed.git.behind, 1);
  assert.deepEqual((await rq(Requests.GetFileChanges.method, { taskId: t.id })).files.map((f) => [f.path, f.status]), [['feature.txt', 'added']]);

  await rejects(rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'again', fromBranch: 'feature' }), ErrorCodes.InvalidParams, /^Invalid params: fromBranch: 'feature' is already used/);
});

test('fromPullRequest: refs/pull/7/head is fetched into pr/7 and the worktree has its files', async () => {
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'review the contribution', fromPullRequest: 7 });
  assert.equal(t.branch, 'pr/7');
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  assert.deepEqual(await stagesStarted(t.id), ATTACHED.slice(1, 6));
  assert.equal(git(idle.worktreePath, 'symbolic-ref', '--short', 'HEAD').trim(), 'pr/7');
  assert.equal(readFileSync(join(idle.worktreePath, 'contrib.txt'), 'utf8'), 'from pull request 7\n');
  assert.equal(git(ctx.repo.path, 'rev-parse', 'pr/7').trim(), git(origin, 'rev-parse', 'refs/pull/7/head').trim());

  const missing = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'no such pull request', fromPullRequest: 99, branch: 'review/99' });
  assert.equal(missing.branch, 'review/99');
  const failed = await ctx.sc.waitTask(missing.id, 'error');
  assert.match(failed.errorMessage, /git fetch origin refs\/pull\/99\/head failed: .*refs\/pull\/99\/head/);
});

test('a branch checked out in the main working tree fails the stage with the way out; a retry after switching attaches it', async () => {
  const repo = ctx.repo.path;
  git(repo, 'checkout', '-q', '-b', 'mine');
  writeFile(repo, 'mine.txt', 'the user\'s own work\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'mine');
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'take over mine', fromBranch: 'mine' });
  const failed = await ctx.sc.waitTask(t.id, 'error');
  assert.match(failed.errorMessage, /switch your checkout off 'mine' first/);
  assert.equal(failed.worktreePath, undefined);
  assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD').trim(), 'mine', 'the user\'s checkout did not move');

  git(repo, 'checkout', '-q', 'main');
  const retried = await rq(Requests.RetryTask.method, { taskId: t.id });
  assert.equal(retried.status, 'init_attach_branch', 'resumes at the failed stage');
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  assert.equal(git(idle.worktreePath, 'symbolic-ref', '--short', 'HEAD').trim(), 'mine');
  assert.equal(readFileSync(join(idle.worktreePath, 'mine.txt'), 'utf8'), 'the user\'s own work\n');
  const log = await rq(Requests.GetTaskLog.method, { taskId: t.id });
  assert.ok(log.history.some((h) => h.kind === 'error' && h.stage === 'init_attach_branch'));
  assert.ok(log.history.some((h) => h.kind === 'retry' && h.stage === 'init_attach_branch'));
});

test('bad combinations are -32602 naming the field, before anything is stored', async () => {
  const before = (await rq(Requests.GetWorkbench.method, {})).tasks.length;
  await rejects(rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'p', fromBranch: 'feature', fromPullRequest: 7 }), ErrorCodes.InvalidParams, /^Invalid params: fromPullRequest: fromBranch and fromPullRequest cannot both be given/);
  await rejects(rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'p', fromPullRequest: 0 }), ErrorCodes.InvalidParams, /^Invalid params: fromPullRequest: /);
  await rejects(rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'p', fromBranch: 'bad..name' }), ErrorCodes.InvalidParams, /^Invalid params: fromBranch: /);
  await rejects(rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'p', fromBranch: 'other', branch: 'elsewhere' }), ErrorCodes.InvalidParams, /^Invalid params: branch: /);
  await rejects(rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'p', fromPullRequest: 7 }), ErrorCodes.InvalidParams, /^Invalid params: fromPullRequest: 'pr\/7' is already used/);
  assert.equal((await rq(Requests.GetWorkbench.method, {})).tasks.length, before, 'nothing was created');
  await ctx.sc.settle();
});

test('a task on a new branch walks the stages as before: no attach stage', async () => {
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt: 'plain task' });
  await ctx.sc.waitTask(t.id, 'idle');
  assert.deepEqual(await stagesStarted(t.id), ['init_ensure_name', 'init_create_sandbox', 'init_ensure_agent', 'init_create_session']);
  assert.ok(!statusesOf(t.id).includes('init_attach_branch'));
});
