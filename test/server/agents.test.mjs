// The agent registry through the contract: foundry/listAgents names every agent with its pinned
// version and whether it is installed and ready, and why not; a task whose agent is missing
// fails at init_ensure_agent with the way out; foundry/installAgent installs the pinned version
// into the agents folder with npm's own library, as a background job whose progress is pushed,
// and retries the task that waited on it; credentials are kept in memory and make an agent ready.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';

const dirs = [];
after(() => cleanup(...dirs));

/** A sidecar whose agents folder is empty and whose PATH holds no agent adapter. */
async function bareSidecar(extraEnv = {}) {
  const dir = tempDir();
  dirs.push(dir);
  const agentsDir = join(dir, 'agents');
  const sc = await startSidecar({
    dataDir: join(dir, 'data'),
    env: { FOUNDRY_AGENTS_DIR: agentsDir, PATH: '/usr/bin:/bin', ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', HOME: join(dir, 'home'), ...extraEnv },
  });
  const repo = await sc.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'repo')) });
  return { sc, dir, agentsDir, repo };
}

test('listAgents: the built-ins with their pinned versions; missing ones say how to get them', async () => {
  const { sc } = await bareSidecar();
  try {
    const { agents } = await sc.request(Requests.ListAgents.method, {});
    assert.deepEqual(agents.map((a) => a.id), ['demo', 'claude', 'codex', 'gemini', 'opencode']);
    const byId = Object.fromEntries(agents.map((a) => [a.id, a]));
    assert.equal(byId.demo.ready, true);
    assert.equal(byId.demo.source, 'bundled');
    assert.equal(byId.claude.version, '0.16.2');
    assert.equal(byId.codex.version, '0.16.0');
    for (const id of ['claude', 'codex', 'gemini', 'opencode']) {
      assert.equal(byId[id].installed, false, id);
      assert.equal(byId[id].ready, false, id);
      assert.equal(byId[id].action, 'install', id);
      assert.match(byId[id].reason, /is not installed/, id);
    }
    assert.deepEqual(byId.claude.credentialVars.slice(0, 1), ['ANTHROPIC_API_KEY']);
    await assert.rejects(sc.request(Requests.InstallAgent.method, { agentId: 'nope' }), (e) => e.code === ErrorCodes.NotFound && /agent not found: nope/.test(e.message));
    await assert.rejects(sc.request(Requests.InstallAgent.method, { agentId: 'demo' }), (e) => e.code === ErrorCodes.InvalidState);
    await assert.rejects(sc.request(Requests.SetCredentials.method, { agentId: 'claude', env: { 'BAD NAME': 'x' } }), (e) => e.code === ErrorCodes.InvalidParams && /env/.test(e.message));
  } finally {
    await sc.stop();
  }
});

test('a task on a missing agent fails at init_ensure_agent with the way out; installing it retries the task', { timeout: 240_000 }, async () => {
  const { sc, agentsDir, repo } = await bareSidecar();
  try {
    const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hi', agent: 'claude' });
    const failed = await sc.waitTask(t.id, 'error');
    assert.match(failed.errorMessage, /Claude Code is not installed/);

    const queued = await sc.request(Requests.InstallAgent.method, { agentId: 'claude' });
    assert.equal(queued.install.status, 'queued', 'returns at once with the job queued');
    const installed = await sc.waitFor(() => sc.state.agents?.find((a) => a.id === 'claude' && a.installed), 'claude installed', 200_000);
    assert.equal(installed.source, 'installed');
    assert.ok(sc.state.agentsLog.some((p) => p.agents.find((a) => a.id === 'claude')?.install?.status === 'installing'), 'progress was pushed');
    const pkg = JSON.parse(readFileSync(join(agentsDir, 'claude@0.16.2', 'node_modules', '@zed-industries', 'claude-code-acp', 'package.json'), 'utf8'));
    assert.equal(pkg.version, '0.16.2', 'the pinned version, in D/agents/<id>@<version>');
    assert.equal(existsSync(join(agentsDir, `claude@0.16.2.partial-${process.pid}`)), false);
    // Installed but no credentials: not ready, and it says which.
    assert.equal(installed.ready, false);
    assert.equal(installed.action, 'set_credentials');
    assert.match(installed.reason, /ANTHROPIC_API_KEY/);

    // Credentials (memory only) make it ready and retry the task that waited on the agent.
    const ready = await sc.request(Requests.SetCredentials.method, { agentId: 'claude', env: { ANTHROPIC_API_KEY: 'sk-test-not-real-123456' } });
    assert.equal(ready.ready, true);
    await sc.waitFor(() => sc.task(t.id)?.status !== 'error', 'task retried');
    const cleared = await sc.request(Requests.SetCredentials.method, { agentId: 'claude', env: {} });
    assert.equal(cleared.ready, false);
  } finally {
    await sc.stop();
  }
});
