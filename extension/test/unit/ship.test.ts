// Shipping as the user sees it: the pull request / branch row under a task (state, checks, review,
// unpushed commits, the action under way or the one that failed), the task row's "Pushing…", what
// an action that ended says, which ship actions each row offers (package.json's menus), the commit
// message's subject and body, the GitHub settings that reach the sidecar, and the store of actions
// a progress notification follows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PullRequestInfo, RepoAction, TaskGitState } from '../../../shared/protocol';
import { gitHubSidecarSettings } from '../../src/ship/githubSettings';
import { RepoActionStore } from '../../src/ship/repoActionStore';
import { activeLabel, checksLabel, failureMessage, joinCommitMessage, outcome, progressMessage, progressTitle, shipRow, splitCommitMessage } from '../../src/ship/shipPresentation';
import { taskDescription, taskRow } from '../../src/views/taskPresentation';
import { task } from './fixtures';
import { menuActions } from './menus';

const pr = (overrides: Partial<PullRequestInfo> = {}): PullRequestInfo => ({
  number: 3,
  url: 'https://github.example/acme/app/pull/3',
  title: 'Fix the bug',
  state: 'open',
  checks: { state: 'success', total: 2, passed: 2, failed: 0, pending: 0 },
  refreshedAt: 5_000,
  ...overrides,
});
const git = (overrides: Partial<TaskGitState> = {}): TaskGitState => ({ ahead: 0, behind: 0, refreshedAt: 5_000, ...overrides });
const action = (overrides: Partial<RepoAction> = {}): RepoAction => ({
  id: 'act_1',
  kind: 'push',
  status: 'running',
  repoId: 'r1',
  taskId: 't1',
  createdAt: 1_000,
  updatedAt: 1_000,
  ...overrides,
});
const worktree = { worktreePath: '/w/t1' };
const inline = (contextValue: string) => menuActions('foundry.tasks', contextValue, 'inline');
const menu = (contextValue: string) => menuActions('foundry.tasks', contextValue, 'menu');

test('a pull request row shows its number, state, checks and review, with an icon by state', () => {
  const row = shipRow(task({ ...worktree, pullRequest: pr({ reviewDecision: 'approved' }) }));
  assert.equal(row.label, 'PR #3 · open');
  assert.equal(row.description, 'checks ✓ 2/2 · approved');
  assert.deepEqual(row.icon, { id: 'git-pull-request', color: 'charts.green' });
  assert.match((row.tooltip as { markdown: string }).markdown, /Checks: 2 passed, 0 failed, 0 pending of 2/);

  assert.equal(shipRow(task({ ...worktree, pullRequest: pr({ state: 'merged' }) })).icon.id, 'git-merge');
  assert.equal(shipRow(task({ ...worktree, pullRequest: pr({ state: 'closed' }) })).icon.id, 'git-pull-request-closed');
  assert.equal(shipRow(task({ ...worktree, pullRequest: pr({ state: 'draft' }) })).label, 'PR #3 · draft');
  assert.equal(checksLabel({ state: 'failure', total: 3, passed: 1, failed: 2, pending: 0 }), 'checks ✗ 2/3 failed');
  assert.equal(checksLabel({ state: 'pending', total: 2, passed: 1, failed: 0, pending: 1 }), 'checks … 1/2');
  const bare = shipRow(task({ ...worktree, pullRequest: pr({ checks: { state: 'none', total: 0, passed: 0, failed: 0, pending: 0 } }) }));
  assert.equal(bare.description, undefined, 'no checks, no review: nothing after the state');
});

test('without a pull request the row says whether the branch is pushed and what is left to push or commit', () => {
  const local = shipRow(task({ ...worktree, git: git({ ahead: 2, uncommitted: 3 }) }));
  assert.equal(local.label, 'Not pushed');
  assert.equal(local.description, '2 commits · 3 uncommitted');
  const pushed = shipRow(task({ ...worktree, git: git({ ahead: 3, upstream: { ref: 'origin/foundry/fix', ahead: 2, behind: 1 } }) }));
  assert.equal(pushed.label, 'Pushed to origin/foundry/fix');
  assert.equal(pushed.description, '↑2 unpushed ↓1 on origin');
  const even = shipRow(task({ ...worktree, git: git({ upstream: { ref: 'origin/foundry/fix', ahead: 0, behind: 0 } }) }));
  assert.equal(even.description, 'up to date');
  // Unpushed commits also show beside a pull request.
  const prAhead = shipRow(task({ ...worktree, pullRequest: pr(), git: git({ upstream: { ref: 'origin/foundry/fix', ahead: 1, behind: 0 } }) }));
  assert.equal(prAhead.description, 'checks ✓ 2/2 · ↑1 unpushed');
});

