// Pull requests and the repository overview against GitHub's REST API as the loopback fixture
// serves it (test/fixtures/fakeGitHub), through the real @octokit/rest in the sidecar. The
// repository's origin is a real bare repository that also backs the fixture's pull requests: the
// fixture refuses a PR whose head branch the bare repo lacks, and its merge really merges there.
// Every wait is on a push of the sidecar or on the fixture's request log, never a sleep.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { git, makeRepo, tempDir, cleanup } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { useSidecar } from './useSidecar.mjs';
import { startFakeGitHub } from '../fixtures/fakeGitHub/index.mjs';

const SIGN_IN = 'Sign in to GitHub (Foundry: Sign in to GitHub) or set GITHUB_TOKEN';
/** The fixture's repository the tests' PRs are in (the other, acme/gadgets, is in memory only). */
const W = 'acme/widgets';
const BAD_TOKEN = 'ghp_notTheRightOne0123456789';
const home = tempDir('foundry-home-');
after(() => cleanup(home));

let gh;
const options = { pullRequestRefreshMs: 1000 };
const ctx = useSidecar(
  {
    options,
    // No token but the one the tests give; no user git config.
    env: { GITHUB_TOKEN: '', GH_TOKEN: '', HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
    async prepare(c) {
      c.origin = join(c.dir, 'origin.git');
      gh = await startFakeGitHub({ repos: { 'acme/widgets': { bare: c.origin }, 'acme/gadgets': {} } });
      // The origin is a local path: the setting maps it to its GitHub repository.
      Object.assign(options, { githubApiUrl: gh.url, githubRepositories: { [c.origin]: 'acme/widgets' } });
    },
  },
  (c) => {
    const repo = c.repo.path;
    git(c.dir, 'init', '-q', '--bare', '-b', 'main', c.origin);
    git(repo, 'remote', 'add', 'origin', c.origin);
    git(repo, 'push', '-q', 'origin', 'main');
  },
);
after(() => gh?.close());

const rq = (method, params) => ctx.sc.request(method, params);
const setToken = (token) => rq(Requests.SetGitHubToken.method, { token });

/** The action's row once it is `succeeded` or `failed`, from its pushes. */
async function act(params) {
  const { actionId } = await rq(Requests.RunRepoAction.method, params);
  const seen = () => ctx.sc.state.actions?.get(actionId);
  return ctx.sc.waitFor(() => ['succeeded', 'failed'].includes(seen()?.status) && seen(), `action ${params.kind} to end`, 60_000);
}

/** A provisioned task with one commit of its own on its branch. */
async function taskWithCommit(prompt, file) {
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt, mode: 'accept_edits' });
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  writeFile(idle.worktreePath, file, `${prompt}\n`);
  git(idle.worktreePath, 'add', '-A');
  git(idle.worktreePath, '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', `add ${file}`);
  return { id: t.id, branch: idle.branch, wt: idle.worktreePath, head: git(idle.worktreePath, 'rev-parse', 'HEAD').trim() };
}

