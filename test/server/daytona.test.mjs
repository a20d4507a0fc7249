// A task on the Daytona provider, end to end: the real @daytonaio/sdk against a loopback Daytona
// (test/fixtures/fakeDaytona.mjs: real folders and processes per sandbox), the real sandbox-agent
// binary started inside the sandbox, and the demo agent (a real ACP process) behind it. Every
// stage is visible, the agent's edit shows as a change, a stopped sandbox wakes for the next
// message, a failing API errors clearly and a retry resumes with one sandbox, kill -9 at a stage
// resumes with the same sandbox, and archive/unarchive keep uncommitted work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, agentText } from './harness.mjs';
import { startFakeDaytona } from '../fixtures/fakeDaytona.mjs';

const DAYTONA_STAGES = ['init_ensure_name', 'init_allocate_sandbox', 'init_prepare_repo', 'init_run_setup', 'init_install_agent', 'init_start_agent', 'init_check_agent', 'init_create_session'];
let dir, fake, sc, repo, repoPath;

const start = async () => {
  const s = await startSidecar({ dataDir: join(dir, 'data'), options: { daytona: { apiUrl: fake.apiUrl, target: fake.target, autoStopMinutes: 7 } } });
  await s.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: fake.apiKey });
  return s;
};
const labelled = (taskId) => fake.sandboxes().filter((s) => s.labels['foundry.task'] === taskId);
const history = async (s, taskId) => (await s.request(Requests.GetTaskLog.method, { taskId })).history ?? [];

before(async () => {
  dir = tempDir();
  // The sandboxes' environment: the demo agent keeps its state inside the sandbox's home.
  fake = await startFakeDaytona({ root: join(dir, 'daytona'), env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '2' } });
  repoPath = makeRepo(join(dir, 'repo'));
  sc = await start();
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath, provider: 'daytona', setupScript: 'echo setup ran > setup-marker.txt' });
  assert.equal(repo.provider, 'daytona');
});
after(async () => {
  await sc?.stop().catch(() => {});
  await fake?.stop();
  cleanup(dir);
});

