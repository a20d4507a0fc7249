// The harness itself: a real VS Code starts with Foundry installed, and the Foundry view renders.
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { waitForLogLine } from '../harness/logs.mjs';
import { foundryView, openFoundryView } from '../harness/workbench.mjs';

test('the Foundry view opens in a real VS Code with the extension installed', async (t) => {
  const started = performance.now();
  const f = await openFoundry(t);
  t.diagnostic(`workbench ready in ${Math.round(performance.now() - started)} ms`);
  await openFoundryView(f.page);
  // With no tasks yet the view offers to create one (its welcome content).
  const create = foundryView(f.page).getByRole('button', { name: 'Create Task' });
  await create.waitFor({ state: 'visible' });
  t.diagnostic(`Foundry view with "Create Task" in ${Math.round(performance.now() - started)} ms`);
  await f.shot('smoke-foundry-view');
  // Activation cost as the extension measured it, from its log channel.
  const [, ms] = await waitForLogLine(f.dirs.userData, /Foundry activated in (\d+) ms/);
  t.diagnostic(`extension activation: ${ms} ms`);
  console.log(`# activation: ${ms} ms`);
});
