/**
 * The extension's connection to one run of the sidecar process: the child process (spawned here,
 * so its stdio can be counted and its exit awaited) and the LanguageClient speaking JSON-RPC over
 * its stdio. A SidecarConnection is started once and stopped once; a restart makes a new one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as readline from 'node:readline';
import type * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  StreamMessageReader,
  StreamMessageWriter,
  type LanguageClientOptions,
  type MessageTransports,
} from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../../shared/protocol';
import { errorMessage } from '../errors';
import type { Runtime } from './runtime';
import { countingReader, countingWriter, type TrafficCounter } from './traffic';

export interface SidecarConnectionOptions {
  readonly runtime: Runtime;
  /** Absolute path of dist/server.js. */
  readonly serverPath: string;
  readonly cwd: string;
  readonly initializationOptions: InitializationOptions;
  readonly log: vscode.LogOutputChannel;
  readonly traffic: TrafficCounter;
  /** The connection closed without `stop()`: the sidecar crashed or exited on its own. */
  readonly onUnexpectedClose: () => void;
}

const StopTimeoutMs = 4_000;
const ExitGraceMs = 3_000;

export class SidecarConnection {
  readonly client: LanguageClient;
  private child: ChildProcess | undefined;
  private stopping = false;
  /** The connection closed on its own; the client has already stopped itself. */
  private closed = false;

  constructor(private readonly options: SidecarConnectionOptions) {
    const clientOptions: LanguageClientOptions = {
      documentSelector: [],
      outputChannel: options.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: options.initializationOptions,
      errorHandler: {
        error: (error) => {
          options.log.error(`Sidecar connection error: ${error.message}`);
          return { action: ErrorAction.Continue, handled: true };
        },
        closed: () => {
          this.closed = true;
          if (!this.stopping) queueMicrotask(() => options.onUnexpectedClose());
          // The controller restarts with backoff and bootstraps again; the client must not.
          return { action: CloseAction.DoNotRestart, handled: true, message: 'Sidecar connection closed; Foundry restarts it.' };
        },
      },
    };
    this.client = new LanguageClient('foundry', 'Foundry', () => this.spawnTransports(), clientOptions);
  }

  start(): Promise<void> {
    return this.client.start();
  }

  /** Graceful LSP shutdown, then make sure the process (and so everything it spawned) is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      if (!this.closed && this.client.needsStop()) await this.client.stop(StopTimeoutMs);
    } catch (error) {
      this.options.log.warn(`Sidecar did not shut down cleanly: ${errorMessage(error)}`);
    }
    await this.ensureExited();
  }

  private async spawnTransports(): Promise<MessageTransports> {
    const { runtime, serverPath, cwd, log, traffic } = this.options;
    const child = spawn(runtime.command, [serverPath, '--stdio'], { cwd, env: runtime.env, stdio: 'pipe', windowsHide: true });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    log.info(`Sidecar started (pid ${child.pid}): ${runtime.command} ${serverPath} --stdio`);
    child.on('exit', (code, signal) => log.info(`Sidecar (pid ${child.pid}) exited with ${signal ?? `code ${code}`}`));
    readline.createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => log.info(`[sidecar] ${line}`));
    return {
      reader: countingReader(new StreamMessageReader(child.stdout), traffic),
      writer: countingWriter(new StreamMessageWriter(child.stdin), traffic),
      detached: false,
    };
  }

  private async ensureExited(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ExitGraceMs)));
    const late = await Promise.race([exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      this.options.log.warn(`Sidecar (pid ${child.pid}) ignored SIGTERM; killing it.`);
      child.kill('SIGKILL');
      await exited;
    }
  }
}
