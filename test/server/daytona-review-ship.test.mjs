// Review and ship a task on the Daytona provider, through the same requests as a local one: its
// file tree, and a revert and its undo, read and done in the sandbox; then the repository actions:
// commit runs in the sandbox as the local repository's identity; push fetches the branch from the
// sandbox as a bundle and pushes it from the local repository (no git token enters the sandbox);
// Apply to My Checkout applies the sandbox's changes, uncommitted ones included, to the main
// working tree; rebase is refused with the way round. Real SDK, real sandbox-agent, the demo agent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { Requests } from '../../shared/protocol.ts';
import { git, makeRepo, startSidecar, tempDir, cleanup } from './harness.mjs';
import { startFakeDaytona } from '../fixtures/fakeDaytona.mjs';

let dir, fake, sc, repo, repoPath, origin;

/** The action's row once it has ended, as pushed (the harness mirrors repoActionUpdated into state.actions). */
async function act(params) {
  const { actionId } = await sc.request(Requests.RunRepoAction.method, params);
  const row = () => sc.state.actions?.get(actionId);
  return sc.waitFor(() => ['succeeded', 'failed'].includes(row()?.status) && row(), `action ${actionId} to end`, 90_000);
}

before(async () => {
  dir = tempDir();
  fake = await startFakeDaytona({ root: join(dir, 'daytona'), env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '2' } });
  repoPath = makeRepo(join(dir, 'repo'));
  origin = join(dir, 'origin.git');
  git(dir, 'init', '-q', '--bare', origin);
  git(repoPath, 'remote', 'add', 'origin', origin);
  git(repoPath, 'push', '-q', 'origin', 'HEAD');
  sc = await startSidecar({ dataDir: join(dir, 'data'), options: { daytona: { apiUrl: fake.apiUrl, target: fake.target } } });
  await sc.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: fake.apiKey });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath, provider: 'daytona' });
});
after(async () => {
  await sc?.stop().catch(() => {});
  await fake?.stop();
  cleanup(dir);
});

test('a Daytona task commits in its sandbox, pushes from the local repository, applies to the checkout; rebase says how', { timeout: 170_000 }, async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'write src/remote.txt\nfrom the sandbox\nend\nWrote src/remote.txt.', mode: 'full_access' });
  const idle = await sc.waitTask(t.id, ['idle', 'error'], 90_000);
  assert.equal(idle.status, 'idle', idle.errorMessage);
  const box = fake.sandboxes().find((s) => s.labels['foundry.task'] === t.id);
  const work = join(box.home, 'repo');
  await sc.waitFor(() => sc.task(t.id)?.git?.uncommitted >= 1, 'the change projected');

  const commit = await act({ taskId: t.id, kind: 'commit', message: 'Add the remote file' });
  assert.equal(commit.status, 'succeeded', commit.message);
  assert.equal(git(work, 'log', '-1', '--format=%s|%an <%ae>').trim(), `Add the remote file|${git(repoPath, 'config', 'user.name').trim()} <${git(repoPath, 'config', 'user.email').trim()}>`, "committed in the sandbox as the local repository's identity");
  assert.equal(commit.result.commit.sha, git(work, 'rev-parse', 'HEAD').trim());
  assert.equal(git(work, 'status', '--porcelain').trim(), '', 'nothing left uncommitted in the sandbox');

  const push = await act({ taskId: t.id, kind: 'push' });
  assert.equal(push.status, 'succeeded', push.message);
  assert.equal(git(origin, 'rev-parse', `refs/heads/${idle.branch}`).trim(), commit.result.commit.sha, 'the origin has the commit made in the sandbox');
  assert.equal(git(origin, 'show', `refs/heads/${idle.branch}:src/remote.txt`), 'from the sandbox\n');

  const rebase = await act({ taskId: t.id, kind: 'rebase_on_base' });
  assert.equal(rebase.status, 'failed');
  assert.match(rebase.message, /not available in a remote sandbox yet: Bring Changes Local/);

  // An uncommitted change in the sandbox, then Apply to My Checkout: the main tree has both, uncommitted.
  await sc.turn(t.id, idle.sessions[0].id, 'write notes/draft.md\nnot committed\nend\nDrafted.');
  await sc.waitFor(() => sc.task(t.id)?.git?.uncommitted >= 1, 'the draft projected');
  const applied = await act({ taskId: t.id, kind: 'apply_to_checkout' });
  assert.equal(applied.status, 'succeeded', applied.message);
  assert.deepEqual([...applied.result.files].sort(), ['notes/draft.md', 'src/remote.txt']);
  assert.equal(readFileSync(join(repoPath, 'notes', 'draft.md'), 'utf8'), 'not committed\n');
  assert.equal(readFileSync(join(repoPath, 'src', 'remote.txt'), 'utf8'), 'from the sandbox\n');
  assert.match(git(repoPath, 'status', '--porcelain', '--untracked-files=all'), /notes\/draft\.md/, 'applied as uncommitted changes');
});

test('a Daytona task\'s file tree, a revert and its undo, in the sandbox', { timeout: 120_000 }, async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'write docs/new.md\nnew in the sandbox\nend\nDone.', mode: 'full_access' });
  const idle = await sc.waitTask(t.id, ['idle', 'error'], 90_000);
  assert.equal(idle.status, 'idle', idle.errorMessage);
  const work = join(fake.sandboxes().find((s) => s.labels['foundry.task'] === t.id).home, 'repo');
  await sc.waitFor(() => sc.task(t.id)?.git?.uncommitted >= 1, 'the change projected');

  const root = await sc.request(Requests.GetFileTree.method, { taskId: t.id });
  assert.ok(root.entries.findIndex((e) => e.type === 'directory') === 0, `directories first: ${JSON.stringify(root.entries)}`);
  assert.ok(!root.entries.some((e) => e.name === '.git'), '.git is left out');
  assert.deepEqual(root.entries.find((e) => e.name === 'docs'), { name: 'docs', path: 'docs', type: 'directory' });
  const docs = await sc.request(Requests.GetFileTree.method, { taskId: t.id, dir: 'docs' });
  assert.deepEqual(docs.entries, [{ name: 'new.md', path: 'docs/new.md', type: 'file', change: 'added' }]);
  await assert.rejects(sc.request(Requests.GetFileTree.method, { taskId: t.id, dir: '../..' }), (e) => e.code === -32602 && /dir:/.test(e.message));
  await assert.rejects(sc.request(Requests.GetFileTree.method, { taskId: t.id, dir: 'nope' }), (e) => e.code === -32001 || /not a folder/.test(e.message));

  const { revertId } = await sc.request(Requests.RevertFile.method, { taskId: t.id, path: 'docs/new.md' });
  assert.equal(existsSync(join(work, 'docs', 'new.md')), false, 'the new file is reverted away in the sandbox');
  await sc.waitFor(() => sc.task(t.id)?.changes.files === 0, 'the revert projected');
  await sc.request(Requests.UndoRevert.method, { taskId: t.id, revertId });
  assert.equal(readFileSync(join(work, 'docs', 'new.md'), 'utf8'), 'new in the sandbox\n', 'the undo brings it back');
  await sc.waitFor(() => sc.task(t.id)?.changes.files >= 1, 'the undo projected');
});
