// Version skew, tested with two builds: a newer client hands the running (older) sidecar over;
// it drains at a durable boundary and exits, and the newer sidecar resumes its jobs. An older
// client can never hand over a sidecar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { cleanup, makeRepo, root, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';
import { queryDb, waitForFile } from './files.mjs';

const NEWER = '99.0.0';
let buildDir;
before(() => {
  // The same sources stamped as a newer version, next to the root's node_modules.
  buildDir = tempDir('foundry-newer-build-');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, env: { ...process.env, FOUNDRY_BUILD_VERSION: NEWER, FOUNDRY_BUILD_OUTDIR: join(buildDir, 'dist') }, stdio: 'pipe' });
  symlinkSync(join(root, 'node_modules'), join(buildDir, 'node_modules'));
});
after(() => cleanup(buildDir));

test('a newer client hands the sidecar over mid-setup; the newer sidecar finishes the task', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  const gate = join(dir, 'gate');
  const started = join(dir, 'started');
  const setupScript = `touch ${started}; while [ ! -f ${gate} ]; do sleep 0.02; done`;
  const old = await startListening({ dataDir });
  let next;
  try {
    const oldClient = await old.connect({ clientInfo: { name: 'old window' } });
    const oldVersion = oldClient.init.foundry.version;
    const repo = await oldClient.request(Requests.AddRepo.method, { path: repoPath, setupScript });
    const task = await oldClient.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'across versions' });
    await waitForFile(started);

    // Same or older version: refused, nothing drains.
    await assert.rejects(oldClient.request(Requests.HandOver.method, { version: oldVersion }), (e) => e.code === ErrorCodes.InvalidState && /only a client newer than/.test(e.message));
    await assert.rejects(oldClient.request(Requests.HandOver.method, { version: '0.0.1', reason: 'restart' }), (e) => e.code === ErrorCodes.InvalidState);
    await assert.rejects(oldClient.request(Requests.HandOver.method, { version: 'latest' }), (e) => e.code === ErrorCodes.InvalidParams && /version/.test(e.message));

    const newClient = await old.connect({ clientInfo: { name: 'new window', version: NEWER } });
    assert.deepEqual(await newClient.request(Requests.HandOver.method, { version: NEWER }), { draining: true });
    const { code } = await old.exited;
    assert.equal(code, 0);
    assert.match(old.stderr, /takes over \(update\): draining/);
    const row = queryDb(join(dataDir, 'foundry.db'), 'SELECT status, status_message FROM tasks WHERE id = ?', task.id)[0];
    assert.deepEqual(row, { status: 'init_create_sandbox', status_message: 'Interrupted, resuming' });

    next = await startListening({ dataDir, server: join(buildDir, 'dist', 'server.js') });
    const c = await next.connect();
    assert.equal(c.init.foundry.version, NEWER);
    writeFileSync(gate, '');
    await c.waitTask(task.id, 'idle', 30_000);
    await c.disconnect();
  } finally {
    await old.kill();
    await next?.kill();
    cleanup(dir);
  }
});
