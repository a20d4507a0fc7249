// A real agent in a Daytona sandbox: the pinned Claude Code behind the real sandbox-agent in a
// sandbox of the loopback Daytona (test/fixtures/fakeDaytona.mjs; its image has the agent
// installed, as a Daytona snapshot would), against the loopback fake model. From createTask
// through every stage to Claude's own edit in the sandbox after a permission granted from
// Foundry, shown as a change; no key in the data folder or the sidecar's log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, agentText, agentsDir } from './harness.mjs';
import { startFakeDaytona } from '../fixtures/fakeDaytona.mjs';
import { startFakeModel } from '../fixtures/fakeModel/server.mjs';
import { filesContaining } from './files.mjs';

/** The sandboxes' image (filled in once the pinned version is known): the ACP adapter, and the Claude Code CLI sandbox-agent looks for as `claude` beside it. */
const IMAGE = {};
const installClaude = (version) => {
  const modules = join(agentsDir, `claude@${version}`, 'node_modules');
  IMAGE.launchers = { claude: [process.execPath, realpathSync(join(modules, '.bin', 'claude-code-acp'))] };
  IMAGE.bins = { claude: [process.execPath, join(modules, '@anthropic-ai', 'claude-agent-sdk', 'cli.js')] };
};
const KEY = 'fake-key-claude-in-daytona-0123456789';
let dir, fake, model, sc, repo;

before(async () => {
  dir = tempDir();
  model = await startFakeModel();
  fake = await startFakeDaytona({ root: join(dir, 'daytona'), image: IMAGE });
  sc = await startSidecar({
    dataDir: join(dir, 'data'),
    options: {
      defaultAgent: 'claude',
      daytona: { apiUrl: fake.apiUrl, target: fake.target },
      // The sandbox keeps its own HOME: only the model's address goes in.
      agentEnv: { claude: { ANTHROPIC_BASE_URL: model.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' } },
    },
  });
  const claude = (await sc.request(Requests.ListAgents.method, {})).agents.find((a) => a.id === 'claude');
  assert.ok(claude?.installed, `the pinned Claude Code is installed in ${agentsDir} (scripts/setup.sh)`);
  installClaude(claude.version);
  await sc.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: fake.apiKey });
  const info = await sc.request(Requests.SetCredentials.method, { agentId: 'claude', env: { ANTHROPIC_API_KEY: KEY } });
  assert.equal(info.ready, true, info.reason);
  repo = await sc.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'repo')), provider: 'daytona' });
});
after(async () => {
  await sc?.stop().catch(() => {});
  await fake?.stop();
  await model?.close();
  cleanup(dir);
});

test('Claude Code in a Daytona sandbox: every stage, then its own edit after a permission from Foundry, shown as a change', { timeout: 170_000 }, async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello from the sandbox' });
  const idle = await sc.waitTask(t.id, ['idle', 'error'], 120_000);
  assert.equal(idle.status, 'idle', idle.errorMessage ?? idle.sessions[0]?.errorMessage);
  const s = idle.sessions[0];
  const started = ((await sc.request(Requests.GetTaskLog.method, { taskId: t.id })).history ?? []).filter((h) => h.kind === 'stage_started').map((h) => h.stage);
  assert.deepEqual(started, ['init_ensure_name', 'init_allocate_sandbox', 'init_prepare_repo', 'init_run_setup', 'init_install_agent', 'init_start_agent', 'init_check_agent', 'init_create_session']);
  const [box] = fake.sandboxes().filter((b) => b.labels['foundry.task'] === t.id);
  assert.ok(box, 'its sandbox');

  await sc.request(Requests.SubscribeSession.method, { sessionId: s.id });
  await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'WRITE notes/claude.txt written by claude in the sandbox' });
  const waiting = await sc.waitSession(t.id, s.id, 'needs_input', 90_000);
  assert.ok(waiting.pendingPermission.options.some((o) => o.optionId === 'allow'), JSON.stringify(waiting.pendingPermission));
  await sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId: waiting.pendingPermission.requestId, optionId: 'allow' });
  await sc.waitFor(() => sc.session(t.id, s.id)?.status === 'ready' && sc.session(t.id, s.id)?.queue.length === 0, 'the turn over', 90_000);

  assert.match(readFileSync(join(box.home, 'repo', 'notes', 'claude.txt'), 'utf8'), /written by claude in the sandbox/, 'Claude wrote in the sandbox');
  await sc.waitFor(() => sc.state.tasks.get(t.id)?.changes.files >= 1, 'the edit in the changes projection', 30_000);
  const changes = await sc.request(Requests.GetFileChanges.method, { taskId: t.id });
  assert.ok(changes.files.some((f) => f.path === 'notes/claude.txt'), JSON.stringify(changes.files));
  assert.ok(agentText(await sc.transcript(s.id)).length > 0);
  assert.deepEqual(filesContaining(join(dir, 'data'), KEY), [], 'the agent key is in no file of the data folder');
  assert.deepEqual(filesContaining(join(dir, 'data'), fake.apiKey), [], 'nor the Daytona key');
  assert.doesNotMatch(sc.stderr, new RegExp(KEY));
});
