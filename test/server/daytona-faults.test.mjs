// A Daytona task under faults, at every one of its stages: the real @daytonaio/sdk against the
// loopback Daytona (test/fixtures/fakeDaytona.mjs), the real sandbox-agent binary and the demo
// agent in the sandbox.
// - kill -9 of the sidecar inside each stage in turn, one flow: the stage's own request is carried
//   out and its answer withheld (a crash before Foundry records it), the sidecar is killed, and the
//   next start resumes at that stage: one sandbox, every stage run exactly twice, nothing earlier
//   run again;
// - a 503 and a hang (past the request limit) at each stage: the task errors naming what failed,
//   and Retry resumes at that stage, with one sandbox in the end;
// - the sandbox lost mid-stage: the task says so, and Retry makes a new sandbox from the repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, agentText } from './harness.mjs';
import { startFakeDaytona } from '../fixtures/fakeDaytona.mjs';

const STAGES = ['init_allocate_sandbox', 'init_prepare_repo', 'init_run_setup', 'init_install_agent', 'init_start_agent', 'init_check_agent', 'init_create_session'];
/** Each stage's own request, as a fault route (with the script, for a command). */
const ROUTES = {
  init_allocate_sandbox: { route: 'POST /api/sandbox' },
  init_prepare_repo: { route: /^POST \/toolbox\/[^/]+\/files\/bulk-upload$/ },
  init_run_setup: { route: /^POST \/toolbox\/[^/]+\/process\/execute$/, script: /setup-marker/ },
  init_install_agent: { route: /^POST \/toolbox\/[^/]+\/process\/execute$/, script: /stat -c %s .*sandbox-agent/ },
  init_start_agent: { route: /^POST \/toolbox\/[^/]+\/process\/execute$/, script: /sandbox-agent server/ },
  init_check_agent: { route: /^GET \/api\/sandbox\/[^/]+\/ports\/\d+\/preview-url$/ },
  init_create_session: { route: /^POST \/preview\// },
};
/** What the task's error says for a 503 at each stage. */
const SAYS = {
  init_allocate_sandbox: /creating the sandbox failed \(503\)/,
  init_prepare_repo: /uploading .*repo\.bundle failed \(503\)/,
  init_run_setup: /running a command in the sandbox failed \(503\)/,
  init_install_agent: /running a command in the sandbox failed \(503\)/,
  init_start_agent: /running a command in the sandbox failed \(503\)/,
  init_check_agent: /reading the preview URL failed \(503\)/,
  init_create_session: /503/,
};

let dir, fake, sc, repo;
const start = async () => {
  const s = await startSidecar({ dataDir: join(dir, 'data'), options: { daytona: { apiUrl: fake.apiUrl, target: fake.target, requestTimeoutSeconds: 2 } } });
  await s.request(Requests.SetProviderCredentials.method, { provider: 'daytona', apiKey: fake.apiKey });
  return s;
};
const labelled = (taskId) => fake.sandboxes().filter((s) => s.labels['foundry.task'] === taskId);
/** Retry, then the task as it fails again: the waiter is there before the retry's push, so the old error is not taken for the new one. */
const retryUntil = async (taskId, statuses, timeoutMs = 60_000) => {
  const begun = sc.waitFor(() => sc.task(taskId)?.status !== 'error', 'the retry begun');
  await sc.request(Requests.RetryTask.method, { taskId });
  await begun;
  return sc.waitTask(taskId, statuses, timeoutMs);
};
const history = async (taskId) => (await sc.request(Requests.GetTaskLog.method, { taskId })).history ?? [];

before(async () => {
  dir = tempDir();
  fake = await startFakeDaytona({ root: join(dir, 'daytona'), env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '2' } });
  sc = await start();
  repo = await sc.request(Requests.AddRepo.method, { path: makeRepo(join(dir, 'repo')), provider: 'daytona', setupScript: 'echo setup ran > setup-marker.txt' });
});
after(async () => {
  await sc?.stop().catch(() => {});
  await fake?.stop();
  cleanup(dir);
});