test('the action under way spins on the ship row and joins the task row; a failed one shows its reason', () => {
  const running = task({ ...worktree, changes: { files: 1, added: 2, removed: 0 }, lastAction: action() });
  const row = shipRow(running);
  assert.equal(row.icon.id, 'loading~spin');
  assert.equal(row.description, 'Pushing…');
  assert.equal(taskDescription(running), '+2 -0 · Pushing…');
  assert.equal(activeLabel(action({ status: 'queued', kind: 'create_pull_request' })), 'Create pull request queued');
  assert.equal(taskDescription(task({ ...worktree, lastAction: action({ status: 'succeeded' }) })), 'Idle', 'an action that ended leaves the task row');

  const failed = shipRow(task({ ...worktree, lastAction: action({ status: 'failed', message: 'rejected: fetch first' }) }));
  assert.equal(failed.icon.id, 'error');
  assert.equal(failed.description, 'Push failed');
  assert.match((failed.tooltip as { markdown: string }).markdown, /Push failed: rejected: fetch first/);
});

test('what an ended action says: pushed where, which pull request (with its page), or why it failed with the conflicts', () => {
  assert.deepEqual(outcome(action({ status: 'succeeded', result: { upstream: 'origin/foundry/fix' } })), { ok: true, message: 'Pushed foundry/fix to origin' });
  const opened = outcome(action({ kind: 'create_pull_request', status: 'succeeded', result: { upstream: 'origin/foundry/fix', pullRequest: pr() } }));
  assert.deepEqual(opened, { ok: true, message: 'Opened pull request #3', url: 'https://github.example/acme/app/pull/3' });
  assert.equal(outcome(action({ kind: 'create_pull_request', status: 'succeeded', result: { pullRequest: pr({ state: 'draft' }) } })).message, 'Opened draft pull request #3');
  assert.equal(outcome(action({ kind: 'merge_pull_request', status: 'succeeded', result: { pullRequest: pr({ state: 'merged' }) } })).message, 'Merged pull request #3');
  const committed = outcome(action({ kind: 'commit', status: 'succeeded', result: { commit: { sha: '0123456789abcdef', subject: 'Fix it', at: 1 } } }), { branch: 'foundry/fix' });
  assert.equal(committed.message, 'Committed 0123456 "Fix it" on foundry/fix');
  assert.equal(outcome(action({ kind: 'apply_to_checkout', status: 'succeeded', result: { files: ['a', 'b'] } }), { title: 'Fix' }).message, 'Applied 2 files of "Fix" to your checkout (uncommitted)');

  const conflict = action({ kind: 'rebase_on_base', status: 'failed', message: 'Rebasing stopped on conflicts; the rebase was aborted', conflicts: ['src/a.ts', 'b.txt'] });
  assert.deepEqual(outcome(conflict), { ok: false, message: 'Rebase on base failed: Rebasing stopped on conflicts; the rebase was aborted. Conflicts: src/a.ts, b.txt.' });
  assert.equal(failureMessage(action({ status: 'failed' })), 'Push failed: the sidecar gave no reason');
});

test("the progress notification names what runs and shows the sidecar's progress, or that the action waits its turn", () => {
  assert.equal(progressTitle('push', { branch: 'foundry/fix' }), 'Foundry: pushing foundry/fix to origin');
  assert.equal(progressTitle('merge_pull_request', { pullRequest: 3 }), 'Foundry: merging pull request #3');
  assert.equal(progressTitle('fetch', { repoName: 'app' }), 'Foundry: fetching app from origin');
  assert.equal(progressMessage(action({ message: 'writing objects: 100%' })), 'Writing objects: 100%');
  assert.equal(progressMessage(action({ message: 'pushing foundry/fix to origin' }), progressTitle('push', { branch: 'foundry/fix' })), '', 'not what the title says again');
  assert.match(progressMessage(action({ status: 'queued' })), /^Queued/);
  assert.equal(outcome(action({ kind: 'fetch', status: 'succeeded', message: 'fetched origin: already up to date' })).message, 'Fetched origin: already up to date');
});

