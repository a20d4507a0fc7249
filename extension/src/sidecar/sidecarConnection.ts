/**
 * The extension's connection to the user's one sidecar: a LanguageClient speaking JSON-RPC over
 * the sidecar's local socket. The sidecar is found through `D/sidecar.json`, or started detached
 * (it outlives this window) by shared/attach.ts. Stopping the connection ends only this window's
 * session with the sidecar - never the sidecar, which other windows and the CLI share and which
 * exits on its own once idle. A SidecarConnection is started once and stopped once.
 */
import type { Socket } from 'node:net';
import type * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  SocketMessageReader,
  SocketMessageWriter,
  type LanguageClientOptions,
  type MessageTransports,
} from 'vscode-languageclient/node';
import { attachSidecar } from '../../../shared/attach';
import { FoundryServerInfo, type InitializationOptions } from '../../../shared/protocol';
import { errorMessage } from '../errors';
import type { Runtime } from './runtime';
import { countingReader, countingWriter, type TrafficCounter } from './traffic';

export interface SidecarConnectionOptions {
  readonly runtime: Runtime;
  /** Folder of this build's bundles (dist/), copied to the data folder's runtime/ to run. */
  readonly bundleDir: string;
  readonly dataDir: string;
  readonly initializationOptions: InitializationOptions;
  readonly clientInfo: { name: string; version: string };
  readonly idleExitSeconds: number;
  readonly log: vscode.LogOutputChannel;
  readonly traffic: TrafficCounter;
  /** The connection closed without `stop()`: the sidecar exited, planned or not. */
  readonly onUnexpectedClose: () => void;
}

const StopTimeoutMs = 4_000;

export class SidecarConnection {
  readonly client: LanguageClient;
  private socket: Socket | undefined;
  private stopping = false;
  /** The connection closed on its own; the client has already stopped itself. */
  private closed = false;
  /** The sidecar's pid, and whether this window started it. */
  attached: { pid: number; started: boolean } | undefined;

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
          // The controller reconnects (or restarts with backoff) and bootstraps again; the client must not.
          return { action: CloseAction.DoNotRestart, handled: true, message: 'Sidecar connection closed; Foundry reconnects.' };
        },
      },
    };
    this.client = new LanguageClient('foundry', 'Foundry', () => this.connectTransports(), clientOptions);
  }

  start(): Promise<void> {
    return this.client.start();
  }

  /** What the sidecar said about itself in `initialize`. */
  get serverInfo(): FoundryServerInfo | undefined {
    const parsed = FoundryServerInfo.safeParse((this.client.initializeResult as { foundry?: unknown } | undefined)?.foundry);
    return parsed.success ? parsed.data : undefined;
  }

  /** Resolves when the socket has closed (the sidecar went away or this window disconnected). */
  whenClosed(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Leave the sidecar: LSP shutdown + exit end this window's connection only. */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      if (!this.closed && this.client.needsStop()) await this.client.stop(StopTimeoutMs);
    } catch (error) {
      this.options.log.warn(`Sidecar connection did not close cleanly: ${errorMessage(error)}`);
    }
    this.socket?.destroy();
  }

  private async connectTransports(): Promise<MessageTransports> {
    const { log, traffic } = this.options;
    const attached = await attachSidecar({
      dataDir: this.options.dataDir,
      bundleDir: this.options.bundleDir,
      runtime: this.options.runtime,
      idleExitSeconds: this.options.idleExitSeconds,
      log: (m) => log.info(`Sidecar: ${m}`),
    });
    this.socket = attached.socket;
    this.attached = { pid: attached.info.pid, started: attached.started };
    log.info(`Sidecar (pid ${attached.info.pid}) ${attached.started ? 'started by this window' : 'already running'}; connected on ${attached.info.socket}`);
    return {
      reader: countingReader(new SocketMessageReader(attached.socket), traffic),
      writer: countingWriter(new SocketMessageWriter(attached.socket), traffic),
      detached: true,
    };
  }
}
