// One call that gives a test a real VS Code (code-server) with the Foundry extension installed,
// opened on a fresh git repository, in a fresh Chromium - and tears all of it down afterwards.
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { installFolderName, stageExtension } from '../../scripts/extension-files.mjs';
import { makeRepo } from '../../test/gitRepo.mjs';
import { launchBrowser } from './browser.mjs';
import { isolatedEnv, startCodeServer, writeUserSettings } from './codeServer.mjs';
import { makeGates } from './gates.mjs';
import { assertPrerequisites, ROOT } from './paths.mjs';
import { makeRunDirs } from './tempDirs.mjs';
import { screenshot, waitForWorkbench } from './workbench.mjs';

/** Foundry settings that make the tests fast (agents stop after a short idle). */
const FAST_SETTINGS = {
  'foundry.defaultAgent': 'demo',
  'foundry.agentIdleStopSeconds': 5,
  'foundry.jobConcurrency': 4,
  // The instant sandbox pool is off unless a test turns it on (e2e/tests/pool.test.mjs).
  'foundry.pool.size': 0,
};

/**
 * @param {import('node:test').TestContext} t  cleanup is registered with t.after
 * @param {object} [o]
 * @param {Record<string,string>} [o.files]  files of the repository's initial commit
 * @param {string} [o.setupScript]  committed as .foundry/setup.sh
 * @param {Record<string,unknown>} [o.settings]  extra user settings
 * @param {Record<string,string>} [o.env]  extra environment for code-server and its children
 */
export async function openFoundry(t, o = {}) {
  assertPrerequisites();
  const token = randomUUID();
  const dirs = makeRunDirs();
  let server;
  let browser;
  /** A screenshot of the window as the failure left it: .test-artifacts/failure-<file>[-<subtest>].png */
  const failureShot = async (subtest) => {
    if (!browser) return;
    const name = ['failure', basename(t.filePath ?? 'e2e', '.test.mjs'), subtest].filter(Boolean).join('-').replace(/\W+/g, '-');
    try {
      await screenshot(browser.page, name);
    } catch {
      // The page may be gone.
    }
  };
  // A failed subtest does not fail its parent until the parent ends: shoot when it fails.
  t.afterEach(async (sub) => {
    if (!sub.passed) await failureShot(sub.name);
  });
  // Registered first, so a failure while starting still removes everything started so far.
  t.after(async () => {
    if (!t.passed) await failureShot();
    if (browser) await browser.context.close().catch(() => {});
    const stragglers = server ? await server.stop() : [];
    if (process.env.FOUNDRY_E2E_KEEP) t.diagnostic(`kept ${dirs.root}`);
    else dirs.remove();
    // When VS Code goes, no sidecar, agent or setup script may stay behind (they were killed above).
    if (stragglers.length) {
      throw new Error(`processes outlived code-server by 5 s: ${stragglers.map((p) => `${p.pid} ${p.cmdline}`).join(' | ')}`);
    }
  });

  const repoPath = join(dirs.repos, 'sample-repo');
  const setup = o.setupScript === undefined ? {} : { '.foundry/setup.sh': o.setupScript };
  makeRepo(repoPath, { 'README.md': '# sample-repo\n', ...(o.files ?? { 'src/hello.txt': 'hello\n' }), ...setup }, { executable: Object.keys(setup) });
  stageExtension(join(dirs.extensions, installFolderName()), ROOT);
  writeUserSettings(dirs.userData, { ...FAST_SETTINGS, ...o.settings });
  const gates = makeGates(join(dirs.root, 'gates'));
  // The sidecar inherits it through the extension host and logs every message to it (traffic.mjs).
  const trafficLog = join(dirs.root, 'traffic.log');
  const env = { ...gates.env, FOUNDRY_TRAFFIC_LOG: trafficLog, ...o.env };
  server = await startCodeServer({ dirs, token, env });

  browser = await launchBrowser({ profileDir: dirs.browserProfile, env: isolatedEnv(dirs, token) });
  const { page } = browser;
  const url = `${server.url}/?folder=${encodeURIComponent(repoPath)}`;
  await page.goto(url);
  await waitForWorkbench(page);

  return {
    page,
    repoPath,
    dirs,
    gates,
    token,
    /** The sidecar's traffic log: read it with readTraffic (traffic.mjs). */
    trafficLog,
    /** Opens a second window (browser tab) on the same folder and waits for its workbench. */
    async openWindow() {
      const second = await browser.context.newPage();
      await second.goto(url);
      await waitForWorkbench(second);
      return second;
    },
    /** The user's one data folder (XDG_DATA_HOME/foundry), shared by every window and the CLI. */
    dataDir: join(dirs.xdg, 'data', 'foundry'),
    /** Reloads the window (like "Developer: Reload Window") and waits for the workbench. */
    async reload() {
      await page.reload();
      await waitForWorkbench(page);
    },
    /** Screenshot for the artifacts folder, named after the test. */
    shot: (name) => screenshot(page, name),
  };
}
