// The instant sandbox pool in a real VS Code: with `foundry.pool.size` 1, the explorer shows the
// repository's ready worktree, and a task created from the palette takes it: it is ready with the
// setup script already run (in the pool, with FOUNDRY_POOL=1), never running it again itself.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';
import { createTask, IDLE, openFoundryView, waitForTreeDescription } from '../harness/workbench.mjs';

const SETUP = `#!/bin/sh
echo "pool=\${FOUNDRY_POOL:-0} task=\${FOUNDRY_TASK_ID:-none}" >> "$FOUNDRY_E2E_SETUP_LOG"
echo "setup: dependencies installed"
`;

test('with a pool of 1, a task created from the palette is ready with its setup already run; the explorer shows the pool', async (t) => {
  const logDir = mkdtempSync(join(tmpdir(), 'foundry-e2e-pool-'));
  t.after(() => rmSync(logDir, { recursive: true, force: true }));
  const setupLog = join(logDir, 'setup-runs.log');
  const runs = () => readFileSync(setupLog, 'utf8').split('\n').filter(Boolean);
  const f = await openFoundry(t, { setupScript: SETUP, settings: { 'foundry.pool.size': 1 }, env: { FOUNDRY_E2E_SETUP_LOG: setupLog } });
  const { page } = f;
  await openFoundryView(page);

  // The first task registers the repository; it gets a fresh worktree, and the pool fills behind it.
  await createTask(page, 'First task, before the pool', { branch: 'e2e/first' });
  await waitForTreeDescription(page, 'sample-repo', /pool 1\/1 ready/, { timeout: 60_000 });
  await f.shot('pool-ready');
  const before = runs();
  assert.equal(before.filter((l) => l === 'pool=1 task=none').length, 1, `one pool setup ran: ${before.join(' | ')}`);

  // The second takes the ready worktree: idle without a setup run of its own.
  await createTask(page, 'Second task, from the pool', { branch: 'e2e/pooled' });
  const worktree = worktreeOf(f.repoPath, 'e2e/pooled');
  assert.match(worktree, /\/worktrees\/pool_[0-9a-f]+$/, 'the task works in the pool worktree, renamed to its branch');
  const own = runs().filter((l) => l.startsWith('pool=0'));
  assert.equal(own.length, 1, `only the first task ran the setup script itself: ${runs().join(' | ')}`);
  // The pool refills for the next task.
  await waitForTreeDescription(page, 'sample-repo', /pool 1\/1 ready/, { timeout: 60_000 });
  await waitForTreeDescription(page, 'Second task, from the pool', IDLE);
  assert.equal(runs().filter((l) => l === 'pool=1 task=none').length, 2);
});
