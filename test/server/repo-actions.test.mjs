// Repository actions (foundry/runRepoAction) as durable jobs, against real git: a bare repository
// in a temp folder is `origin`, conflicts are made for real with two branches editing one line,
// and every wait is on the sidecar's pushes (repoActionUpdated, workbenchUpdated). The sidecar
// runs with an empty HOME and no system git config, so the only git identity is the one a
// repository sets (and the missing-identity case is real).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { git, makeRepo, startSidecar, tempDir, cleanup } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { useSidecar } from './useSidecar.mjs';

const home = tempDir('foundry-home-');
mkdirSync(join(home, 'xdg'));
const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), GIT_CONFIG_NOSYSTEM: '1' };
after(() => cleanup(home));

const ctx = useSidecar({ env }, (c) => {
  const repo = c.repo.path;
  writeFile(repo, 'src/a.txt', 'one\ntwo\nthree\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'fixtures');
  c.origin = join(c.dir, 'origin.git');
  git(c.dir, 'init', '-q', '--bare', c.origin);
  git(repo, 'remote', 'add', 'origin', c.origin);
  git(repo, 'push', '-q', 'origin', 'main');
});

const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]);
const rq = (method, params) => ctx.sc.request(method, params);
const run = (params) => rq(Requests.RunRepoAction.method, params);
const head = (dir) => git(dir, 'rev-parse', 'HEAD').trim();
const porcelain = (dir) => git(dir, 'status', '--porcelain', '--untracked-files=all');

async function newTask(repoId = ctx.repo.id, prompt = 'ready') {
  const t = await rq(Requests.CreateTask.method, { repoId, prompt, mode: 'accept_edits' });
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).git, 'first projection refresh');
  return { id: t.id, wt: idle.worktreePath, session: idle.sessions[0].id, branch: idle.branch };
}

/** The projection has seen the worktree: `pred(task.git)` holds in a pushed summary. */
const waitGit = (taskId, pred, what) => ctx.sc.waitFor(() => ctx.sc.task(taskId)?.git && pred(ctx.sc.task(taskId).git) && ctx.sc.task(taskId), what);

/**
 * The action's row once it is `succeeded` or `failed`: the pushes, after one listRepoActions
 * (a row pushed before this client connected, after a restart, is in the list).
 */
async function settled(actionId, { repoId } = {}) {
  const seen = (ctx.sc.state.actions ??= new Map());
  for (const a of (await rq(Requests.ListRepoActions.method, repoId ? { repoId } : {})).actions) {
    if (!seen.has(a.id) || seen.get(a.id).updatedAt < a.updatedAt) seen.set(a.id, a);
  }
  return ctx.sc.waitFor(() => ['succeeded', 'failed'].includes(seen.get(actionId)?.status) && seen.get(actionId), `action ${actionId} to end`, 60_000);
}

async function act(params) {
  const r = await run(params);
  assert.equal(r.status, 'queued');
  assert.match(r.actionId, /^act_[0-9a-f]{12}$/);
  return settled(r.actionId);
}

async function rejects(promise, code, re) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

/** A worktree change committed by hand, seen by the projection (nothing uncommitted). */
async function commitByHand(t, rel, content, message) {
  writeFile(t.wt, rel, content);
  git(t.wt, 'add', '-A');
  git(t.wt, 'commit', '-q', '-m', message);
  await waitGit(t.id, (g) => g.lastCommit?.subject === message && g.uncommitted === 0, `commit "${message}" projected`);
}

