// Agents start with a clean environment (server/src/agents/agentEnv.ts): the sidecar's own
// FOUNDRY_* variables stay behind, run markers go along, ELECTRON_RUN_AS_NODE only to an agent on
// the sidecar's own executable, and the state folder only to the demo agent. Read from
// /proc/<pid>/environ of the running agent processes, found through the sidecar's processes table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, serverJs } from './harness.mjs';
import { queryDb } from './files.mjs';

const sidecarEnv = {
  FOUNDRY_TEST_SECRET: 'must-not-reach-agents',
  FOUNDRY_DATA_DIR: '/somewhere/internal',
  FOUNDRY_E2E_RUN: 'run-marker-123',
  FOUNDRY_DEMO_RUN: 'demo-marker-456',
  FOUNDRY_DEMO_CHUNK_DELAY_MS: '0',
  ELECTRON_RUN_AS_NODE: '1', // as when the sidecar runs on the editor's Electron
  AGENT_ENV_TEST_USER_VAR: 'the user keeps this',
};

let dir, sc, repo;
before(async () => {
  dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({
    dataDir: join(dir, 'data'),
    env: { ...sidecarEnv, FOUNDRY_TRAFFIC_LOG: join(dir, 'traffic.log') },
    options: {
      agents: {
        // The demo agent again, but started through /bin/sh (which execs it in place): an agent
        // that is not on the sidecar's executable, with a definition of its own.
        shell: {
          command: '/bin/sh',
          args: ['-c', 'exec "$0" "$1"', process.execPath, join(serverJs, '..', 'demo-agent.js')],
          env: { TMPDIR: join(dir, 'shell-agent-tmp'), FROM_DEFINITION: 'yes' },
        },
      },
    },
  });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

/** The environment of the agent process of `agent`'s first session, once its task is idle. */
async function agentEnvironment(agent) {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `hello from ${agent}`, agent });
  const idle = await sc.waitTask(t.id, ['idle', 'error']);
  assert.equal(idle.status, 'idle', idle.errorMessage);
  const rows = queryDb(join(sc.dataDir, 'foundry.db'), "SELECT pgid FROM processes WHERE owner = ? AND kind = 'agent'", idle.sessions[0].id);
  assert.equal(rows.length, 1, 'one live agent process for the session');
  const entries = readFileSync(`/proc/${rows[0].pgid}/environ`, 'utf8').split('\0').filter(Boolean);
  assert.match(readFileSync(`/proc/${rows[0].pgid}/cmdline`, 'utf8'), /demo-agent\.js/, 'it is the agent process');
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

function assertNoInternals(env) {
  for (const name of ['FOUNDRY_TRAFFIC_LOG', 'FOUNDRY_TEST_SECRET', 'FOUNDRY_DATA_DIR']) assert.equal(env[name], undefined, `${name} reached the agent`);
  assert.deepEqual(Object.keys(env).filter((n) => n.startsWith('FOUNDRY_TEST')), []);
  assert.equal(env.FOUNDRY_E2E_RUN, 'run-marker-123', 'the e2e run marker goes along');
  assert.equal(env.FOUNDRY_DEMO_RUN, 'demo-marker-456', "scripts/start.sh's run marker goes along");
  assert.equal(env.AGENT_ENV_TEST_USER_VAR, 'the user keeps this');
  assert.equal(env.PATH, process.env.PATH);
}

test('the demo agent: no internals, ELECTRON_RUN_AS_NODE, its state folder and its settings', async () => {
  const env = await agentEnvironment('demo');
  assertNoInternals(env);
  assert.equal(env.ELECTRON_RUN_AS_NODE, '1', 'it runs on the sidecar executable');
  assert.equal(env.FOUNDRY_DEMO_STATE_DIR, join(sc.dataDir, 'agents', 'demo'));
  assert.equal(env.FOUNDRY_DEMO_CHUNK_DELAY_MS, '0');
});

test('another agent: no internals, no ELECTRON_RUN_AS_NODE, no demo state or settings, its own env', async () => {
  const env = await agentEnvironment('shell');
  assertNoInternals(env);
  assert.equal(env.ELECTRON_RUN_AS_NODE, undefined);
  assert.equal(env.FOUNDRY_DEMO_STATE_DIR, undefined);
  assert.equal(env.FOUNDRY_DEMO_CHUNK_DELAY_MS, undefined);
  assert.equal(env.FROM_DEFINITION, 'yes');
  assert.equal(env.TMPDIR, join(dir, 'shell-agent-tmp'));
});