test('a Daytona task walks its provider\'s stages to a real agent\'s edit in the sandbox, shown as a change', { timeout: 120_000 }, async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'write notes/remote.txt\nmade in the sandbox\nend\ndone', mode: 'full_access' });
  assert.equal(t.status, 'init_enqueue_provision', 'createTask returns at once, before any Daytona call');
  assert.deepEqual(t.stages.map((s) => s.id), DAYTONA_STAGES);
  assert.equal(t.stages.find((s) => s.id === 'init_prepare_repo').label, 'Uploading repository');
  const idle = await sc.waitTask(t.id, 'idle', 90_000);
  const started = (await history(sc, t.id)).filter((h) => h.kind === 'stage_started').map((h) => h.stage);
  assert.deepEqual(started, DAYTONA_STAGES, 'every stage ran, in order, and is in the task log');

  const boxes = labelled(t.id);
  assert.equal(boxes.length, 1, 'one sandbox, labelled with the task id');
  assert.equal(boxes[0].autoStopInterval, 7, "idle stop is Daytona's own auto-stop interval");
  assert.equal(idle.sandbox.state, 'started');
  assert.equal(idle.sandbox.id, boxes[0].id);
  assert.equal(idle.worktreePath, undefined, 'no local worktree');

  const work = join(boxes[0].home, 'repo');
  assert.equal(readFileSync(join(work, 'notes', 'remote.txt'), 'utf8'), 'made in the sandbox\n', 'the agent wrote in the sandbox');
  assert.ok(existsSync(join(work, 'setup-marker.txt')), 'the setup script ran in the sandbox');
  assert.match(agentText(await sc.transcript(idle.sessions[0].id)), /done/);

  // The projection refreshes after the turn (no local watcher); its push carries the coarse count.
  await sc.waitFor(() => sc.state.tasks.get(t.id)?.changes.files >= 2, 'the edit in the changes projection', 30_000);
  const changes = await sc.request(Requests.GetFileChanges.method, { taskId: t.id });
  assert.ok(changes.files.find((f) => f.path === 'notes/remote.txt').added >= 1);
  const diff = await sc.request(Requests.GetFileDiff.method, { taskId: t.id, path: 'notes/remote.txt' });
  assert.equal(diff.modified, 'made in the sandbox\n');

  // Daytona stops it while idle; the next message wakes it and is answered.
  fake.autoStop(boxes[0].id);
  const waking = sc.waitFor(() => sc.state.tasks.get(t.id)?.status === 'waking', 'the task pushed as Waking sandbox', 60_000);
  const { end } = await sc.turn(t.id, idle.sessions[0].id, 'after the nap');
  assert.equal(end.kind, 'turn_ended', end.text);
  await waking;
  assert.match(agentText(await sc.transcript(idle.sessions[0].id)), /after the nap/);
  assert.equal(labelled(t.id).length, 1, 'woken, not replaced');
  assert.equal(labelled(t.id)[0].state, 'started');

  // Archive brings the uncommitted work home, then deletes the sandbox; unarchive makes a new one from it.
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  const archived = await sc.waitTask(t.id, 'archived', 60_000);
  assert.equal(labelled(t.id).length, 0, 'the sandbox is deleted');
  const show = execFileSync('git', ['-C', repoPath, 'show', `${archived.snapshotCommit}:notes/remote.txt`], { encoding: 'utf8' });
  assert.equal(show, 'made in the sandbox\n', 'the snapshot in the local repository holds the uncommitted file');
  await sc.request(Requests.UnarchiveTask.method, { taskId: t.id });
  const back = await sc.waitTask(t.id, ['idle', 'error'], 90_000);
  assert.equal(back.status, 'idle', back.errorMessage);
  const again = labelled(t.id);
  assert.equal(again.length, 1);
  assert.equal(readFileSync(join(again[0].home, 'repo', 'notes', 'remote.txt'), 'utf8'), 'made in the sandbox\n', 'unarchive restores the uncommitted work remotely');
});

test('a failing Daytona API errors the stage clearly; Retry resumes it and makes exactly one sandbox', { timeout: 120_000 }, async () => {
  fake.fault({ route: 'POST /api/sandbox', status: 503, times: 5 });
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello' });
  const failed = await sc.waitTask(t.id, 'error', 60_000);
  assert.match(failed.errorMessage, /Daytona: creating the sandbox failed \(503\)/);
  assert.doesNotMatch(failed.errorMessage, new RegExp(fake.apiKey));
  fake.clearFaults();
  await sc.request(Requests.RetryTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'idle', 90_000);
  assert.equal(labelled(t.id).length, 1);
});

test('kill -9 of the sidecar during provisioning resumes with the same sandbox', { timeout: 180_000 }, async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello after a crash' });
  await sc.waitTask(t.id, ['init_install_agent', 'init_start_agent', 'init_check_agent', 'init_create_session', 'idle'], 60_000);
  await sc.kill9();
  sc = await start();
  const idle = await sc.waitTask(t.id, ['idle', 'error'], 90_000);
  assert.equal(idle.status, 'idle', idle.errorMessage);
  assert.equal(labelled(t.id).length, 1, 'no second sandbox after the restart');
  assert.match(agentText(await sc.transcript(idle.sessions[0].id)), /hello after a crash/);
});

test('without a Daytona API key the task says how to set one, and goes on once it is set', { timeout: 120_000 }, async () => {
  await sc.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: '' });
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello' });
  const failed = await sc.waitTask(t.id, 'error', 30_000);
  assert.match(failed.errorMessage, /Set the Daytona API key/);
  await sc.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: fake.apiKey });
  await sc.waitTask(t.id, 'idle', 90_000);
});
