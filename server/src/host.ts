/**
 * The sidecar process around its context: it holds the data folder's lock, serves clients
 * (one over stdio, or any number over a local socket), and decides when to drain and exit -
 * on `--stdio`'s shutdown, SIGTERM, a hand-over to a newer client, or (listening) once no
 * client is connected and nothing has run for the idle delay. A drain loses nothing: see
 * Sidecar.drain.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ResponseError, StreamMessageWriter, createMessageConnection, type MessageReader, type MessageWriter } from 'vscode-jsonrpc/node';
import { AgentsUpdated, ErrorCodes, RepoActionUpdated, RepoOverviewUpdated, CheckpointsUpdated, ServerStatus, SidecarExiting, TranscriptAppended, WorkbenchUpdated, type InitializationOptions, type SidecarExitingParams, type SidecarSettings } from '../../shared/protocol';
import { ClientConnection, type ConnectionHost } from './clients/clientConnection';
import { ClientHub } from './clients/clientHub';
import { errorMessage, invalidState } from './errors';
import { acquireLock, type DataDirLock } from './lock';
import { Sidecar, resolveOptions } from './sidecar';
import { FramedMessageReader, FramingError } from './transport/framedReader';
import { countTraffic } from './traffic';

/** How long a drain waits for requests in flight before it goes on. */
const InFlightGraceMs = 10_000;

export interface HostOptions {
  mode: 'stdio' | 'listen';
  /** Folder of the bundles (server.js, effects-worker.js, demo-agent.js). */
  bundleDir: string;
  log: (message: string) => void;
  /** Listening: exit this long after the last client left with nothing running. */
  idleExitMs?: number;
}

export class SidecarHost implements ConnectionHost {
  readonly hub = new ClientHub();
  readonly mode: 'stdio' | 'listen';
  private current: Sidecar | undefined;
  private lock: DataDirLock | undefined;
  private opening: Promise<Sidecar> | undefined;
  private started: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private draining: Promise<void> | undefined;
  private exiting = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextClientId = 1;
  private readonly exitHooks: (() => void | Promise<void>)[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: HostOptions) {
    this.mode = opts.mode;
    this.hub.onCountChange((count) => {
      this.checkIdle();
      this.current?.clientsChanged(count);
    });
  }

  get sidecar(): Sidecar | undefined {
    return this.current;
  }

  get closing(): boolean {
    return this.draining !== undefined;
  }

  log(message: string): void {
    this.opts.log(message);
  }

  /** Take the lock and open the database. Throws LockHeldError or the start error (lock released). */
  open(dataDir: string, settings: SidecarSettings, lockWaitMs: number): Promise<Sidecar> {
    this.opening ??= (async () => {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const lock = await acquireLock(dataDir, lockWaitMs);
      try {
        this.current = new Sidecar(resolveOptions(dataDir, settings, this.opts.bundleDir), {
          serverStatus: (p) => {
            this.hub.broadcast(ServerStatus, p);
            this.checkIdle();
          },
          workbenchUpdated: (p) => this.hub.broadcast(WorkbenchUpdated, p),
          agentsUpdated: (p) => this.hub.broadcast(AgentsUpdated, p),
          repoActionUpdated: (p) => this.hub.broadcast(RepoActionUpdated, p),
          repoOverviewUpdated: (p) => this.hub.broadcast(RepoOverviewUpdated, p),
          checkpointsUpdated: (p) => this.hub.broadcast(CheckpointsUpdated, p),
          transcripts: {
            isWatched: (sessionId) => this.hub.isWatched(sessionId),
            send: (p) => this.hub.toSubscribers(p.sessionId, TranscriptAppended, p),
          },
          log: this.opts.log,
        });
      } catch (e) {
        lock.release();
        throw e;
      }
      this.lock = lock;
      this.current.clientsChanged(this.hub.size);
      return this.current;
    })();
    return this.opening;
  }

