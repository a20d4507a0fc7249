// Starts code-server 4.139.1 (a real VS Code 1.139) on a free loopback port, offline, with
// isolated user data, extensions, XDG and temp folders. Resolves once its HTTP server listens.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY, ROOT } from './paths.mjs';
import { exited, killPids, MARKER_ENV, processesWithMarker, within } from './processes.mjs';

/**
 * User settings that keep the workbench quiet and fast for tests: no startup editor, tips,
 * walkthroughs or update checks; workspace trust off (so `.foundry/setup.sh` is used).
 */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.restoreWindows': 'all',
};

export function writeUserSettings(userDataDir, settings) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
}

const LISTEN_TIMEOUT_MS = 60_000;

/** The environment every process of the run inherits: isolated folders, Node 24 first on PATH. */
export function isolatedEnv(dirs, token, extra = {}) {
  return {
    ...process.env,
    PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    XDG_RUNTIME_DIR: join(dirs.xdg, 'runtime'),
    TMPDIR: dirs.tmp,
    [MARKER_ENV]: token,
    ...extra,
  };
}

/**
 * @param {object} o
 * @param {ReturnType<import('./tempDirs.mjs').makeRunDirs>} o.dirs
 * @param {string} o.token  marker carried by every process of this run
 * @param {Record<string,string>} [o.env]  extra environment (e.g. FOUNDRY_TRAFFIC_LOG)
 * @param {number} [o.port]  0 (default) picks a free port
 */
export async function startCodeServer({ dirs, token, env = {}, port = 0 }) {
  for (const k of ['config', 'data', 'cache', 'runtime']) mkdirSync(join(dirs.xdg, k), { recursive: true, mode: 0o700 });
  const args = [
    CODE_SERVER_ENTRY,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--bind-addr', `127.0.0.1:${port}`,
  ];
  const child = spawn(process.execPath, args, {
    env: isolatedEnv(dirs, token, env),
    cwd: dirs.root,
    detached: true, // its own process group, ended as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);

  const url = await new Promise((resolve, reject) => {
    const settle = (error, value) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value);
    };
    const onData = () => {
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m) settle(undefined, m[1]);
    };
    const onExit = (code, signal) => settle(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`));
    const timer = setTimeout(() => {
      killPids([-child.pid]);
      settle(new Error(`code-server did not listen within ${LISTEN_TIMEOUT_MS} ms:\n${output}`));
    }, LISTEN_TIMEOUT_MS);
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    url,
    /**
     * Ends code-server's process group, then any process of this run still alive (for example
     * a sidecar that did not exit with its extension host). Returns those stragglers.
     */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Group already gone.
        }
        if (!(await within(exited(child), 10_000))) killPids([-child.pid]);
        await exited(child);
      }
      // The shared sidecar outlives its windows by design: end it (SIGTERM: it drains, ending its
      // agents and scripts) when it is this run's - it carries the run's marker.
      await stopSidecar(join(dirs.xdg, 'data', 'foundry'), token);
      // Give orphans of the extension host the moment VS Code itself gives them to shut down.
      let left = processesWithMarker(token);
      for (let i = 0; left.length && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = processesWithMarker(token);
      }
      killPids(left.map((p) => p.pid));
      return left;
    },
  };
}

/** SIGTERM the sidecar that `<dataDir>/sidecar.json` names, if it is this run's, and wait for it to exit. */
export async function stopSidecar(dataDir, token) {
  let pid;
  try {
    pid = JSON.parse(readFileSync(join(dataDir, 'sidecar.json'), 'utf8')).pid;
  } catch {
    return;
  }
  if (!processesWithMarker(token).some((p) => p.pid === pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  // Not our child: /proc is the only way to see it go.
  for (let i = 0; i < 150 && processesWithMarker(token).some((p) => p.pid === pid); i++) await new Promise((r) => setTimeout(r, 100));
}
