// Every request of the contract through the real sidecar: results and error codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';

let dir, sc, repo, repoPath;
before(async () => {
  dir = tempDir();
  repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

const rejects = (p, code, re) =>
  assert.rejects(p, (e) => {
    assert.equal(e.code, code, `code of: ${e.message}`);
    if (re) assert.match(e.message, re);
    return true;
  });

test('ping is a no-op round trip', async () => {
  assert.deepEqual(await sc.request(Requests.Ping.method, {}), {});
});

test('addRepo is idempotent by path, updates the setup script (absent keeps it, "" clears it), refuses non-repositories', async () => {
  const again = await sc.request(Requests.AddRepo.method, { path: join(repoPath, '.'), setupScript: 'echo hi' });
  assert.equal(again.id, repo.id);
  assert.equal(again.setupScript, 'echo hi');
  assert.equal(again.defaultBranch, 'main');
  assert.equal((await sc.request(Requests.AddRepo.method, { path: repoPath })).setupScript, 'echo hi', 'absent keeps the script');
  assert.equal((await sc.request(Requests.GetWorkbench.method, {})).repos[0].setupScript, 'echo hi');
  const plain = tempDir('foundry-plain-');
  await rejects(sc.request(Requests.AddRepo.method, { path: plain }), ErrorCodes.InvalidParams, /path: .*not a git repository/);
  await rejects(sc.request(Requests.AddRepo.method, { path: join(plain, 'missing') }), ErrorCodes.InvalidParams, /path: /);
  cleanup(plain);
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.equal(wb.repos.length, 1);
  const cleared = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: '' });
  assert.equal(cleared.setupScript, undefined, '"" clears the script');
});

test('createTask derives title and a unique branch, returns at once with its first session pending', async () => {
  const a = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'Fix the login bug\nmore detail' });
  const b = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'Fix the login bug' });
  assert.equal(a.title, 'Fix the login bug');
  assert.equal(a.branch, 'foundry/fix-the-login-bug');
  assert.equal(b.branch, 'foundry/fix-the-login-bug-2');
  assert.equal(a.status, 'init_enqueue_provision');
  assert.equal(a.sessions.length, 1);
  assert.equal(a.sessions[0].status, 'pending_provision');
  assert.equal(a.agent, 'demo');
  await sc.waitTask(a.id, 'idle');
  await sc.waitTask(b.id, 'idle');
});

test('createTask refuses bad branches, unknown repos and agents with clear errors', async () => {
  await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'x', branch: '--force' }), ErrorCodes.InvalidParams, /branch/);
  await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'x', branch: 'a..b' }), ErrorCodes.InvalidParams, /branch/);
  await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'x', branch: 'has space' }), ErrorCodes.InvalidParams, /branch/);
  for (const [branch, why] of [
    ['HEAD', /must not be HEAD/],
    ['a.lock/b', /end with "\.lock"/],
    ['refs/heads/x', /not start with "refs\/"/],
    ['-x', /start with "-"/],
    ['x/.hidden', /start with "\."/],
    ['x@{1}', /"@\{"/],
    ['x/', /end with "\/"/],
    ['x.', /end with "\."/],
  ]) {
    await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'x', branch }), ErrorCodes.InvalidParams, new RegExp(`^Invalid params: branch: .*${why.source}`));
  }
  await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: '' }), ErrorCodes.InvalidParams, /prompt/);
  await rejects(sc.request(Requests.CreateTask.method, { repoId: 'repo_nope', prompt: 'x' }), ErrorCodes.NotFound, /repo_nope/);
  await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'x', agent: 'nobody' }), ErrorCodes.InvalidParams, /agent: unknown agent 'nobody'/);
});

test('an explicit branch that exists in git fails ensure_name; a derived one taken in git gets the next suffix', async () => {
  const { execFileSync } = await import('node:child_process');
  execFileSync('git', ['branch', 'feature/taken'], { cwd: repoPath });
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'explicit', branch: 'feature/taken' });
  assert.equal(t.branch, 'feature/taken');
  const failed = await sc.waitTask(t.id, 'error');
  assert.equal(failed.errorMessage, "branch 'feature/taken' already exists; attaching existing branches comes later");
  assert.equal(failed.branch, 'feature/taken', 'never silently renamed');
  const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
  assert.ok(log.history.some((h) => h.kind === 'error' && h.stage === 'init_ensure_name'));
  const main = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'on main', branch: 'main' });
  assert.match((await sc.waitTask(main.id, 'error')).errorMessage, /^branch 'main' already exists/);
  execFileSync('git', ['branch', 'foundry/derived-collides'], { cwd: repoPath });
  const derived = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'derived collides' });
  assert.equal(derived.branch, 'foundry/derived-collides');
  assert.equal((await sc.waitTask(derived.id, 'idle')).branch, 'foundry/derived-collides-2');
  const explicit = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'new explicit', branch: 'feature/fresh' });
  assert.equal((await sc.waitTask(explicit.id, 'idle')).branch, 'feature/fresh', 'an explicit branch git does not have is kept exactly');
  await rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'again', branch: 'feature/fresh' }), ErrorCodes.InvalidParams, /already used/);
});