  /** Serve one client over a reader and writer; `onClose` runs when it goes away. */
  attach(reader: MessageReader, writer: MessageWriter, onClose: (client: ClientConnection) => void): ClientConnection {
    countTraffic(reader, writer, process.env.FOUNDRY_TRAFFIC_LOG);
    const conn = createMessageConnection(reader, writer);
    const client = new ClientConnection(this.nextClientId++, conn, this);
    this.hub.add(client);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.hub.remove(client);
      conn.dispose();
      onClose(client);
    };
    reader.onError((e) => {
      this.log(`${client.label}: ${e instanceof FramingError ? 'framing error' : 'connection error'}, closing the connection: ${errorMessage(e)}`);
      close();
    });
    conn.onClose(close);
    client.start();
    return client;
  }

  /** Serve a client on a socket (listen mode). */
  attachSocket(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    const client = this.attach(new FramedMessageReader(socket), new StreamMessageWriter(socket), (c) => {
      this.log(`${c.label} disconnected`);
      socket.destroy();
    });
    this.log(`${client.label} connected`);
  }

  async initialize(options: InitializationOptions): Promise<Sidecar> {
    if (this.mode === 'stdio') {
      try {
        const sidecar = await this.open(options.dataDir, options, 5000);
        // Recover before answering: no request may meet a sidecar that has not recovered yet.
        this.started ??= sidecar.start().catch((e) => this.log(`recovery failed: ${errorMessage(e)}`));
        await this.started;
        return sidecar;
      } catch (e) {
        this.log(errorMessage(e));
        // Nothing can be served: leave, releasing whatever was taken, once the error is out.
        setTimeout(() => void this.exit(1, 'start failed'), 100);
        throw new ResponseError(ErrorCodes.InvalidState, errorMessage(e));
      }
    }
    const sidecar = this.current!;
    if (real(options.dataDir) !== real(sidecar.opts.dataDir)) {
      throw invalidState('initialize', 'other_data_dir', `this sidecar serves ${sidecar.opts.dataDir}, not ${options.dataDir}`);
    }
    return sidecar;
  }

  async shutdownRequested(_client: ClientConnection): Promise<void> {
    if (this.mode === 'stdio') await this.drain('shutdown');
  }

  exitRequested(client: ClientConnection): void {
    if (this.mode === 'stdio') void this.exit(client.shutdownReceived ? 0 : 1, 'exit');
    // Listening, `exit` ends only that client's connection: its close handler runs next.
  }

  handOver(client: ClientConnection, version: string, reason: 'update' | 'restart'): void {
    this.log(`${client.label} (version ${version}) takes over (${reason}): draining`);
    setImmediate(() => void this.exit(0, reason === 'update' ? `hand-over to ${version}` : 'restart', reason === 'update' ? 'hand_over' : 'restart'));
  }

  track<T>(run: () => Promise<T>): Promise<T> {
    const p = run();
    this.inFlight.add(p);
    void p.catch(() => {}).finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Run before the process exits (close the listener, remove sidecar.json). */
  onExit(hook: () => void | Promise<void>): void {
    this.exitHooks.push(hook);
  }

  /** Stop accepting work, let requests in flight finish, drain the sidecar (the lock stays held until exit). */
  drain(reason: string, kind: SidecarExitingParams['reason'] = 'shutdown'): Promise<void> {
    this.draining ??= (async () => {
      clearTimeout(this.idleTimer);
      this.log(`draining (${reason})`);
      // Every client hears first that this exit is planned, not a crash.
      this.hub.broadcast(SidecarExiting, { reason: kind, detail: reason });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, InFlightGraceMs)))]);
      clearTimeout(timer);
      await this.current?.drain();
    })();
    return this.draining;
  }

  /** Drain, run the exit hooks, close every client, and exit. */
  async exit(code: number, reason: string, kind: SidecarExitingParams['reason'] = 'shutdown'): Promise<never> {
    if (!this.exiting) {
      this.exiting = true;
      try {
        await this.drain(reason, kind);
        // Hooks (unbind the socket, remove sidecar.json) run while the lock is still held.
        for (const hook of this.exitHooks) await Promise.resolve(hook()).catch((e) => this.log(`exit hook: ${errorMessage(e)}`));
        this.lock?.release();
        await this.closeSockets();
      } catch (e) {
        this.log(`exit: ${errorMessage(e)}`);
      }
      this.log(`exiting (${reason})`);
      process.exit(code);
    }
    return new Promise<never>(() => {});
  }

  private async closeSockets(): Promise<void> {
    const open = [...this.sockets];
    await Promise.race([
      Promise.all(open.map((s) => new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.end();
      }))),
      new Promise((r) => setTimeout(r, 1000)),
    ]);
  }

  /** Listening: exit after the idle delay once no client is connected and nothing runs. */
  private checkIdle(): void {
    if (this.mode !== 'listen' || this.closing || this.opts.idleExitMs === undefined) return;
    const idle = this.hub.size === 0 && (this.current?.status.quiescent ?? true);
    if (!idle) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      return;
    }
    if (this.idleTimer) return;
    this.log(`no client and nothing running: exiting in ${Math.round(this.opts.idleExitMs / 1000)} s unless a client connects`);
    this.idleTimer = setTimeout(() => void this.exit(0, 'idle', 'idle'), this.opts.idleExitMs);
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
