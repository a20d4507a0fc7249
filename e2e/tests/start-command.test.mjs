// The README's first command, `npm start` (scripts/start.sh): it prints the URL on a line of its
// own, that URL is a working Foundry on the demo repository (whose setup script leaves a visible
// change), and stopping it leaves no process behind. start.sh packages the .vsix and installs it
// with --install-extension into a clean code-server, so a task settling here is also the check that
// the packaged extension (with its native SQLite binding) works when installed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { launchBrowser } from '../harness/browser.mjs';
import { isolatedEnv } from '../harness/codeServer.mjs';
import { assertPrerequisites, ROOT } from '../harness/paths.mjs';
import { exited, killPids, MARKER_ENV, processesWithMarker, within } from '../harness/processes.mjs';
import { makeRunDirs } from '../harness/tempDirs.mjs';
import { createTask, openFoundryView, screenshot, waitForWorkbench } from '../harness/workbench.mjs';

/** A port that was free a moment ago (start.sh takes a fixed port, as users give it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

test('npm start prints the URL of a working Foundry on a demo repository and cleans up on stop', async (t) => {
  assertPrerequisites();
  const dirs = makeRunDirs('foundry-start-');
  const token = randomUUID();
  const port = await freePort();
  let browser;
  const start = spawn('bash', [join(ROOT, 'scripts', 'start.sh')], {
    cwd: ROOT,
    env: isolatedEnv(dirs, token, { FOUNDRY_PORT: String(port), FOUNDRY_DEMO_DIR: join(dirs.root, 'demo'), FOUNDRY_SKIP_BUILD: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  start.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  t.after(async () => {
    if (browser) await browser.context.close().catch(() => {});
    if (start.exitCode === null && start.signalCode === null) start.kill('SIGTERM');
    await within(exited(start), 15_000);
    killPids(processesWithMarker(token).map((p) => p.pid));
    dirs.remove();
  });

  const stdoutLines = [];
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: start.stdout });
    lines.on('line', (line) => {
      stdoutLines.push(line);
      if (line.startsWith('http://')) resolve(line);
    });
    start.once('exit', (code) => reject(new Error(`start.sh exited (${code}) before printing a URL:\n${stderr}`)));
  });
  t.diagnostic(`start.sh printed ${url}`);
  assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?folder=\\S*demo-repo$`));
  assert.deepEqual(stdoutLines, [url], 'the URL is on a line of its own');

  browser = await launchBrowser({ profileDir: dirs.browserProfile, env: isolatedEnv(dirs, token) });
  const { page } = browser;
  await page.goto(url);
  await waitForWorkbench(page);
  await openFoundryView(page);
  // The demo's setup script writes one file into the worktree: the task settles with +1.
  await createTask(page, 'Hello from the demo', { until: /^\+1 -0$/ });
  await screenshot(page, 'start-demo');
  await browser.context.close();
  browser = undefined;

  start.kill('SIGTERM');
  assert.ok(await within(exited(start), 20_000), 'start.sh stops on SIGTERM');
  const left = processesWithMarker(token);
  assert.deepEqual(left.map((p) => p.cmdline), [], 'no process of the demo outlives start.sh');
});
