// A settled workbench is silent: once no job is queued and no turn runs, no message crosses
// the connection either way for 10 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';

test('settled tasks: the sidecar sends nothing for 10 s', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startSidecar({ dataDir: join(dir, 'data'), options: { agentIdleStopMs: 1000 } });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath, setupScript: 'echo setup' });
    // The counter first sees a known action's traffic...
    const atStart = sc.traffic.in + sc.traffic.out;
    const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'write notes.txt\nhello\nend\nsettle down', mode: 'accept_edits' });
    await sc.waitTask(task.id, 'idle');
    await sc.waitFor(() => sc.task(task.id).changes.files === 1, 'changes projected');
    await sc.settle();
    assert.ok(sc.traffic.in + sc.traffic.out > atStart + 3, 'the action produced traffic');
    // ...then stays still while everything is settled (including the agent's idle stop at 1 s).
    const settled = sc.traffic.in + sc.traffic.out;
    const seen = sc.traffic.methods.length;
    await new Promise((r) => setTimeout(r, 10_000)); // the 10 s window is the measurement itself
    assert.deepEqual(sc.traffic.methods.slice(seen), [], 'no message crossed the connection');
    assert.equal(sc.traffic.in + sc.traffic.out, settled);
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});