test('commit with the proposed message, then push: the bare origin has the branch and the task shows its upstream', async () => {
  const t = await newTask(ctx.repo.id, 'Add the feature file');
  await ctx.sc.turn(t.id, t.session, 'write src/feature.txt\nhello\nend\nAdded src/feature.txt with a greeting.');
  await waitGit(t.id, (g) => g.uncommitted === 1, 'one uncommitted file');

  const { message } = await rq(Requests.ProposeCommitMessage.method, { taskId: t.id });
  const [subject, blank, ...body] = message.split('\n');
  assert.equal(subject, 'Add the feature file', 'the subject is the task title');
  assert.equal(blank, '');
  assert.match(body.join('\n'), /Added src\/feature\.txt with a greeting\./, "the body has the agent's final message");

  const seenBefore = ctx.sc.state.actionsLog?.length ?? 0;
  const commit = await act({ taskId: t.id, kind: 'commit' });
  assert.equal(commit.status, 'succeeded', commit.message);
  assert.equal(commit.result.commit.sha, head(t.wt));
  assert.equal(commit.result.commit.subject, 'Add the feature file');
  assert.equal(git(t.wt, 'log', '-1', '--format=%B').trim(), message.trim(), 'committed with the proposed message');
  assert.equal(porcelain(t.wt), '', 'nothing left uncommitted');
  const moves = ctx.sc.state.actionsLog.slice(seenBefore).filter((a) => a.id === commit.id).map((a) => a.status);
  assert.deepEqual([moves[0], moves.at(-1)], ['queued', 'succeeded'], `every move is pushed: ${moves}`);
  assert.ok(moves.includes('running'));

  const push = await act({ taskId: t.id, kind: 'push' });
  assert.equal(push.status, 'succeeded', push.message);
  assert.equal(push.result.upstream, `origin/${t.branch}`);
  assert.equal(git(ctx.origin, 'rev-parse', `refs/heads/${t.branch}`).trim(), commit.result.commit.sha, 'the bare repository has the commit on the branch');
  const shown = await waitGit(t.id, (g) => g.upstream?.ref === `origin/${t.branch}`, 'the upstream in the task summary');
  assert.deepEqual(shown.git.upstream, { ref: `origin/${t.branch}`, ahead: 0, behind: 0 });
  assert.equal(shown.lastAction.id, push.id, "the task's lastAction is the push");
  assert.equal(shown.lastAction.status, 'succeeded');

  const listed = (await rq(Requests.ListRepoActions.method, { taskId: t.id })).actions;
  assert.deepEqual(listed.map((a) => [a.kind, a.status]), [['push', 'succeeded'], ['commit', 'succeeded']], 'newest first');
  const wb = await rq(Requests.GetWorkbench.method, {});
  assert.equal(wb.tasks.find((x) => x.id === t.id).lastAction.id, push.id, 'getWorkbench reads lastAction from the database');

  const explicit = await (async () => {
    writeFile(t.wt, 'src/feature.txt', 'hello again\n');
    await waitGit(t.id, (g) => g.uncommitted === 1, 'a second change');
    return act({ taskId: t.id, kind: 'commit', message: 'Say hello again' });
  })();
  assert.equal(explicit.status, 'succeeded', explicit.message);
  assert.equal(git(t.wt, 'log', '-1', '--format=%B').trim(), 'Say hello again', 'a given message is used as it is');
});

test('a push the remote rejects (another clone pushed to the branch first) fails with the reason', async () => {
  const t = await newTask();
  await commitByHand(t, 'mine.txt', 'mine\n', 'mine');
  assert.equal((await act({ taskId: t.id, kind: 'push' })).status, 'succeeded');

  const other = join(ctx.dir, `other-${t.id}`);
  git(ctx.dir, 'clone', '-q', '-b', t.branch, ctx.origin, other);
  git(other, 'config', 'user.email', 'other@example.invalid');
  git(other, 'config', 'user.name', 'Other');
  writeFile(other, 'theirs.txt', 'theirs\n');
  git(other, 'add', '-A');
  git(other, 'commit', '-q', '-m', 'theirs');
  git(other, 'push', '-q', 'origin', t.branch);
  const theirs = head(other);

  await commitByHand(t, 'mine.txt', 'mine, more\n', 'mine again');
  const push = await act({ taskId: t.id, kind: 'push' });
  assert.equal(push.status, 'failed');
  assert.match(push.message, /^rejected: the remote has commits the branch lacks \(fetch first\)/);
  assert.match(push.message, /\[rejected\]/, "git's own line is quoted");
  assert.equal(git(ctx.origin, 'rev-parse', `refs/heads/${t.branch}`).trim(), theirs, 'the remote branch is untouched');
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).lastAction?.id === push.id && ctx.sc.task(t.id).lastAction.status === 'failed', "the task's lastAction failed");
});

