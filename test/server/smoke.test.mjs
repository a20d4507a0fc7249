import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSidecar, makeRepo, tempDir, agentText } from './harness.mjs';

test('a task provisions and its first turn echoes the prompt', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startSidecar({ dataDir: join(dir, 'data') });
  try {
    const repo = await sc.request('foundry/addRepo', { path: repoPath, setupScript: 'echo setting up' });
    const task = await sc.request('foundry/createTask', { repoId: repo.id, prompt: 'hello there friend' });
    assert.equal(task.status, 'init_enqueue_provision');
    const done = await sc.waitTask(task.id, 'idle');
    const events = await sc.transcript(done.sessions[0].id);
    assert.match(agentText(events), /hello there friend/);
  } finally {
    await sc.stop();
  }
});
