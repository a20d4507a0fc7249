// "Foundry: Install Agent" for Claude Code, which this run does not have (its own empty agents
// folder, nothing on PATH): the pinned adapter is installed from the npm registry (the one test of
// the suite that needs the network) under a progress notification fed by agentsUpdated pushes;
// once installed, the notice says it still lacks credentials and its Configure opens Configure
// Agent for Claude Code.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { answerPick, foundryView, notification, openFoundryView, runCommand } from '../harness/workbench.mjs';

test('Install Agent installs the pinned version with progress, then offers Configure', async (t) => {
  const f = await openFoundry(t, { env: { FOUNDRY_AGENTS_DIR: '', ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: '' } });
  const { page } = f;
  await openFoundryView(page);
  await foundryView(page).getByRole('button', { name: 'Create Task' }).waitFor({ state: 'visible' });

  await runCommand(page, 'Foundry: Install Agent');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Claude Code' }).first();
  await row.waitFor({ state: 'visible' });
  assert.match(await row.innerText(), /Claude Code is not installed/);
  await answerPick(page, 'Install which agent?', 'Claude Code');
  await notification(page, 'Installing Claude Code 0.16.2').waitFor({ state: 'visible' });
  await f.shot('install-agent-progress');

  const done = notification(page, 'Foundry: Claude Code is installed.');
  await done.waitFor({ state: 'visible', timeout: 120_000 });
  assert.ok(existsSync(join(f.dataDir, 'agents', 'claude@0.16.2', 'node_modules', '@zed-industries', 'claude-code-acp', 'package.json')), 'installed in D/agents/<id>@<version>');
  assert.match(await done.innerText(), /no credentials/, 'it says what is still missing');
  await done.getByRole('button', { name: 'Configure' }).click();
  // Configure Agent for that agent: straight to the credential.
  await answerPick(page, 'Set which credential? (Claude Code has no credentials', 'ANTHROPIC_API_KEY');
  await page.locator('.quick-input-widget .quick-input-box input[type="password"]').waitFor({ state: 'visible' });
});
