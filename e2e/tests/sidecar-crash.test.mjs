// The sidecar dies (kill -9): Foundry tells the user once, with Show Logs, restarts it,
// bootstraps again, and the workbench keeps working - tasks still listed, new ones created.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { waitForLogLine } from '../harness/logs.mjs';
import { killPids, processesWithMarker } from '../harness/processes.mjs';
import { createTask, IDLE, notification, openFoundryView, waitForTreeDescription } from '../harness/workbench.mjs';

const sidecars = (token) => processesWithMarker(token).filter((p) => p.cmdline.includes('dist/server.js') && p.cmdline.includes('--listen'));

test('a crashed sidecar is restarted, the user is told once, and work goes on', async (t) => {
  const f = await openFoundry(t);
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, 'Before the crash');
  const [before] = sidecars(f.token);
  assert.ok(before, 'the sidecar runs');

  killPids([before.pid]);
  const toast = notification(page, 'The Foundry sidecar stopped unexpectedly');
  await toast.waitFor({ state: 'visible' });
  assert.equal(await toast.getByRole('button', { name: 'Show Logs' }).count(), 1, 'the notice offers Show Logs');
  await f.shot('sidecar-crash-notice');

  // It comes back on its own after the backoff: the extension logs the restart it scheduled and
  // then a sidecar started and bootstrapped after it. (The status bar reads the same both before
  // the crash and after the restart, and its "starting" lasts only the ~1 s backoff, so it cannot
  // tell by itself that the restart happened.)
  await waitForLogLine(f.dirs.userData, /Restarting in \d+ ms[\s\S]*Sidecar ready in \d+ ms/, 30_000);
  // The first turn ended with no tab open: its session is unread, so the status bar counts it.
  await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*Foundry: 1 needs you\s*$/ }).waitFor({ state: 'visible' });
  const restarted = sidecars(f.token);
  assert.equal(restarted.length, 1, `exactly one sidecar runs after the restart: ${restarted.map((p) => p.pid).join(', ')}`);
  assert.notEqual(restarted[0].pid, before.pid, 'it is a new sidecar process');
  // ...bootstrapped again: the old task is listed, and a new one provisions.
  await waitForTreeDescription(page, 'Before the crash', IDLE);
  await createTask(page, 'After the crash');
  assert.deepEqual(sidecars(f.token).map((p) => p.pid), [restarted[0].pid], 'still exactly that one sidecar');
  assert.equal(await notification(page, 'The Foundry sidecar stopped unexpectedly').count(), 1, 'told once');
});