test('kill -9 of the sidecar inside each Daytona stage in turn: each resumes where it was, with one sandbox', { timeout: 170_000 }, async () => {
  let t;
  for (const stage of STAGES) {
    const held = fake.fault({ ...ROUTES[stage], after: true });
    if (!t) t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello through every crash' });
    else sc = await start();
    await held.hit;
    await sc.waitTask(t.id, stage);
    await sc.kill9();
  }
  sc = await start();
  const idle = await sc.waitTask(t.id, ['idle', 'error'], 90_000);
  assert.equal(idle.status, 'idle', idle.errorMessage);
  assert.equal(labelled(t.id).length, 1, 'one sandbox through seven crashes');
  const started = (await history(t.id)).filter((h) => h.kind === 'stage_started').map((h) => h.stage);
  const order = ['init_ensure_name', ...STAGES];
  assert.deepEqual(started, started.toSorted((a, b) => order.indexOf(a) - order.indexOf(b)), `no stage ran again after a later one: ${started.join(' ')}`);
  for (const stage of STAGES) assert.equal(started.filter((s) => s === stage).length, 2, `${stage}: killed once, resumed once: ${started.join(' ')}`);
  assert.equal(readFileSync(join(labelled(t.id)[0].home, 'repo', 'setup-marker.txt'), 'utf8'), 'setup ran\n');
  assert.match(agentText(await sc.transcript(idle.sessions[0].id)), /hello through every crash/);
});

for (const kind of ['503', 'hang']) {
  test(`a Daytona ${kind === '503' ? 'that answers 503' : 'that never answers'} at each stage: the task errors saying what failed, and Retry resumes there`, { timeout: 170_000 }, async () => {
    fake.clearFaults();
    let t;
    // Past the 2 s request limit (a transfer's is ten times that; a quick command's its own limit
    // plus the request's). Left to the 503: the setup script, whose run may rightly take up to its
    // hour, and the session, whose agent link has its own 30 s limit on initialize.
    const stages = kind === 'hang' ? STAGES.filter((s) => s !== 'init_create_session' && s !== 'init_run_setup') : STAGES;
    for (const stage of stages) {
      fake.fault({ ...ROUTES[stage], ...(kind === 'hang' ? { hang: true } : { status: 503 }) });
      let failed;
      if (t) failed = await retryUntil(t.id, 'error');
      else {
        t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: `hello after ${kind}s` });
        failed = await sc.waitTask(t.id, 'error', 60_000);
      }
      assert.match(failed.errorMessage, kind === 'hang' ? /timed out after \d+ s/ : SAYS[stage], `${stage}: ${failed.errorMessage}`);
      assert.doesNotMatch(failed.errorMessage, new RegExp(fake.apiKey), 'the key is never in an error');
      const last = (await history(t.id)).filter((h) => h.kind === 'error').at(-1);
      assert.equal(last.stage, stage, `the error is ${stage}'s`);
    }
    const idle = await retryUntil(t.id, ['idle', 'error'], 90_000);
    assert.equal(idle.status, 'idle', idle.errorMessage);
    assert.equal(labelled(t.id).length, 1, 'one sandbox in the end');
  });
}

test('a sandbox lost mid-stage: the task says so, and Retry makes a new sandbox from the repository', { timeout: 120_000 }, async () => {
  fake.clearFaults();
  let lostId;
  fake.fault({
    ...ROUTES.init_run_setup,
    onHit: () => {
      lostId = fake.sandboxes().find((s) => s.labels['foundry.task'] === t.id).id;
      fake.lose(lostId);
    },
  });
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'hello again' });
  const failed = await sc.waitTask(t.id, 'error', 60_000);
  assert.match(failed.errorMessage, /is gone \(Daytona no longer has it\); Retry makes a new sandbox/);
  assert.equal(failed.sandbox.state, 'lost', 'the explorer shows it lost');
  const idle = await retryUntil(t.id, ['idle', 'error'], 90_000);
  assert.equal(idle.status, 'idle', idle.errorMessage);
  const boxes = labelled(t.id);
  assert.equal(boxes.length, 1, 'one live sandbox');
  assert.notEqual(boxes[0].id, lostId, 'a new one, made from the repository');
  assert.equal(idle.sandbox.id, boxes[0].id);
  assert.equal(readFileSync(join(boxes[0].home, 'repo', 'setup-marker.txt'), 'utf8'), 'setup ran\n');
});
