/**
 * Find or start the one sidecar of a data folder, and open a socket to it. Used by the
 * extension and the CLI alike:
 *   1. `D/sidecar.json` names a sidecar that answers: connect to it.
 *   2. Otherwise start one, detached (it outlives the window or command that started it), from
 *      its runtime copy, logging to `D/logs/sidecar.log`, and read its one report line:
 *      ready -> connect; held (another starter won the lock race) -> wait for the winner's
 *      sidecar.json and connect to it; error -> fail with its message.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, renameSync, statSync, watch } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { SidecarInfo } from './protocol';
import { readSidecarInfo, sidecarLogPath } from './sidecarLocation';
import { prepareRuntime } from './runtimeCopy';

export interface AttachOptions {
  dataDir: string;
  /** Folder with this build's server.js, effects-worker.js and demo-agent.js. */
  bundleDir: string;
  /** The Node (>= 22) that runs the sidecar, and its environment. */
  runtime: { command: string; env: NodeJS.ProcessEnv };
  idleExitSeconds?: number;
  log?: (message: string) => void;
}

export interface Attached {
  socket: Socket;
  /** The sidecar's sidecar.json, or for one just started, its report. */
  info: Pick<SidecarInfo, 'pid' | 'socket'>;
  /** True when this call started the sidecar. */
  started: boolean;
}

const ConnectTimeoutMs = 3000;
const StartTimeoutMs = 20_000;
const RotateBytes = 5 * 1024 * 1024;

/** Open a socket to `path`, or fail within the timeout. */
export function connectSocket(path: string, timeoutMs = ConnectTimeoutMs): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer on ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function attachSidecar(opts: AttachOptions): Promise<Attached> {
  const log = opts.log ?? (() => {});
  for (let attempt = 1; attempt <= 3; attempt++) {
    const known = readSidecarInfo(opts.dataDir);
    if (known) {
      try {
        return { socket: await connectSocket(known.socket), info: known, started: false };
      } catch (e) {
        log(`sidecar.json names pid ${known.pid} on ${known.socket}, which does not answer (${(e as Error).message}); starting a sidecar`);
      }
    }
    const report = await startSidecar(opts, log);
    if ('ready' in report) return { socket: await connectSocket(report.socket), info: report, started: true };
    // Another starter won the lock: its sidecar.json appears once it listens.
    log('another Foundry sidecar won the start; connecting to it');
    if (!(await waitForSidecarInfo(opts.dataDir, StartTimeoutMs))) log(`no sidecar.json in ${opts.dataDir} within ${StartTimeoutMs / 1000} s`);
  }
  throw new Error(`could not reach or start a Foundry sidecar for ${opts.dataDir}; see ${sidecarLogPath(opts.dataDir)}`);
}

type Report = { ready: true; pid: number; socket: string } | { held: true };

async function startSidecar(opts: AttachOptions, log: (m: string) => void): Promise<Report> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const serverJs = prepareRuntime(opts.bundleDir, opts.dataDir);
  const logFile = sidecarLogPath(opts.dataDir);
  mkdirSync(dirname(logFile), { recursive: true });
  rotate(logFile);
  const logFd = openSync(logFile, 'a');
  const args = [serverJs, '--listen', '--data-dir', opts.dataDir, '--idle-exit-seconds', String(opts.idleExitSeconds ?? 60)];
  log(`starting the sidecar: ${opts.runtime.command} ${args.join(' ')}`);
  const child = spawn(opts.runtime.command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', logFd],
    env: opts.runtime.env,
    cwd: opts.dataDir,
    windowsHide: true,
  });
  closeSync(logFd);
  try {
    const exited = once(child, 'exit').then(([code, signal]) => {
      throw new Error(`the sidecar exited before it reported (${signal ?? `code ${code}`}); see ${logFile}`);
    });
    const spawnFailed = once(child, 'error').then(([e]) => {
      throw new Error(`could not start the sidecar with ${opts.runtime.command}: ${(e as Error).message}`);
    });
    const lines = createInterface({ input: child.stdout! });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the sidecar did not report within ${StartTimeoutMs / 1000} s; see ${logFile}`)), StartTimeoutMs)));
    for (const p of [exited, spawnFailed, timeout]) p.catch(() => {});
    const [line] = (await Promise.race([once(lines, 'line'), exited, spawnFailed, timeout])) as [string];
    clearTimeout(timer);
    lines.close();
    const report = JSON.parse(line) as Report | { error: string };
    if ('error' in report) throw new Error(`the sidecar could not start: ${report.error}`);
    return report;
  } finally {
    // The sidecar lives on its own: stop reading it, and do not wait for it.
    child.stdout?.destroy();
    child.removeAllListeners();
    child.unref();
  }
}

/**
 * Resolve true once sidecar.json names a sidecar `accept` takes (watching its folder), or false
 * after `timeoutMs`. Used after a lost start race, and by a window waiting for whoever takes over.
 */
export function waitForSidecarInfo(dataDir: string, timeoutMs: number, accept: (info: SidecarInfo) => boolean = () => true): Promise<boolean> {
  const ready = () => {
    const info = readSidecarInfo(dataDir);
    return info !== undefined && accept(info);
  };
  if (ready()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const watcher = watch(dataDir, () => ready() && done(true));
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (found: boolean) => {
      clearTimeout(timer);
      watcher.close();
      resolve(found);
    };
  });
}

/** Keep one previous log: sidecar.log -> sidecar.log.1 once it passes 5 MB. */
function rotate(file: string): void {
  try {
    if (statSync(file).size > RotateBytes) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}
