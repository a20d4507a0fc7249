/**
 * One client's JSON-RPC connection: its own `initialize` (with `clientInfo`), its own session
 * subscriptions, and the LSP lifecycle (`initialized`, `shutdown`, `exit`), whose meaning the
 * host decides: with `--stdio` the one client's shutdown drains the sidecar; with `--listen` it
 * ends only this connection.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { FOUNDRY_VERSION } from '../../../shared/version';
import { InitializationOptions, PROTOCOL_VERSION, ServerStatus, type FoundryServerInfo } from '../../../shared/protocol';
import { fromZod, invalidState } from '../errors';
import { registerHandlers } from '../handlers';
import type { Sidecar } from '../sidecar';
import type { ClientHub, HubClient } from './clientHub';

/** What a connection needs from the process that serves it. */
export interface ConnectionHost {
  readonly mode: FoundryServerInfo['mode'];
  readonly hub: ClientHub;
  /** The opened sidecar, once there is one. */
  readonly sidecar: Sidecar | undefined;
  /** True once the sidecar began to drain: new requests are refused. */
  readonly closing: boolean;
  /** Open (stdio) or check (listen) the data folder the client names; throws the client's error. */
  initialize(options: InitializationOptions): Promise<Sidecar>;
  shutdownRequested(client: ClientConnection): Promise<void>;
  exitRequested(client: ClientConnection): void;
  handOver(client: ClientConnection, version: string, reason: 'update' | 'restart'): void;
  track<T>(run: () => Promise<T>): Promise<T>;
  log(message: string): void;
}

interface ClientInfo {
  name: string;
  version?: string;
}

export class ClientConnection implements HubClient {
  private initialized = false;
  private shutdown = false;
  private isReady = false;
  info: ClientInfo | undefined;

  constructor(
    readonly id: number,
    private readonly conn: MessageConnection,
    private readonly host: ConnectionHost,
  ) {}

  get ready(): boolean {
    return this.isReady;
  }

  get label(): string {
    return `client ${this.id}${this.info ? ` (${this.info.name}${this.info.version ? ` ${this.info.version}` : ''})` : ''}`;
  }

  /** Whether the client asked for `shutdown` before it left. */
  get shutdownReceived(): boolean {
    return this.shutdown;
  }

  notify(method: string, params: unknown): void {
    this.conn.sendNotification(method, params).catch(() => {
      // The client went away; its close handler removes it.
    });
  }

  start(): void {
    const { conn, host } = this;
    conn.onRequest('initialize', async (params: { clientInfo?: ClientInfo; initializationOptions?: unknown } | undefined) => {
      if (this.initialized) throw invalidState('initialize', 'initialized');
      if (host.closing) throw invalidState('initialize', 'shutting_down', 'the sidecar is exiting; connect again in a moment');
      const parsed = InitializationOptions.safeParse(params?.initializationOptions);
      if (!parsed.success) throw fromZod(parsed.error);
      if (params?.clientInfo && typeof params.clientInfo.name === 'string') this.info = { name: params.clientInfo.name.slice(0, 100), version: params.clientInfo.version?.slice(0, 50) };
      const sidecar = await host.initialize(parsed.data);
      this.initialized = true;
      host.log(`${this.label} initialized`);
      const foundry: FoundryServerInfo = {
        protocolVersion: PROTOCOL_VERSION,
        version: FOUNDRY_VERSION,
        pid: process.pid,
        dataDir: sidecar.opts.dataDir,
        mode: host.mode,
      };
      return { capabilities: {}, serverInfo: { name: 'foundry-sidecar', version: FOUNDRY_VERSION }, foundry };
    });
    conn.onNotification('initialized', () => {
      if (!this.initialized || this.isReady) return;
      this.isReady = true;
      // Status on attach: the client learns at once whether work is running.
      if (host.sidecar) this.notify(ServerStatus.method, host.sidecar.status);
    });
    conn.onRequest('shutdown', async () => {
      this.shutdown = true;
      await host.shutdownRequested(this);
      return null;
    });
    conn.onNotification('exit', () => host.exitRequested(this));
    registerHandlers(conn, (method) => this.admit(method), {
      subscribe: (sessionId) => host.hub.subscribe(this, sessionId),
      unsubscribe: (sessionId) => host.hub.unsubscribe(this, sessionId),
      handOver: (version, reason) => host.handOver(this, version, reason),
    }, (run) => host.track(run), (m) => host.log(m));
    conn.listen();
  }

  private admit(method: string): Sidecar {
    const sidecar = this.host.sidecar;
    if (!this.initialized || !sidecar) throw invalidState(method, 'not_initialized', 'send initialize first');
    if (this.host.closing) throw invalidState(method, 'shutting_down', 'the sidecar is draining; your client reconnects to the next one');
    if (this.shutdown) throw invalidState(method, 'shutdown', 'this connection asked to shut down');
    return sidecar;
  }
}

