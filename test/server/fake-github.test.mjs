// The loopback GitHub itself, driven by the real @octokit/rest: the semantics the sidecar tests and
// the end-to-end suite rely on (auth, ETag/304, 422 on a duplicate PR, a merge that really merges
// in the bare repo, refs/pull/N/head).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { startFakeGitHub, makeBareRepoWithPull } from '../fixtures/fakeGitHub/index.mjs';
import { git, tempDir } from './harness.mjs';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let gh, bare, branch, octokit;
const repo = { owner: 'acme', repo: 'widgets' };

before(async () => {
  ({ bare, branch } = makeBareRepoWithPull(tempDir('fake-github-'), { number: 7 }));
  gh = await startFakeGitHub({ repos: { 'acme/widgets': { bare } } });
  octokit = new Octokit({ baseUrl: gh.url, auth: gh.token, log: quiet });
});
after(() => gh?.close());

const failure = (promise) => promise.then(() => assert.fail('expected GitHub to refuse'), (e) => e);

test('makeBareRepoWithPull serves refs/pull/N/head at the branch', () => {
  assert.equal(git(bare, 'rev-parse', 'refs/pull/7/head').trim(), git(bare, 'rev-parse', `refs/heads/${branch}`).trim());
});

test('a PR opens for a branch of the bare repo, once; an unknown head is refused', async () => {
  const created = await octokit.rest.pulls.create({ ...repo, head: branch, base: 'main', title: 'Feature' });
  assert.equal(created.status, 201);
  assert.equal(created.data.head.sha, git(bare, 'rev-parse', `refs/heads/${branch}`).trim());
  assert.equal(git(bare, 'rev-parse', `refs/pull/${created.data.number}/head`).trim(), created.data.head.sha);
  const dup = await failure(octokit.rest.pulls.create({ ...repo, head: `acme:${branch}`, base: 'main', title: 'Again' }));
  assert.equal(dup.status, 422);
  assert.match(dup.message, /A pull request already exists for acme:feature\/from-pr/);
  const missing = await failure(octokit.rest.pulls.create({ ...repo, head: 'no-such-branch', base: 'main', title: 'x' }));
  assert.equal(missing.status, 422);
  const listed = await octokit.rest.pulls.list({ ...repo, state: 'open', head: `acme:${branch}` });
  assert.deepEqual(listed.data.map((p) => p.number), [created.data.number]);
});

test('a matching If-None-Match gets a 304 that spares the rate limit; a change gets a new ETag', async () => {
  const first = await octokit.rest.checks.listForRef({ ...repo, ref: branch });
  assert.equal(first.data.total_count, 0);
  const remaining = Number(first.headers['x-ratelimit-remaining']);
  const again = await failure(octokit.rest.checks.listForRef({ ...repo, ref: branch, headers: { 'if-none-match': first.headers.etag } }));
  assert.equal(again.status, 304);
  assert.equal(Number(again.response.headers['x-ratelimit-remaining']), remaining);
  assert.equal(gh.log.at(-1).status, 304);
  gh.control.addCheckRun({ pull: 1, name: 'build', status: 'in_progress' });
  const changed = await octokit.rest.checks.listForRef({ ...repo, ref: branch, headers: { 'if-none-match': first.headers.etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.etag, first.headers.etag);
  assert.deepEqual(changed.data.check_runs.map((r) => [r.name, r.status, r.conclusion]), [['build', 'in_progress', null]]);
});

test('reviews show as submitted', async () => {
  gh.control.addReview({ pull: 1, state: 'CHANGES_REQUESTED', user: 'octocat', body: 'needs tests' });
  const reviews = await octokit.rest.pulls.listReviews({ ...repo, pull_number: 1 });
  assert.deepEqual(reviews.data.map((r) => [r.user.login, r.state]), [['octocat', 'CHANGES_REQUESTED']]);
});

test('bad and missing credentials get 401', async () => {
  const bad = await failure(new Octokit({ baseUrl: gh.url, auth: 'ghp_wrong', log: quiet }).rest.pulls.get({ ...repo, pull_number: 1 }));
  assert.equal(bad.status, 401);
  assert.match(bad.message, /^Bad credentials/);
  const none = await failure(new Octokit({ baseUrl: gh.url, log: quiet }).rest.pulls.get({ ...repo, pull_number: 1 }));
  assert.equal(none.status, 401);
  assert.ok(!JSON.stringify(gh.log).includes(gh.token), 'the log holds no token');
});

test('merge: 405 while not mergeable, then a real merge commit on base in the bare repo', async () => {
  gh.control.setMergeable({ pull: 1, mergeable: false });
  const refused = await failure(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
  assert.equal(refused.status, 405);
  assert.match(refused.message, /Pull Request is not mergeable/);
  gh.control.setMergeable({ pull: 1, mergeable: undefined });
  const head = git(bare, 'rev-parse', `refs/heads/${branch}`).trim();
  const merged = await octokit.rest.pulls.merge({ ...repo, pull_number: 1 });
  assert.equal(merged.data.merged, true);
  assert.equal(git(bare, 'rev-parse', 'refs/heads/main').trim(), merged.data.sha);
  git(bare, 'merge-base', '--is-ancestor', head, 'refs/heads/main');
  const pr = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
  assert.equal(pr.data.state, 'closed');
  assert.equal(pr.data.merged, true);
  const twice = await failure(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
  assert.equal(twice.status, 405);
});

test('a conflicting head is not mergeable, computed from the bare repo', async () => {
  const dir = tempDir('fake-github-conflict-');
  const work = `${dir}/work`;
  git(dir, 'clone', '-q', bare, work);
  git(work, 'config', 'user.email', 't@example.invalid');
  git(work, 'config', 'user.name', 'T');
  git(work, 'checkout', '-q', '-b', 'conflicting');
  git(work, 'commit', '-q', '--allow-empty', '-m', 'placeholder');
  for (const [ref, text] of [['conflicting', 'theirs\n'], ['main', 'ours\n']]) {
    git(work, 'checkout', '-q', ref);
    writeFileSync(`${work}/README.md`, text);
    git(work, 'commit', '-q', '-am', `README on ${ref}`);
    git(work, 'push', '-q', 'origin', ref);
  }
  const pr = gh.control.openPullRequest({ head: 'conflicting', title: 'Conflicts' });
  const got = await octokit.rest.pulls.get({ ...repo, pull_number: pr.number });
  assert.equal(got.data.mergeable, false);
  assert.equal(got.data.mergeable_state, 'dirty');
  const refused = await failure(octokit.rest.pulls.merge({ ...repo, pull_number: pr.number }));
  assert.equal(refused.status, 405);
});
