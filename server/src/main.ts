/**
 * Foundry sidecar entry. A language-server-style JSON-RPC process that owns all state (SQLite in
 * the data folder) and all slow work.
 *   node server.js --stdio                                  one client on stdin/stdout
 *   node server.js --listen --data-dir D [--idle-exit-seconds N]   every client, on a local socket
 *   node server.js --install-agents DIR [id...]            pinned agent installs (setup, CI)
 */
import { dirname } from 'node:path';
import { errorMessage } from './errors';
import { runListen } from './modes/listen';
import { runStdio } from './modes/stdio';
import { installAgents } from './agents/install/installAll';

/**
 * Log to stderr (the log file for a detached sidecar). A closed stderr (its reader died) must
 * never turn into a crash or - through the uncaught-error handler logging again - a busy loop.
 */
let stderrOpen = true;
process.stderr.on('error', () => (stderrOpen = false));
process.stdout.on('error', () => {});
const log = (m: string) => {
  if (!stderrOpen) return;
  try {
    process.stderr.write(`[foundry-sidecar] ${new Date().toISOString()} ${m}\n`);
  } catch {
    stderrOpen = false;
  }
};
const usage = 'usage: node server.js --stdio | --listen --data-dir DIR [--idle-exit-seconds N] | --install-agents DIR [id...]\n';
const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const bundleDir = dirname(__filename);

process.on('uncaughtException', (e) => {
  if ((e as NodeJS.ErrnoException).code === 'EPIPE') return; // a reader of stdout/stderr went away
  log(`uncaught: ${e.stack ?? e.message}`);
});
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${errorMessage(e)}`));

if (argv.includes('--stdio')) {
  const host = runStdio(bundleDir, log);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void host.exit(0, signal, 'signal'));
  process.on('exit', () => host.sidecar?.killLiveGroups());
} else if (argv.includes('--listen')) {
  const dataDir = flag('--data-dir');
  const idle = flag('--idle-exit-seconds') ?? '60';
  if (!dataDir || !/^\d+$/.test(idle)) {
    process.stderr.write(usage);
    process.exit(2);
  }
  void runListen({ dataDir, idleExitSeconds: Number(idle) }, bundleDir, log).then((host) => {
    process.on('exit', () => host.sidecar?.killLiveGroups());
  });
} else if (argv.includes('--install-agents')) {
  const dir = flag('--install-agents');
  if (!dir) {
    process.stderr.write(usage);
    process.exit(2);
  }
  process.exit(installAgents(bundleDir, dir, argv.slice(argv.indexOf('--install-agents') + 2)));
} else {
  process.stderr.write(usage);
  process.exit(2);
}
