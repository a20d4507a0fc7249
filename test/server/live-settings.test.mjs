// A listening sidecar applies D/settings.json again when a client rewrites it (atomically, as the
// extension does): the agents' non-secret environment (`foundry.agents`) reaches agent processes
// started afterwards, and an agent whose credential variable it now carries turns ready (pushed
// as foundry/agentsUpdated), without a sidecar restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { agentsDir, cleanup, makeRepo, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';
import { queryDb } from './files.mjs';

const dir = tempDir();
after(() => cleanup(dir));

function writeSettings(dataDir, settings) {
  const file = join(dataDir, 'settings.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(settings));
  renameSync(`${file}.tmp`, file);
}

test('a rewritten settings.json applies the agents\' environment at once', async () => {
  const dataDir = join(dir, 'data');
  const sidecar = await startListening({
    dataDir,
    settings: { agentIdleStopMs: 60_000 },
    env: { FOUNDRY_AGENTS_DIR: agentsDir, HOME: join(dir, 'home'), ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: '' },
  });
  assert.ok(sidecar.report.ready, JSON.stringify(sidecar.report));
  const client = await sidecar.connect();
  try {
    const { agents } = await client.request(Requests.ListAgents.method, {});
    const claude = agents.find((a) => a.id === 'claude');
    assert.equal(claude.installed, true, 'the pinned Claude Code adapter is in .cache/agents (scripts/setup.sh)');
    assert.equal(claude.action, 'set_credentials', claude.reason);

    writeSettings(dataDir, { agentIdleStopMs: 60_000, agentEnv: { demo: { LIVE_SETTING_VAR: 'from-settings' }, claude: { ANTHROPIC_AUTH_TOKEN: 'gateway-token-1' } } });
    const ready = await client.waitFor(() => client.state.agents?.find((a) => a.id === 'claude' && a.ready), 'claude ready after the settings changed');
    assert.equal(ready.action, undefined);

    const repo = await client.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'repo')) });
    const task = await client.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello', agent: 'demo' });
    const idle = await client.waitTask(task.id, ['idle', 'error']);
    assert.equal(idle.status, 'idle', idle.errorMessage);
    const [row] = queryDb(join(dataDir, 'foundry.db'), "SELECT pgid FROM processes WHERE owner = ? AND kind = 'agent'", idle.sessions[0].id);
    const environ = readFileSync(`/proc/${row.pgid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('LIVE_SETTING_VAR=from-settings'), 'the demo agent process got the variable from the rewritten settings');
  } finally {
    await client.disconnect();
    await sidecar.kill();
  }
});