test('a push the remote refuses for want of credentials fails in git\'s words, never prompting and never showing the token', async () => {
  // A loopback git remote over HTTP that answers every request 401, as a host refusing the credentials does.
  const seen = [];
  const server = createHttpServer((req, res) => {
    seen.push(req.headers.authorization ?? null);
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="loopback"' });
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const path = makeRepo(join(ctx.dir, 'guarded'));
    const repo = await rq(Requests.AddRepo.method, { path });
    const t = await newTask(repo.id);
    await commitByHand(t, 'x.txt', 'x\n', 'x');
    const url = `http://127.0.0.1:${server.address().port}/guarded.git`;
    git(path, 'remote', 'add', 'origin', url);
    const anonymous = await act({ taskId: t.id, kind: 'push' });
    assert.equal(anonymous.status, 'failed');
    assert.match(anonymous.message, /^git push failed: .*could not read Username.*terminal prompts disabled/);

    git(path, 'remote', 'set-url', 'origin', url.replace('//', '//someone:secret-token@'));
    const refused = await act({ taskId: t.id, kind: 'push' });
    assert.equal(refused.status, 'failed');
    assert.match(refused.message, /^git push failed: .*Authentication failed/);
    assert.ok(seen.some((h) => h?.startsWith('Basic ')), 'git offered the credentials of the URL');
    assert.doesNotMatch(JSON.stringify(ctx.sc.state.actionsLog), /secret-token/, 'the token is in no pushed row');
    assert.doesNotMatch(ctx.sc.stderr, /secret-token/, 'nor in the log');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('commit without a git identity fails saying how to set it; fetch without an origin says so', async () => {
  const path = makeRepo(join(ctx.dir, 'anonymous'));
  git(path, 'config', '--unset', 'user.name');
  git(path, 'config', '--unset', 'user.email');
  const repo = await rq(Requests.AddRepo.method, { path });
  const t = await newTask(repo.id);
  writeFile(t.wt, 'work.txt', 'work\n');
  await waitGit(t.id, (g) => g.uncommitted === 1, 'one uncommitted file');
  const before = head(t.wt);
  const commit = await act({ taskId: t.id, kind: 'commit', message: 'anonymous work' });
  assert.equal(commit.status, 'failed');
  assert.equal(commit.message, "git has no identity: set it with git config --global user.name '…' and user.email '…'");
  assert.equal(head(t.wt), before, 'nothing was committed');

  const fetch = await act({ repoId: repo.id, kind: 'fetch' });
  assert.equal(fetch.status, 'failed');
  assert.equal(fetch.message, "the repository has no remote 'origin'");
  assert.equal(fetch.taskId, undefined, 'a repository-wide action has no task');
});

test('rebase onto the base with a real conflict is aborted: the worktree is as it was and the files are named', async () => {
  const t = await newTask();
  await commitByHand(t, 'src/a.txt', 'one\nTWO from the task\nthree\n', 'task edits line two');
  writeFile(ctx.repo.path, 'src/a.txt', 'one\nTWO from main\nthree\n');
  git(ctx.repo.path, 'commit', '-q', '-am', 'main edits line two');
  const before = { head: head(t.wt), status: porcelain(t.wt), file: readFileSync(join(t.wt, 'src/a.txt'), 'utf8') };

  const rebase = await act({ taskId: t.id, kind: 'rebase_on_base' });
  assert.equal(rebase.status, 'failed');
  assert.deepEqual(rebase.conflicts, ['src/a.txt']);
  assert.match(rebase.message, /conflicts in src\/a\.txt/);
  assert.match(rebase.message, /aborted and the worktree is as it was/);
  assert.deepEqual({ head: head(t.wt), status: porcelain(t.wt), file: readFileSync(join(t.wt, 'src/a.txt'), 'utf8') }, before, 'HEAD, status and the file as before');
  const gitDir = git(t.wt, 'rev-parse', '--git-dir').trim();
  assert.equal(existsSync(join(gitDir, 'rebase-merge')) || existsSync(join(gitDir, 'rebase-apply')), false, 'no rebase left in progress');
  // A refresh may have read the worktree mid-rebase (conflicted, so dirty); the one after the
  // abort shows it clean again, as the explorer does, before the user tries the merge.
  await waitGit(t.id, (g) => g.uncommitted === 0 && g.lastCommit?.sha === before.head, 'the aborted rebase projected: nothing uncommitted');

  const merge = await act({ taskId: t.id, kind: 'merge_base_in' });
  assert.equal(merge.status, 'failed');
  assert.deepEqual(merge.conflicts, ['src/a.txt']);
  assert.equal(head(t.wt), before.head);
  assert.equal(porcelain(t.wt), before.status);
});

test('merge the base in succeeds on a clean case; rebase is refused while the worktree is dirty or a turn runs', async () => {
  const t = await newTask();
  await commitByHand(t, 'task-only.txt', 'task\n', 'task work');
  writeFile(ctx.repo.path, 'main-only.txt', 'main\n');
  git(ctx.repo.path, 'add', '-A');
  git(ctx.repo.path, 'commit', '-q', '-m', 'main work');
  const mainHead = head(ctx.repo.path);

  const merge = await act({ taskId: t.id, kind: 'merge_base_in' });
  assert.equal(merge.status, 'succeeded', merge.message);
  assert.equal(merge.result.commit.sha, head(t.wt));
  assert.deepEqual(git(t.wt, 'log', '-1', '--format=%P').trim().split(' ').slice(1), [mainHead], 'a merge commit with main as its second parent');
  assert.equal(readFileSync(join(t.wt, 'main-only.txt'), 'utf8'), 'main\n');
  await waitGit(t.id, (g) => g.behind === 0 && g.ahead === 2, 'the projection sees the merge');

  writeFile(t.wt, 'dirty.txt', 'not committed\n');
  await waitGit(t.id, (g) => g.uncommitted === 1, 'the dirty worktree projected');
  const before = { head: head(t.wt), count: (ctx.sc.state.actionsLog ?? []).length };
  await rejects(run({ taskId: t.id, kind: 'rebase_on_base' }), ErrorCodes.InvalidState, /'uncommitted_changes'.*1 uncommitted file/);
  await rejects(run({ taskId: t.id, kind: 'merge_base_in' }), ErrorCodes.InvalidState, /'uncommitted_changes'/);
  assert.equal(head(t.wt), before.head);
  assert.equal((ctx.sc.state.actionsLog ?? []).length, before.count, 'a refused action has no row');

  const committed = await act({ taskId: t.id, kind: 'commit', message: 'dirty no more' });
  assert.equal(committed.status, 'succeeded');
  await waitGit(t.id, (g) => g.uncommitted === 0, 'clean again');
  await rejects(run({ taskId: t.id, kind: 'commit' }), ErrorCodes.InvalidState, /'nothing_to_commit'/);

  await rq(Requests.SubscribeSession.method, { sessionId: t.session });
  await rq(Requests.SendMessage.method, { sessionId: t.session, text: 'hang' });
  await ctx.sc.waitSession(t.id, t.session, 'running');
  await rejects(run({ taskId: t.id, kind: 'rebase_on_base' }), ErrorCodes.InvalidState, /'running'.*turn is running/);
  await rq(Requests.CancelTurn.method, { sessionId: t.session });
  await ctx.sc.waitSession(t.id, t.session, 'ready');
});

test('apply to my checkout brings committed, uncommitted and new files into the main tree uncommitted, and refuses a conflict touching nothing', async () => {
  const main = ctx.repo.path;
  assert.equal(porcelain(main), '', 'the main tree starts clean');
  const t = await newTask();
  await commitByHand(t, 'committed.txt', 'committed in the task\n', 'task commit');
  writeFile(t.wt, 'src/a.txt', `${readFileSync(join(t.wt, 'src/a.txt'), 'utf8')}four\n`);
  writeFile(t.wt, 'fresh/new.txt', 'untracked\n');
  writeFileSync(join(t.wt, 'fresh/img.bin'), BINARY);
  await waitGit(t.id, (g) => g.uncommitted === 3, 'three uncommitted files');
  const mainHead = head(main);

  const applied = await act({ taskId: t.id, kind: 'apply_to_checkout' });
  assert.equal(applied.status, 'succeeded', applied.message);
  assert.deepEqual([...applied.result.files].sort(), ['committed.txt', 'fresh/img.bin', 'fresh/new.txt', 'src/a.txt']);
  assert.equal(head(main), mainHead, 'nothing committed in the main tree');
  assert.deepEqual(porcelain(main).split('\n').filter(Boolean).sort(), [' M src/a.txt', '?? committed.txt', '?? fresh/img.bin', '?? fresh/new.txt']);
  assert.deepEqual(readFileSync(join(main, 'fresh/img.bin')), BINARY, 'a binary file byte for byte');
  assert.equal(readFileSync(join(main, 'src/a.txt'), 'utf8'), readFileSync(join(t.wt, 'src/a.txt'), 'utf8'));
  assert.equal(readFileSync(join(main, 'fresh/new.txt'), 'utf8'), 'untracked\n');
  git(main, 'checkout', '--', '.');
  git(main, 'clean', '-qfd');

  // The main tree has its own uncommitted edit of a file the task changes: refused, untouched.
  writeFile(main, 'src/a.txt', 'the user is editing this\n');
  const refused = await act({ taskId: t.id, kind: 'apply_to_checkout' });
  assert.equal(refused.status, 'failed');
  assert.deepEqual(refused.conflicts, ['src/a.txt']);
  assert.match(refused.message, /uncommitted changes to src\/a\.txt/);
  assert.deepEqual(porcelain(main).split('\n').filter(Boolean), [' M src/a.txt'], 'nothing else appeared');
  assert.equal(readFileSync(join(main, 'src/a.txt'), 'utf8'), 'the user is editing this\n');

  // A committed change on main that the task's patch does not apply over: refused, untouched.
  git(main, 'commit', '-q', '-am', 'main rewrites a.txt');
  const clash = await act({ taskId: t.id, kind: 'apply_to_checkout' });
  assert.equal(clash.status, 'failed');
  assert.deepEqual(clash.conflicts, ['src/a.txt']);
  assert.match(clash.message, /do not apply cleanly.*src\/a\.txt/);
  assert.equal(porcelain(main), '', 'the main tree is untouched');
});

test('bad params name the field; a fetch by repository brings in what origin has new', async () => {
  const t = await newTask();
  await rejects(run({ kind: 'fetch' }), ErrorCodes.InvalidParams, /taskId: give exactly one of taskId and repoId/);
  await rejects(run({ kind: 'fetch', taskId: t.id, repoId: ctx.repo.id }), ErrorCodes.InvalidParams, /taskId: give exactly one of taskId and repoId/);
  await rejects(run({ kind: 'push', repoId: ctx.repo.id }), ErrorCodes.InvalidParams, /repoId: only fetch takes a repoId/);
  await rejects(run({ kind: 'deploy', taskId: t.id }), ErrorCodes.InvalidParams, /kind:/);
  await rejects(run({ kind: 'commit', taskId: t.id, message: '   ' }), ErrorCodes.InvalidParams, /message: message must not be empty/);
  await rejects(run({ kind: 'push', taskId: 'task_000000000000' }), ErrorCodes.NotFound, /task_000000000000/);
  await rejects(rq(Requests.ListRepoActions.method, { repoId: 'repo_000000000000' }), ErrorCodes.NotFound, /repo_000000000000/);

  // Another clone moves main on origin: a repository-wide fetch brings it in.
  const other = join(ctx.dir, 'fetch-clone');
  git(ctx.dir, 'clone', '-q', '-b', 'main', ctx.origin, other);
  git(other, 'config', 'user.email', 'other@example.invalid');
  git(other, 'config', 'user.name', 'Other');
  writeFile(other, 'remote-only.txt', 'x\n');
  git(other, 'add', '-A');
  git(other, 'commit', '-q', '-m', 'remote work');
  git(other, 'push', '-q', 'origin', 'main');
  const fetch = await act({ repoId: ctx.repo.id, kind: 'fetch' });
  assert.equal(fetch.status, 'succeeded', fetch.message);
  assert.match(fetch.message, /^fetched origin: \d+ refs? updated$/);
  assert.equal(git(ctx.repo.path, 'rev-parse', 'refs/remotes/origin/main').trim(), head(other));
});

test('an action queued when the sidecar stops runs after the restart; a fetch cut short runs again', async () => {
  // A remote that accepts and never answers holds the repository's first action (a fetch) running.
  const sockets = new Set();
  let connected;
  const reached = new Promise((resolve) => (connected = resolve));
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    connected();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const path = makeRepo(join(ctx.dir, 'held'));
  git(path, 'remote', 'add', 'origin', `git://127.0.0.1:${server.address().port}/held.git`);
  const repo = await rq(Requests.AddRepo.method, { path });
  const t = await newTask(repo.id);
  writeFile(t.wt, 'queued.txt', 'committed after the restart\n');
  await waitGit(t.id, (g) => g.uncommitted === 1, 'one uncommitted file');

  const fetch = await run({ repoId: repo.id, kind: 'fetch' });
  await reached;
  await ctx.sc.waitFor(() => ctx.sc.state.actions?.get(fetch.actionId)?.status === 'running', 'the fetch running');
  const commit = await run({ taskId: t.id, kind: 'commit', message: 'after the restart' });
  assert.equal(commit.status, 'queued');
  const before = head(t.wt);
  // Another repository's action runs meanwhile; this one's waits behind its fetch.
  const elsewhere = await act({ repoId: ctx.repo.id, kind: 'fetch' });
  assert.equal(elsewhere.status, 'succeeded', elsewhere.message);
  assert.equal(ctx.sc.state.actions.get(fetch.actionId).status, 'running', 'the held fetch still runs');
  assert.equal(ctx.sc.state.actions.get(commit.actionId).status, 'queued', 'the commit waits behind it');

  await ctx.sc.stop();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
  assert.equal(head(t.wt), before, 'nothing committed while stopped');

  ctx.sc = await startSidecar({ dataDir: ctx.dataDir, env });
  const done = await settled(commit.actionId, { repoId: repo.id });
  assert.equal(done.status, 'succeeded', done.message);
  assert.equal(git(t.wt, 'log', '-1', '--format=%s').trim(), 'after the restart');
  assert.equal(done.result.commit.sha, head(t.wt));
  const again = await settled(fetch.actionId, { repoId: repo.id });
  assert.equal(again.status, 'failed', 'the fetch ran again, and the remote is gone now');
  assert.match(again.message, /^git fetch failed: .*unable to connect/, "git's own reason from the run after the restart");
  const wb = await rq(Requests.GetWorkbench.method, {});
  assert.equal(wb.tasks.find((x) => x.id === t.id).lastAction.id, commit.actionId);
});

test('a rebase a crash left half way is aborted on the next start: the action fails, the worktree is as it was', async () => {
  const path = makeRepo(join(ctx.dir, 'crashy'), { 'a.txt': 'one\ntwo\n' });
  const repo = await rq(Requests.AddRepo.method, { path });
  const t = await newTask(repo.id);
  await commitByHand(t, 'a.txt', 'one\ntwo from the task\n', 'task edits two');
  writeFile(path, 'a.txt', 'one\ntwo from main\n');
  git(path, 'commit', '-q', '-am', 'main edits two');
  const before = { head: head(t.wt), status: porcelain(t.wt) };

  // git's pre-rebase hook holds the rebase (reading a FIFO) and says which git runs it.
  const fifo = join(ctx.dir, 'crashy.fifo');
  const pids = join(ctx.dir, 'crashy.pids');
  execFileSync('mkfifo', [fifo]);
  const hook = join(path, '.git', 'hooks', 'pre-rebase');
  writeFileSync(hook, `#!/bin/sh\necho "$PPID $$" > '${pids}'\ncat '${fifo}' > /dev/null\n`, { mode: 0o755 });
  const rebase = await run({ taskId: t.id, kind: 'rebase_on_base' });
  const held = await open(fifo, 'w'); // resolves once the hook reads: the rebase is under way
  const [gitPid] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);

  // The sidecar dies, and so does its git; what a crash mid-rebase leaves is a rebase stopped on
  // its conflict, made here by git itself.
  await ctx.sc.kill9();
  process.kill(gitPid, 'SIGKILL');
  await held.close();
  rmSync(hook);
  assert.throws(() => git(t.wt, 'rebase', 'main'), /conflict/i);
  const gitDir = git(t.wt, 'rev-parse', '--git-dir').trim();
  assert.ok(existsSync(join(gitDir, 'rebase-merge')), 'a rebase is in progress');

  ctx.sc = await startSidecar({ dataDir: ctx.dataDir, env });
  const done = await settled(rebase.actionId, { repoId: repo.id });
  assert.equal(done.status, 'failed');
  assert.equal(done.message, 'interrupted by a restart; nothing was changed (the rebase it left half way was aborted)');
  assert.equal(existsSync(join(gitDir, 'rebase-merge')), false, 'the rebase was aborted');
  assert.deepEqual({ head: head(t.wt), status: porcelain(t.wt) }, before, 'HEAD and status as before');
});
