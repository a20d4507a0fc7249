// The PR projection of a listening sidecar: the token from its environment (GITHUB_TOKEN), the
// GitHub settings from D/settings.json applied again when a client rewrites it (a new API base, a
// GitHub Enterprise one with its /api/v3 path, is used by the next poll), and the poll runs only while a client is connected: after the last one
// leaves, GitHub hears nothing more until the sidecar's idle exit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { agentsDir, cleanup, git, makeRepo, tempDir } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { startListening } from './listenHarness.mjs';
import { startFakeGitHub } from '../fixtures/fakeGitHub/index.mjs';

const dir = tempDir();
const servers = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  cleanup(dir);
});

function writeSettings(dataDir, settings) {
  const file = join(dataDir, 'settings.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(settings));
  renameSync(`${file}.tmp`, file);
}

test('polls with the environment token while a client is connected, follows a new API base, and stops when the last client leaves', async () => {
  const origin = join(dir, 'origin.git');
  const token = 'ghp_fromTheEnvironment0123456789';
  const first = await startFakeGitHub({ repos: { 'acme/widgets': { bare: origin } }, token });
  const second = await startFakeGitHub({ repos: { 'acme/widgets': { bare: origin } }, token });
  servers.push(first, second);
  const repoPath = makeRepo(join(dir, 'repo'));
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  git(repoPath, 'remote', 'add', 'origin', origin);
  git(repoPath, 'push', '-q', 'origin', 'main');
  const dataDir = join(dir, 'data');
  const settings = (url) => ({ githubApiUrl: url, githubRepositories: { [origin]: 'acme/widgets' }, pullRequestRefreshMs: 1000 });
  const sidecar = await startListening({
    dataDir,
    idleExitSeconds: 3,
    settings: settings(first.url),
    env: { FOUNDRY_AGENTS_DIR: agentsDir, HOME: join(dir, 'home'), GITHUB_TOKEN: token, GH_TOKEN: '' },
  });
  assert.ok(sidecar.report.ready, JSON.stringify(sidecar.report));
  const client = await sidecar.connect();
  let connected = true;
  try {
    const repo = await client.request(Requests.AddRepo.method, { path: repoPath });
    const created = await client.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'Sprockets', mode: 'accept_edits' });
    const task = await client.waitTask(created.id, 'idle');
    writeFile(task.worktreePath, 'sprockets.txt', 'many\n');
    git(task.worktreePath, 'add', '-A');
    git(task.worktreePath, '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'sprockets');
    const { actionId } = await client.request(Requests.RunRepoAction.method, { taskId: task.id, kind: 'create_pull_request' });
    const action = await client.waitFor(() => ['succeeded', 'failed'].includes(client.state.actions?.get(actionId)?.status) && client.state.actions.get(actionId), 'the PR action', 60_000);
    assert.equal(action.status, 'succeeded', action.message);
    const number = action.result.pullRequest.number;
    await first.waitForRequest((r) => r.path === `/repos/acme/widgets/pulls/${number}` && r.ifNoneMatch && r.auth === 'ok', 'a poll of the PR with the environment token');

    // The same PR on the other API base (a GitHub Enterprise one, under /api/v3); the rewritten
    // settings point the sidecar there.
    second.control.openPullRequest({ head: task.branch, title: 'Sprockets' });
    writeSettings(dataDir, settings(`${second.url}/api/v3`));
    await second.waitForRequest((r) => r.path === `/repos/acme/widgets/pulls/${number}` && r.enterprise && r.auth === 'ok', 'a poll at the new API base');

    await client.disconnect();
    connected = false;
    const from = second.log.length;
    const exit = await sidecar.exited;
    assert.equal(exit.code, 0, sidecar.stderr.slice(-2000));
    // A refresh already under way when the client left may finish; no new one starts.
    const polls = second.log.slice(from).filter((r) => r.path === `/repos/acme/widgets/pulls/${number}`);
    assert.ok(polls.length <= 1, `GitHub was polled ${polls.length} times with no client connected`);
    assert.ok(!sidecar.stderr.includes(token), 'the sidecar log holds the token');
  } finally {
    if (connected) await client.disconnect();
    await sidecar.kill();
  }
});
