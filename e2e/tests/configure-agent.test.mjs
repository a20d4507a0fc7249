// "Foundry: Configure Agent" for Claude Code: the key typed into a password box goes to VS Code's
// secret storage and to the sidecar, which then reports Claude Code ready (the agent picker shows
// it without a reason). The key is nowhere in the data folder, the logs, the settings or either
// traffic log. After a window reload and after "Restart Sidecar" (a new sidecar, which keeps
// credentials in memory only) Claude Code is still ready: the window gave the stored key again,
// before anything else reached the new sidecar.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { waitForLogLine } from '../harness/logs.mjs';
import { ROOT } from '../harness/paths.mjs';
import { processesWithMarker } from '../harness/processes.mjs';
import { readTraffic } from '../harness/traffic.mjs';
import { waitForDir } from '../../test/waitFor.mjs';
import { answerInput, answerPick, foundryView, notification, openFoundryView, pickFocused, runCommand, waitForTreeDescription } from '../harness/workbench.mjs';

const KEY = `sk-ant-e2e-${randomUUID()}`;
/**
 * The pinned Claude Code adapter (scripts/setup.sh) is installed; no key in the environment and no
 * login in the run's own HOME: it lacks credentials.
 */
const NO_CLAUDE_KEY = { FOUNDRY_AGENTS_DIR: join(ROOT, '.cache', 'agents'), ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: '' };
const sidecars = (token) => processesWithMarker(token).filter((p) => p.cmdline.includes('dist/server.js') && p.cmdline.includes('--listen'));

/** Files under `dir` (recursively) whose bytes contain `needle`. */
function filesContaining(dir, needle) {
  if (!existsSync(dir)) return [];
  const hits = [];
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    const file = join(dir, rel);
    try {
      if (statSync(file).isFile() && readFileSync(file).includes(needle)) hits.push(file);
    } catch {
      // Removed while we looked (a socket, a temp file).
    }
  }
  return hits;
}

/** The Claude Code row of the Configure Agent picker, as the user sees it; the picker is closed after. */
async function claudeRowText(page) {
  await runCommand(page, 'Foundry: Configure Agent');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Claude Code' }).first();
  await row.waitFor({ state: 'visible' });
  const text = await row.innerText();
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  return text;
}