test('session and task requests: not found names the id, wrong state names the state', async () => {
  for (const def of [Requests.RenameTask, Requests.ArchiveTask, Requests.RetryTask, Requests.GetTaskLog, Requests.CreateWorkbenchSession]) {
    await rejects(sc.request(def.method, { taskId: 'task_missing', title: 't' }), ErrorCodes.NotFound, /task_missing/);
  }
  for (const def of [
    Requests.SendMessage, Requests.CancelTurn, Requests.GetTranscript, Requests.SubscribeSession, Requests.UnsubscribeSession,
    Requests.RetrySession, Requests.CloseWorkbenchSession, Requests.RenameWorkbenchSession, Requests.MarkSessionRead,
  ]) {
    await rejects(sc.request(def.method, { sessionId: 'ses_missing', text: 't', name: 'n' }), ErrorCodes.NotFound, /ses_missing/);
  }
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'states' });
  // Too early for the agent: the message waits in the session's durable queue, behind the prompt.
  const early = await sc.request(Requests.SendMessage.method, { sessionId: t.sessions[0].id, text: 'too early' });
  assert.equal(early.queued, true);
  assert.match(early.messageId, /^msg_/);
  await rejects(sc.request(Requests.RetryTask.method, { taskId: t.id }), ErrorCodes.InvalidState, /state is/);
  const idle = await sc.waitTask(t.id, 'idle');
  await rejects(sc.request(Requests.RetrySession.method, { sessionId: idle.sessions[0].id }), ErrorCodes.InvalidState, /'ready'/);
});

test('rename, new session, close, mark read, task log', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'misc' });
  const renamed = await sc.request(Requests.RenameTask.method, { taskId: t.id, title: 'Renamed task' });
  assert.equal(renamed.title, 'Renamed task');
  await rejects(sc.request(Requests.RenameTask.method, { taskId: t.id, title: '   ' }), ErrorCodes.InvalidParams, /title/);
  const s2 = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: t.id });
  assert.equal(s2.name, 'Chat 2');
  assert.ok(['pending_provision', 'pending_session_create'].includes(s2.status));
  await sc.waitSession(t.id, s2.id, 'ready');
  const named = await sc.request(Requests.RenameWorkbenchSession.method, { sessionId: s2.id, name: 'Review' });
  assert.equal(named.name, 'Review');
  const closed = await sc.request(Requests.CloseWorkbenchSession.method, { sessionId: s2.id });
  assert.equal(closed.status, 'closed');
  await rejects(sc.request(Requests.SendMessage.method, { sessionId: s2.id, text: 'hi' }), ErrorCodes.InvalidState, /'closed'/);
  const done = await sc.waitTask(t.id, 'idle');
  // The first turn ended while no client was subscribed: unread until marked read.
  assert.equal(done.sessions[0].unread, true);
  const read = await sc.request(Requests.MarkSessionRead.method, { sessionId: done.sessions[0].id });
  assert.equal(read.unread, false);
  const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
  const kinds = log.history.map((h) => `${h.kind}:${h.stage ?? ''}`);
  assert.ok(kinds.includes('created:'));
  assert.ok(kinds.includes('stage_finished:init_create_sandbox'));
  assert.ok(log.history.find((h) => h.kind === 'stage_finished').durationMs >= 0);
  assert.equal(typeof log.setupOutput, 'string');
});

test('archive keeps uncommitted work in its snapshot, removes the worktree, keeps the task, its sessions and the branch', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'archive me' });
  const idle = await sc.waitTask(t.id, 'idle');
  writeFileSync(join(idle.worktreePath, 'wip.txt'), 'uncommitted\n');
  const { execFileSync } = await import('node:child_process');
  const archiving = await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  assert.equal(archiving.status, 'archive_stop_agents');
  const archived = await sc.waitTask(t.id, 'archived');
  assert.equal(archived.sessions.length, 1, 'the sessions stay, to come back with unarchive');
  assert.match(execFileSync('git', ['show', `${archived.snapshotCommit}:wip.txt`], { cwd: repoPath, encoding: 'utf8' }), /uncommitted/, 'the snapshot holds the uncommitted file');
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.ok(wb.tasks.some((x) => x.id === t.id && x.status === 'archived'), 'archived tasks stay in the workbench');
  await rejects(sc.request(Requests.CreateWorkbenchSession.method, { taskId: t.id }), ErrorCodes.InvalidState, /'archived'/);
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(idle.worktreePath), false, 'worktree removed');
  assert.match(execFileSync('git', ['branch', '--list', idle.branch], { cwd: repoPath, encoding: 'utf8' }), /foundry\//, 'branch kept');
});

test('getWorkbench version matches the last notification and notifications never skip a version', async () => {
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  const versions = sc.state.log.map((n) => n.version);
  for (let i = 1; i < versions.length; i++) assert.equal(versions[i], versions[i - 1] + 1);
  assert.equal(wb.version, versions.at(-1));
});
