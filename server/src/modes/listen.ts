/**
 * `--listen --data-dir D`: the one sidecar of a data folder, serving any number of clients on
 * a local socket. It takes the folder's lock first (a loser reports "held" and exits 75, and
 * its starter connects to the winner), binds the socket only while holding it, then writes
 * `D/sidecar.json`. On stdout it prints exactly one JSON line for whoever started it
 * (`{"ready":…}`, `{"held":true}` or `{"error":…}`) and never writes there again.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, watch, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { PROTOCOL_VERSION, SidecarSettings, type SidecarInfo } from '../../../shared/protocol';
import { readSidecarInfo, settingsPath, sidecarInfoPath, socketPath } from '../../../shared/sidecarLocation';
import { FOUNDRY_VERSION } from '../../../shared/version';
import { errorMessage } from '../errors';
import { SidecarHost } from '../host';
import { LockHeldError } from '../lock';

/** Exit code of a sidecar that found the data folder served by another one. */
export const ExitLockHeld = 75;

export interface ListenArgs {
  dataDir: string;
  idleExitSeconds: number;
}

function report(line: object): void {
  try {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } catch {
    // Nobody is reading: the starter went away.
  }
}

/** The sidecar's own settings from D/settings.json (written by the extension); defaults if absent or invalid. */
export function readSettings(dataDir: string, log: (m: string) => void): SidecarSettings {
  const file = settingsPath(dataDir);
  if (!existsSync(file)) return {};
  try {
    const parsed = SidecarSettings.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
    log(`${file}: ignored, ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  } catch (e) {
    log(`${file}: ignored, ${errorMessage(e)}`);
  }
  return {};
}

export async function runListen(args: ListenArgs, bundleDir: string, log: (m: string) => void): Promise<SidecarHost> {
  const dataDir = resolve(args.dataDir);
  const host = new SidecarHost({ mode: 'listen', bundleDir, log, idleExitMs: args.idleExitSeconds * 1000 });
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    await host.open(dataDir, readSettings(dataDir, log), 0);
  } catch (e) {
    if (e instanceof LockHeldError) {
      const other = readSidecarInfo(dataDir);
      log(`${e.message}${other ? ` It is pid ${other.pid} on ${other.socket}.` : ''} Exiting; clients connect to it.`);
      report({ held: true });
      process.exit(ExitLockHeld);
    }
    log(`could not start: ${errorMessage(e)}`);
    report({ error: errorMessage(e) });
    process.exit(1);
  }

  // Recover before binding: no client may meet a sidecar that has not recovered yet.
  await host.sidecar!.start().catch((e) => log(`recovery failed: ${errorMessage(e)}`));

  const socket = socketPath(dataDir);
  let server: Server;
  try {
    if (process.platform !== 'win32') {
      mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
      chmodSync(dirname(socket), 0o700);
      // A socket file left by a dead sidecar: ours to remove, since we hold the lock.
      rmSync(socket, { force: true });
    }
    server = await listenOn(socket, host);
    if (process.platform !== 'win32') chmodSync(socket, 0o600);
  } catch (e) {
    log(`could not listen on ${socket}: ${errorMessage(e)}`);
    report({ error: `could not listen on ${socket}: ${errorMessage(e)}` });
    return host.exit(1, 'listen failed');
  }

  const info: SidecarInfo = { pid: process.pid, socket, version: FOUNDRY_VERSION, protocolVersion: PROTOCOL_VERSION, runtime: process.execPath, startedAt: Date.now() };
  const infoFile = sidecarInfoPath(dataDir);
  writeFileSync(`${infoFile}.${process.pid}.tmp`, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(`${infoFile}.${process.pid}.tmp`, infoFile);
  host.onExit(() => {
    server.close();
    // Still holding the lock (released after the drain, but no other sidecar could bind meanwhile).
    if (readSidecarInfo(dataDir)?.pid === process.pid) rmSync(infoFile, { force: true });
    if (process.platform !== 'win32') {
      try {
        unlinkSync(socket);
      } catch {
        // already gone
      }
    }
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void host.exit(0, signal, 'signal'));

  host.onExit(watchSettings(dataDir, log, (settings) => host.sidecar?.applyLiveSettings(settings)));

  log(`listening on ${socket} (pid ${process.pid}, version ${FOUNDRY_VERSION}, data in ${dataDir})`);
  report({ ready: true, pid: process.pid, socket });
  return host;
}

/**
 * Re-read D/settings.json whenever a client rewrites it (atomically: a rename into the folder),
 * so the settings a running sidecar can apply (Sidecar.applyLiveSettings) take effect without a
 * restart. Returns the function that stops watching.
 */
function watchSettings(dataDir: string, log: (m: string) => void, apply: (settings: SidecarSettings) => void): () => void {
  const name = basename(settingsPath(dataDir));
  let timer: NodeJS.Timeout | undefined;
  let last = existsSync(settingsPath(dataDir)) ? readFileSync(settingsPath(dataDir), 'utf8') : '';
  try {
    const watcher = watch(dataDir, { persistent: false }, (_event, file) => {
      if (file !== name) return;
      clearTimeout(timer);
      // The writer's rename lands as one or two events: read once they settled.
      timer = setTimeout(() => {
        const text = existsSync(settingsPath(dataDir)) ? readFileSync(settingsPath(dataDir), 'utf8') : '';
        if (text === last) return;
        last = text;
        log(`${name} changed: applying the agents' environment, the stall delay and the GitHub settings`);
        apply(readSettings(dataDir, log));
      }, 50);
    });
    watcher.on('error', (e) => log(`watching ${name}: ${errorMessage(e)}`));
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  } catch (e) {
    log(`cannot watch ${name} (settings apply at the next start): ${errorMessage(e)}`);
    return () => {};
  }
}

function listenOn(path: string, host: SidecarHost): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer((socket) => host.attachSocket(socket));
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      server.on('error', (e) => host.log(`listener: ${errorMessage(e)}`));
      resolvePromise(server);
    });
  });
}