test('menus: commit and push need a worktree; merge only an open pull request; create only without one; the ship row offers its own', () => {
  const plain = taskRow(task(worktree), 'r').contextValue;
  assert.deepEqual(inline(plain), ['newSession'], 'nothing to commit: no Commit button');
  const shipping = ['applyToCheckout', 'commit', 'createPullRequest', 'fetch', 'mergeBaseIn', 'push', 'rebaseOnBase'];
  for (const command of shipping) assert.ok(menu(plain).includes(command), `${command} on a task with a worktree`);
  assert.ok(!menu(plain).includes('mergePullRequest') && !menu(plain).includes('openPullRequest'));
  for (const command of shipping) assert.ok(!menu(taskRow(task(), 'r').contextValue).includes(command), `no ${command} without a worktree`);

  const dirty = taskRow(task({ ...worktree, git: git({ uncommitted: 2 }) }), 'r').contextValue;
  assert.deepEqual(inline(dirty), ['commit', 'newSession']);

  const open = taskRow(task({ ...worktree, pullRequest: pr() }), 'r').contextValue;
  assert.ok(menu(open).includes('mergePullRequest') && menu(open).includes('openPullRequest'));
  assert.ok(!menu(open).includes('createPullRequest'), 'one open pull request per branch');
  assert.ok(menu(open).includes('openWorktreeInNewWindow') && menu(open).includes('openAllChanges'), 'the flags keep the worktree items');
  const merged = taskRow(task({ ...worktree, pullRequest: pr({ state: 'merged' }) }), 'r').contextValue;
  assert.ok(!menu(merged).includes('mergePullRequest') && menu(merged).includes('createPullRequest') && menu(merged).includes('openPullRequest'));

  assert.deepEqual(inline(shipRow(task(worktree)).contextValue), ['createPullRequest', 'push']);
  assert.deepEqual(inline(shipRow(task({ ...worktree, pullRequest: pr() })).contextValue), ['mergePullRequest', 'openPullRequest', 'push']);
  assert.deepEqual(inline(shipRow(task({ ...worktree, pullRequest: pr(), lastAction: action() })).contextValue), ['openPullRequest'], 'nothing to start while an action runs');
  assert.deepEqual(menu('repo'), ['fetch']);
});

test("a commit message is the proposal's subject, as the user edited it, and the proposal's body", () => {
  assert.deepEqual(splitCommitMessage('Fix the bug\n\nThe agent said:\nit works\n'), { subject: 'Fix the bug', body: 'The agent said:\nit works' });
  assert.deepEqual(splitCommitMessage('Only a subject'), { subject: 'Only a subject', body: '' });
  assert.equal(joinCommitMessage(' Fix the login bug ', 'The agent said:\nit works'), 'Fix the login bug\n\nThe agent said:\nit works');
  assert.equal(joinCommitMessage('Fix', ''), 'Fix');
});

test('GitHub settings reach the sidecar only when valid, each on its own', () => {
  assert.deepEqual(gitHubSidecarSettings({ apiUrl: 'http://127.0.0.1:4567/', repositories: { '/tmp/origin.git': 'acme/app' }, pullRequestRefreshSeconds: 30 }), {
    githubApiUrl: 'http://127.0.0.1:4567',
    githubRepositories: { '/tmp/origin.git': 'acme/app' },
    pullRequestRefreshMs: 30_000,
  });
  assert.deepEqual(gitHubSidecarSettings({ apiUrl: '', repositories: {}, pullRequestRefreshSeconds: 0 }), {});
  assert.deepEqual(gitHubSidecarSettings({ apiUrl: 'not a url', repositories: { a: 'no-slash', b: 'ok/repo' }, pullRequestRefreshSeconds: 0.2 }), {
    githubRepositories: { b: 'ok/repo' },
    pullRequestRefreshMs: 1000,
  });
});

test('the action store keeps the newest row of each action and tells a follower when it ended', async () => {
  const store = new RepoActionStore();
  const moves: string[] = [];
  const ended = store.whenEnded('act_1', (a) => moves.push(`${a.status}:${a.message ?? ''}`));
  store.put(action({ status: 'queued', updatedAt: 1 }));
  store.put(action({ status: 'running', message: 'Pushing', updatedAt: 2 }));
  // A list read before the last push is older: it does not step the row back.
  store.putAll([action({ status: 'queued', updatedAt: 1 })]);
  assert.equal(store.get('act_1')?.status, 'running');
  store.put(action({ status: 'failed', message: 'rejected', updatedAt: 3 }));
  const last = await ended;
  assert.equal(last?.status, 'failed');
  assert.deepEqual(moves, ['queued:', 'running:Pushing', 'failed:rejected']);

  // Already ended: resolves at once. Stopped (the sidecar went away): resolves with nothing.
  assert.equal((await store.whenEnded('act_1'))?.message, 'rejected');
  let stop = () => {};
  const stopped = store.whenEnded('act_2', undefined, new Promise<void>((resolve) => (stop = resolve)));
  stop();
  assert.equal(await stopped, undefined);
  const abandoned = store.whenEnded('act_3');
  store.dispose();
  assert.equal(await abandoned, undefined);
});
