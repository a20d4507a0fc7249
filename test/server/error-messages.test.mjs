// Failures say what failed and where: a data folder the sidecar or the demo agent cannot write
// (a file where a folder should be: the tests run as root, whom chmod does not stop), an agent's
// bare "Internal error", and a request that fails inside the sidecar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, root } from './harness.mjs';

let dir, dataDir, sc, repo, repoPath;
before(async () => {
  dir = tempDir();
  dataDir = join(dir, 'data');
  repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({
    dataDir,
    options: { agents: { 'plain-error': { command: process.execPath, args: [join(root, 'test/server/fixtures/plain-error-agent.mjs')] } } },
  });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

async function idleTask(prompt, agent) {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt, ...(agent ? { agent } : {}) });
  return sc.waitTask(t.id, ['idle', 'error']);
}

test("the demo agent's state folder unwritable: the turn and a new session say what and where", async () => {
  const t = await idleTask('state folder');
  assert.equal(t.status, 'idle', t.errorMessage);
  const stateDir = join(dataDir, 'agents', 'demo');
  rmSync(stateDir, { recursive: true });
  writeFileSync(stateDir, 'a file where the state folder should be\n');
  try {
    const { end } = await sc.turn(t.id, t.sessions[0].id, 'hello again');
    assert.equal(end.kind, 'turn_failed');
    assert.match(end.text, new RegExp(`^could not write the demo agent's state in ${stateDir}: E[A-Z]+: `));

    const created = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: t.id });
    const failed = await sc.waitSession(t.id, created.id, ['ready', 'error']);
    assert.equal(failed.status, 'error');
    assert.match(failed.errorMessage, new RegExp(`^Could not start the agent session: could not write the demo agent's state in ${stateDir}: `));
  } finally {
    rmSync(stateDir);
    mkdirSync(stateDir);
  }
  const { end } = await sc.turn(t.id, t.sessions[0].id, 'back in business');
  assert.equal(end.kind, 'turn_ended', 'with its folder back the agent works again');
});

test("the logs folder unwritable: provisioning names the setup script's log", async () => {
  const logs = join(dataDir, 'logs');
  rmSync(logs, { recursive: true });
  writeFileSync(logs, 'a file where the logs folder should be\n');
  try {
    await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: 'echo setting up' });
    const t = await idleTask('needs a log');
    assert.equal(t.status, 'error');
    assert.match(t.errorMessage, new RegExp(`^could not write the setup script's log ${join(logs, t.id)}-setup\\.log: ENOTDIR: `));
  } finally {
    await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: '' });
    rmSync(logs);
    mkdirSync(logs);
  }
});

test('an agent that fails with a bare "Internal error" has its real message kept', async () => {
  const t = await idleTask('fails', 'plain-error');
  const session = t.sessions[0];
  const failed = (await sc.transcript(session.id)).find((e) => e.sender === 'foundry' && e.payload.kind === 'turn_failed');
  assert.ok(failed, 'the first turn failed');
  assert.equal(failed.payload.text, 'Internal error: could not write /srv/agent-state/plain-1.json: ENOSPC: no space left on device');
});

test('a request failing inside the sidecar is an internal error naming the request and the cause', async () => {
  const t = await idleTask('broken worktree');
  writeFileSync(join(t.worktreePath, '.git'), 'not a gitdir line\n');
  await assert.rejects(sc.request(Requests.GetFileDiff.method, { taskId: t.id, path: 'README.md' }), (e) => {
    assert.equal(e.code, ErrorCodes.Internal);
    assert.match(e.message, new RegExp(`^foundry/getFileDiff failed: .*${join(t.worktreePath, '.git')}`));
    return true;
  });
});