/** Polls the sidecar's traffic log (appended to by every sidecar of the run) until `pred(lines)` holds. */
async function waitForTraffic(path, pred, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = readTraffic(path);
    if (pred(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`traffic log: no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('Configure Agent stores the key in secret storage only, and every new connection gives it again', async (t) => {
  const clientTraffic = join(process.env.TMPDIR ?? '/tmp', `foundry-client-traffic-${randomUUID()}.log`);
  t.after(() => rmSync(clientTraffic, { force: true }));
  const f = await openFoundry(t, {
    // The language client's message trace, with params, into the Foundry log (once its level is
    // Trace, below): the most a user can ask to be logged. The key must not show there either.
    settings: { 'foundry.trace.server': 'verbose' },
    env: { ...NO_CLAUDE_KEY, FOUNDRY_CLIENT_TRAFFIC_LOG: clientTraffic },
  });
  const { page } = f;
  await openFoundryView(page);
  await foundryView(page).getByRole('button', { name: 'Create Task' }).waitFor({ state: 'visible' });

  assert.match(await claudeRowText(page), /has no credentials: set ANTHROPIC_API_KEY/, 'before: Claude Code says what it lacks');
  await runCommand(page, 'Developer: Set Log Level');
  await pickFocused(page, 'Foundry');
  await answerPick(page, 'Select log level', 'Trace');

  await runCommand(page, 'Foundry: Configure Agent');
  await answerPick(page, 'Configure which agent?', 'Claude Code');
  await answerPick(page, 'Set which credential?', 'ANTHROPIC_API_KEY');
  const password = page.locator('.quick-input-widget .quick-input-box input[type="password"]');
  await password.waitFor({ state: 'visible' });
  await answerInput(page, 'ANTHROPIC_API_KEY for Claude Code', KEY);
  await notification(page, 'Foundry: Claude Code is ready.').waitFor({ state: 'visible' });
  await f.shot('configure-agent-ready');
  const row = await claudeRowText(page);
  assert.doesNotMatch(row, /no credentials/, `after: Claude Code is ready (${row})`);

  const [first] = sidecars(f.token);
  assert.ok(first, 'the sidecar runs');
  const lines = readTraffic(f.trafficLog);
  assert.equal(lines.filter((l) => l.direction === 'in' && l.method === 'foundry/setCredentials').length, 1, 'the key went to the sidecar once');

  // A reload: the new window connection gives the stored key again before it bootstraps.
  const beforeReload = readTraffic(f.trafficLog).length;
  await f.reload();
  await openFoundryView(page);
  await waitForTraffic(f.trafficLog, (all) => all.slice(beforeReload).some((l) => l.method === 'foundry/getWorkbench'), 'bootstrap after the reload');
  assert.doesNotMatch(await claudeRowText(page), /no credentials/, 'after a reload: still ready');
  assertSentBeforeBootstrap(readTraffic(f.trafficLog).slice(beforeReload), 'after the reload');

  // A new sidecar: it starts without credentials; the window gives them before anything else.
  const beforeRestart = readTraffic(f.trafficLog).length;
  await runCommand(page, 'Foundry: Restart Sidecar');
  const afterRestart = await waitForTraffic(
    f.trafficLog,
    (all) => all.slice(beforeRestart).some((l) => l.direction === 'in' && l.method === 'foundry/getWorkbench') && sidecars(f.token).some((p) => p.pid !== first.pid),
    'bootstrap of a new sidecar',
  );
  assert.notEqual(sidecars(f.token)[0]?.pid, first.pid, 'a new sidecar process');
  assertSentBeforeBootstrap(afterRestart.slice(beforeRestart), 'after the restart');
  assert.doesNotMatch(await claudeRowText(page), /no credentials/, 'after a sidecar restart: still ready');

  const leaks = [
    ...filesContaining(f.dataDir, KEY),
    ...filesContaining(join(f.dirs.userData, 'logs'), KEY),
    ...filesContaining(join(f.dirs.userData, 'User'), KEY),
    ...filesContaining(f.dirs.home, KEY),
    ...[f.trafficLog, clientTraffic].filter((file) => existsSync(file) && readFileSync(file).includes(KEY)),
  ];
  assert.deepEqual(leaks, [], 'the key is in no file of the data folder, the logs, the settings, HOME or the traffic logs');
  assert.ok(readTraffic(clientTraffic).some((l) => l.method === 'foundry/setCredentials'), 'the client traffic log saw the requests it must not reveal');
  // The trace did log the requests' params, with the key redacted.
  await waitForLogLine(f.dirs.userData, /Sending request 'foundry\/setCredentials[^\n]*\n[^]*?"ANTHROPIC_API_KEY": "\*\*\*"/);
});

test('Create Task on an agent without credentials: the picker says why, the failed task offers "Set API key", the key starts it; a base URL goes to the settings', async (t) => {
  const f = await openFoundry(t, { env: NO_CLAUDE_KEY });
  const { page } = f;
  const prompt = 'A task for Claude Code';
  await openFoundryView(page);
  await foundryView(page).getByRole('button', { name: 'Create Task' }).waitFor({ state: 'visible' });

  await runCommand(page, 'Foundry: Create Task');
  await answerInput(page, 'What should the agent do?', prompt);
  await answerInput(page, 'Branch name', '');
  const claude = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Claude Code' }).first();
  await claude.waitFor({ state: 'visible' });
  assert.match(await claude.innerText(), /has no credentials/, 'the picker shows why Claude Code is not ready');
  await answerPick(page, 'Which agent works on the task?', 'Claude Code');
  // Picking it offers the fix; the user creates the task anyway.
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.getByRole('button', { name: 'Set API key' }).waitFor({ state: 'visible' });
  await dialog.getByRole('button', { name: 'Create Anyway' }).click();

  await waitForTreeDescription(page, prompt, 'Error');
  const notice = notification(page, `"${prompt}" failed: Claude Code has no credentials`);
  await notice.waitFor({ state: 'visible' });
  await f.shot('configure-agent-failure-notice');
  await notice.getByRole('button', { name: 'Set API key' }).click();
  // The notice ran Configure Agent for Claude Code: no agent to pick.
  await answerPick(page, 'Set which credential? (Claude Code has no credentials', 'ANTHROPIC_API_KEY');
  await answerInput(page, 'ANTHROPIC_API_KEY for Claude Code', KEY);
  await notification(page, 'Foundry: Claude Code is ready.').waitFor({ state: 'visible' });
  // The sidecar retries the task that waited on its agent.
  await waitForTreeDescription(page, prompt, /^(?!Error$)/);

  // A gateway's base URL is not secret: it goes into foundry.agents, which the window writes to
  // D/settings.json and the running sidecar applies at once.
  const gateway = 'http://127.0.0.1:9/e2e-gateway';
  await runCommand(page, 'Foundry: Configure Agent');
  await answerPick(page, 'Configure which agent?', 'Claude Code');
  await answerPick(page, 'Set which credential?', 'Gateway base URL');
  await answerInput(page, "ANTHROPIC_BASE_URL: the gateway's base URL", gateway);
  const settingsFile = join(f.dataDir, 'settings.json');
  await waitForDir(f.dataDir, () => readFileSync(settingsFile, 'utf8').includes(gateway), 'the base URL in settings.json');
  assert.deepEqual(JSON.parse(readFileSync(settingsFile, 'utf8')).agentEnv, { claude: { ANTHROPIC_BASE_URL: gateway } });
  const sidecarLog = join(f.dataDir, 'logs', 'sidecar.log');
  await waitForDir(join(f.dataDir, 'logs'), () => /settings\.json changed: applying/.test(readFileSync(sidecarLog, 'utf8')), 'the sidecar applying the new settings');
  assert.deepEqual(filesContaining(f.dataDir, KEY), [], 'the key is in no file of the data folder');
});

/** In one connection's traffic: the window's setCredentials reached the sidecar before its getWorkbench. */
function assertSentBeforeBootstrap(lines, when) {
  const received = lines.filter((l) => l.direction === 'in').map((l) => l.method);
  const init = received.lastIndexOf('initialize');
  const creds = received.indexOf('foundry/setCredentials', init);
  const boot = received.indexOf('foundry/getWorkbench', init);
  assert.ok(init >= 0 && creds > init && boot > creds, `${when}: initialize, then setCredentials, then getWorkbench (${received.join(', ')})`);
}