const pr = (taskId) => ctx.sc.task(taskId)?.pullRequest;
const waitPr = (taskId, pred, what) => ctx.sc.waitFor(() => pr(taskId) && pred(pr(taskId)) && pr(taskId), what, 30_000);
const remoteBranch = (branch) => git(ctx.origin, 'for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`).trim();

let task;

test('without a token, create_pull_request fails with how to sign in, and pushes nothing', async () => {
  task = await taskWithCommit('Widget docs', 'docs/widget.md');
  const a = await act({ taskId: task.id, kind: 'create_pull_request' });
  assert.equal(a.status, 'failed');
  assert.equal(a.message, SIGN_IN);
  assert.equal(remoteBranch(task.branch), '', 'nothing was pushed');
  assert.equal(gh.log.filter((r) => r.method === 'POST').length, 0);
});

test("a bad token fails the action with GitHub's Bad credentials, and the overview says so", async () => {
  await setToken(BAD_TOKEN);
  const a = await act({ taskId: task.id, kind: 'create_pull_request' });
  assert.equal(a.status, 'failed');
  assert.match(a.message, /Bad credentials/);
  assert.equal(gh.log.at(-1).auth, 'bad');
  const { status } = await rq(Requests.RefreshRepo.method, { repoId: ctx.repo.id });
  assert.equal(status, 'refreshing');
  const o = await ctx.sc.waitFor(() => ctx.sc.state.overviews?.get(ctx.repo.id)?.freshness.status === 'error' && ctx.sc.state.overviews.get(ctx.repo.id), 'overview error');
  assert.match(o.freshness.error, /Bad credentials/);
});

test('create_pull_request pushes the branch, then opens the PR, and the task shows it', async () => {
  await setToken(gh.token);
  const from = gh.log.length;
  const a = await act({ taskId: task.id, kind: 'create_pull_request', draft: false });
  assert.equal(a.status, 'succeeded', a.message);
  // The fixture accepted the head because the push had put the branch in the bare repo.
  assert.equal(remoteBranch(task.branch), task.head);
  const post = gh.log.slice(from).find((r) => r.method === 'POST' && r.path === '/repos/acme/widgets/pulls');
  assert.equal(post.status, 201);
  assert.deepEqual([post.body.head, post.body.base, post.body.title], [task.branch, 'main', 'Widget docs']);
  assert.match(post.body.body, /Widget docs/, 'the body defaults to the prompt');
  assert.equal(a.result.upstream, `origin/${task.branch}`);
  assert.equal(a.result.pullRequest.state, 'open');
  const shown = await waitPr(task.id, (p) => p.number === a.result.pullRequest.number, 'the PR in the task');
  assert.equal(shown.url, gh.control.pullRequest({ repo: W, pull: shown.number }).html_url);
  assert.deepEqual(shown.checks, { state: 'none', total: 0, passed: 0, failed: 0, pending: 0 });
  assert.equal(shown.reviewDecision, undefined);
  const again = await act({ taskId: task.id, kind: 'create_pull_request' });
  assert.equal(again.status, 'failed');
  assert.match(again.message, /A pull request already exists for acme:/);
});

test('a check run shows as pending, then success, after the next refreshes', async () => {
  const number = pr(task.id).number;
  const id = gh.control.addCheckRun({ repo: W, pull: number, name: 'build', status: 'in_progress' });
  await waitPr(task.id, (p) => p.checks.state === 'pending' && p.checks.pending === 1, 'checks pending');
  gh.control.updateCheckRun({ repo: W, id, status: 'completed', conclusion: 'success' });
  const p = await waitPr(task.id, (x) => x.checks.state === 'success', 'checks success');
  assert.deepEqual(p.checks, { state: 'success', total: 1, passed: 1, failed: 0, pending: 0 });
});

test('a review requesting changes shows', async () => {
  gh.control.addReview({ repo: W, pull: pr(task.id).number, user: 'octocat', state: 'CHANGES_REQUESTED', body: 'needs a test' });
  await waitPr(task.id, (p) => p.reviewDecision === 'changes_requested', 'changes requested');
});

/** Resolves once a whole PR refresh (pull, check runs, reviews) after log index `from` got 304s. */
function wholeRefreshUnchanged(from) {
  const is304 = (suffix) => (r) => r.method === 'GET' && r.path.endsWith(suffix) && r.status === 304;
  return gh.waitForRequest((r) => is304('/reviews')(r) && gh.log.slice(from).some(is304(`/pulls/${pr(task.id).number}`)) && gh.log.slice(from).some(is304('/check-runs')), 'a refresh answered 304 throughout', from, 30_000);
}

test('a refresh that finds nothing new sends If-None-Match, gets 304s and pushes nothing', async () => {
  // One full unchanged refresh first: whatever the last change pushed is out.
  await wholeRefreshUnchanged(gh.log.length);
  const seen = ctx.sc.traffic.methods.length;
  const from = gh.log.length;
  await wholeRefreshUnchanged(from);
  const reads = gh.log.slice(from).filter((r) => r.method === 'GET');
  assert.ok(reads.length >= 3);
  for (const r of reads) assert.ok(r.ifNoneMatch, `${r.path} was conditional`);
  assert.deepEqual(ctx.sc.traffic.methods.slice(seen), [], 'no message crossed the connection');
});

test('a used-up rate limit stops the poll until GitHub resets it', async () => {
  const from = gh.log.length;
  // GitHub's window resets 2 s from now (x-ratelimit-reset, whole seconds).
  const resetAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
  gh.control.setRateLimitRemaining(0, 2);
  const refused = await gh.waitForRequest((r) => r.status === 403, 'a poll refused for the rate limit', from);
  await ctx.sc.waitForLog(/GitHub's rate limit is used up: pull requests are read again after/);
  gh.control.setRateLimitRemaining(5000);
  const next = await gh.waitForRequest((r) => r.status !== 403, 'the poll after the reset', gh.log.indexOf(refused) + 1);
  assert.ok(next.at >= resetAt, `the next poll came ${resetAt - next.at} ms before the reset`);
});

test('merge_pull_request merges into the base in the bare repo, and the PR shows merged', async () => {
  const a = await act({ taskId: task.id, kind: 'merge_pull_request', mergeMethod: 'merge' });
  assert.equal(a.status, 'succeeded', a.message);
  git(ctx.origin, 'merge-base', '--is-ancestor', task.head, 'refs/heads/main');
  assert.equal(a.result.pullRequest.state, 'merged');
  await waitPr(task.id, (p) => p.state === 'merged', 'merged in the task');
  const refused = await rq(Requests.RunRepoAction.method, { taskId: task.id, kind: 'merge_pull_request' }).then(
    () => assert.fail('a merged PR cannot be merged again'),
    (e) => e,
  );
  assert.match(refused.message, /no open pull request/);
});

test('getRepoOverview lists branches with ahead/behind, their task and PR; freshness goes refreshing -> fresh', async () => {
  const second = await taskWithCommit('Gears', 'gears.txt');
  await act({ taskId: second.id, kind: 'create_pull_request', title: 'Gears, reviewed' });
  // The overview was read before (the bad-token refresh): it follows the new PR by itself.
  await ctx.sc.waitFor(() => {
    const o = ctx.sc.state.overviews?.get(ctx.repo.id);
    return o?.freshness.status === 'fresh' && o.branches.find((b) => b.name === second.branch)?.pullRequest?.state === 'open';
  }, 'the overview shows the new PR');
  // main moves on in the user's checkout: every other branch is one behind.
  writeFile(ctx.repo.path, 'CHANGELOG.md', 'next\n');
  git(ctx.repo.path, 'add', '-A');
  git(ctx.repo.path, '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'changelog');
  git(ctx.repo.path, 'branch', 'experiment', 'HEAD~1');
  const log = (ctx.sc.state.overviewsLog ??= []);
  const pushedBefore = log.length;
  const from = gh.log.length;
  const freshness = await rq(Requests.RefreshRepo.method, { repoId: ctx.repo.id });
  assert.equal(freshness.status, 'refreshing');
  const o = await ctx.sc.waitFor(() => log.slice(pushedBefore).find((x) => x.freshness.status === 'fresh'), 'overview fresh');
  assert.ok(log.slice(pushedBefore).findIndex((x) => x.freshness.status === 'refreshing') < log.slice(pushedBefore).indexOf(o), 'refreshing was pushed first');
  assert.ok(o.freshness.branchesAt && o.freshness.pullRequestsAt);
  const byName = new Map(o.branches.map((b) => [b.name, b]));
  assert.equal(o.branches[0].name, 'main', 'the default branch first');
  assert.deepEqual([byName.get('main').ahead, byName.get('main').behind], [0, 0]);
  const b = byName.get(second.branch);
  assert.deepEqual([b.ahead, b.behind, b.taskId, b.upstream], [1, 1, second.id, `origin/${second.branch}`]);
  assert.equal(b.pullRequest.title, 'Gears, reviewed');
  assert.equal(b.pullRequest.state, 'open');
  assert.equal(byName.get(task.branch).pullRequest.state, 'merged');
  assert.deepEqual([byName.get('experiment').ahead, byName.get('experiment').behind, byName.get('experiment').taskId], [0, 1, undefined]);
  assert.ok(gh.log.slice(from).some((r) => r.path === '/repos/acme/widgets/pulls' && r.method === 'GET'), 'the refresh read list-pulls');
  // getRepoOverview answers the same from SQLite.
  const read = await rq(Requests.GetRepoOverview.method, { repoId: ctx.repo.id });
  assert.deepEqual(read.branches, o.branches);
  assert.equal(read.freshness.status, 'fresh');

  // Again with nothing new: list-pulls is conditional and answered 304; the overview is unchanged.
  const from2 = gh.log.length;
  const pushed2 = log.length;
  await rq(Requests.RefreshRepo.method, { repoId: ctx.repo.id });
  const o2 = await ctx.sc.waitFor(() => log.slice(pushed2).find((x) => x.freshness.status === 'fresh'), 'overview fresh again');
  const list = gh.log.slice(from2).find((r) => r.path === '/repos/acme/widgets/pulls' && r.method === 'GET');
  assert.equal(list.status, 304);
  assert.ok(list.ifNoneMatch);
  assert.deepEqual(o2.branches.map((x) => x.name), o.branches.map((x) => x.name));
});

test('a refresh already queued is not queued twice', async () => {
  // GitHub is slow: the PR projection's poll (the second task's PR is open) is held mid-request,
  // and the repository's GitHub jobs run one at a time, so the overview refresh stays queued.
  const held = gh.control.holdRequests();
  await held.arrived;
  const log = ctx.sc.state.overviewsLog;
  const pushed = log.length;
  const from = gh.log.length;
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push((await rq(Requests.RefreshRepo.method, { repoId: ctx.repo.id })).status);
  assert.deepEqual(answers, ['refreshing', 'refreshing', 'refreshing']);
  held.release();
  await ctx.sc.waitFor(() => log.slice(pushed).some((x) => x.freshness.status === 'fresh'), 'overview fresh');
  const lists = gh.log.slice(from).filter((r) => r.method === 'GET' && r.path === '/repos/acme/widgets/pulls');
  assert.equal(lists.length, 1, 'one refresh ran');
  assert.deepEqual(log.slice(pushed).map((x) => x.freshness.status), ['refreshing', 'fresh']);
});

test("an https origin names its GitHub repository; a PR opened on GitHub for a task's branch is followed", async () => {
  const path = makeRepo(join(ctx.dir, 'gadgets'));
  git(path, 'remote', 'add', 'origin', 'https://github.example/acme/gadgets.git');
  git(path, 'branch', 'feature/lights');
  const repo = await rq(Requests.AddRepo.method, { path });
  const t = await rq(Requests.CreateTask.method, { repoId: repo.id, prompt: 'Knobs', mode: 'accept_edits' });
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  const other = gh.control.openPullRequest({ repo: 'acme/gadgets', head: 'feature/lights', title: 'Lights' });
  const mine = gh.control.openPullRequest({ repo: 'acme/gadgets', head: idle.branch, title: 'Knobs, from the web' });
  await rq(Requests.RefreshRepo.method, { repoId: repo.id });
  const o = await ctx.sc.waitFor(() => {
    const x = ctx.sc.state.overviews?.get(repo.id);
    return x?.freshness.status === 'fresh' && x;
  }, 'the gadgets overview');
  const lights = o.branches.find((b) => b.name === 'feature/lights');
  assert.deepEqual([lights.pullRequest.number, lights.pullRequest.title, lights.pullRequest.checks.state], [other.number, 'Lights', 'none']);
  const followed = await waitPr(t.id, (p) => p.number === mine.number, "the task follows its branch's PR");
  assert.equal(followed.title, 'Knobs, from the web');
  assert.equal(followed.url, mine.html_url);
});

test('bad params name the field; an unknown repository is not found', async () => {
  await assert.rejects(rq(Requests.GetRepoOverview.method, {}), /repoId/);
  await assert.rejects(rq(Requests.RefreshRepo.method, { repoId: 'repo_000000000000' }), (e) => e.code === -32001);
  await assert.rejects(setToken(''), /token/);
});

test('the token is nowhere in the data folder or the logs', () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.isFile()) files.push(p);
    }
  };
  walk(ctx.dataDir);
  assert.ok(files.some((f) => f.endsWith('foundry.db')));
  for (const secret of [gh.token, BAD_TOKEN]) {
    for (const f of files) assert.ok(!readFileSync(f).includes(secret), `${f} holds a token`);
    assert.ok(!ctx.sc.stderr.includes(secret), 'the sidecar log holds a token');
  }
});
