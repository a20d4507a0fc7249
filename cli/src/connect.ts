/**
 * The CLI's connection to the sidecar: attach (shared/attach.ts finds the sidecar that
 * sidecar.json names, or starts one detached), then LSP-style `initialize` / `initialized` over
 * the socket, checking the protocol version; `close` sends `shutdown` + `exit`, which in
 * `--listen` mode ends only this connection.
 */
import type { Socket } from 'node:net';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import { attachSidecar } from '../../shared/attach';
import { PROTOCOL_VERSION, type FoundryServerInfo, type NotificationDef, type ParamsOf, type RequestDef, type ResultOf } from '../../shared/protocol';
import { FOUNDRY_VERSION } from '../../shared/version';
import { idleExitSeconds, resolveRuntime } from './runtime';

export interface ConnectOptions {
  dataDir: string;
  /** Folder with server.js, effects-worker.js and demo-agent.js: the CLI bundle's own folder. */
  bundleDir: string;
  log?: (message: string) => void;
}

const ShutdownTimeoutMs = 3000;

export class SidecarClient {
  private closing: Promise<void> | undefined;
  private closedByUs = false;
  private lostConnection = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly conn: MessageConnection,
    private readonly socket: Socket,
    readonly dataDir: string,
    /** The sidecar's `initialize` answer (`foundry`), set by `connect`. */
    public server: FoundryServerInfo | undefined,
    /** True when this CLI run started the sidecar. */
    readonly started: boolean,
  ) {
    conn.onClose(() => {
      if (this.closedByUs) return;
      this.lostConnection = true;
      for (const l of this.closeListeners) l();
    });
  }

  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
    return this.conn.sendRequest(def.method, params) as Promise<ResultOf<D>>;
  }

  onNotification<D extends NotificationDef<z.ZodType>>(def: D, handler: (params: z.infer<D['params']>) => void): void {
    this.conn.onNotification(def.method, handler);
  }

  /** True once the sidecar ended the connection before `close`. */
  get lost(): boolean {
    return this.lostConnection;
  }

  /** The sidecar ended the connection (it exited or handed over) before `close`. */
  onUnexpectedClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** `shutdown` + `exit`, then end the socket and wait (bounded) until it is closed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closedByUs = true;
      const closed = new Promise<void>((resolve) => (this.socket.destroyed ? resolve() : this.socket.once('close', () => resolve())));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ShutdownTimeoutMs)));
      try {
        await Promise.race([this.conn.sendRequest('shutdown'), timeout]);
        await this.conn.sendNotification('exit');
        // `exit` is written: end our side; the sidecar then closes the connection.
        this.socket.end();
        await Promise.race([closed, timeout]);
      } catch {
        // The sidecar is already gone: nothing to end.
      } finally {
        clearTimeout(timer);
        this.conn.dispose();
        this.socket.destroy();
      }
    })();
    return this.closing;
  }
}

/**
 * Attach and initialize. `beforeReady` runs before `initialized` is sent, so handlers it
 * registers see every push, including the server status sent on attach.
 */
export async function connect(opts: ConnectOptions, beforeReady?: (client: SidecarClient) => void): Promise<SidecarClient> {
  const attached = await attachSidecar({
    dataDir: opts.dataDir,
    bundleDir: opts.bundleDir,
    runtime: resolveRuntime(opts.dataDir),
    idleExitSeconds: idleExitSeconds(),
    log: opts.log,
  });
  opts.log?.(`${attached.started ? 'started' : 'found'} the sidecar pid ${attached.info.pid} on ${attached.info.socket}`);
  const { socket } = attached;
  const conn = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  const client = new SidecarClient(conn, socket, opts.dataDir, undefined, attached.started);
  conn.listen();
  try {
    const init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      clientInfo: { name: 'foundry-cli', version: FOUNDRY_VERSION },
      initializationOptions: { dataDir: opts.dataDir },
    })) as { foundry?: FoundryServerInfo };
    const server = init.foundry;
    if (server?.protocolVersion !== PROTOCOL_VERSION) {
      throw new Error(
        `the Foundry sidecar for ${opts.dataDir} (pid ${server?.pid ?? attached.info.pid}, version ${server?.version ?? 'unknown'}) speaks protocol ` +
          `${server?.protocolVersion ?? 'unknown'}, but this CLI (version ${FOUNDRY_VERSION}) speaks protocol ${PROTOCOL_VERSION}. ` +
          'Use the CLI of the same Foundry version as the running sidecar (run "Foundry: Install CLI" in VS Code again), or stop that sidecar.',
      );
    }
    client.server = server;
  } catch (e) {
    await client.close();
    throw e;
  }
  beforeReady?.(client);
  await conn.sendNotification('initialized', {});
  return client;
}
