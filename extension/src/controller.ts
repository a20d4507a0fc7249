/**
 * The controller: owns the sidecar client, the workbench store and the two disposal scopes -
 * the extension's lifetime (`context.subscriptions`) and the current sidecar's lifetime
 * (`clientScope`, disposed whenever the sidecar stops). Views and commands reach the sidecar
 * only through `request`, which fails clearly while it is not running; commands that read the
 * store first wait for `whenReady`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { z } from 'zod';
import { waitForSidecarInfo } from '../../shared/attach';
import { compareVersions, defaultDataDir } from '../../shared/sidecarLocation';
import { FOUNDRY_VERSION } from '../../shared/version';
import {
  GetWorkbench,
  HandOver,
  ImportDatabases,
  PROTOCOL_VERSION,
  ServerStatus,
  SidecarExiting,
  type SidecarExitingParams,
  TranscriptAppended,
  WorkbenchUpdated,
  type ParamsOf,
  type RequestDef,
  type ResultOf,
  type ServerStatusParams,
  type TranscriptAppendedParams,
  type TranscriptEvent,
  type WorkbenchUpdatedParams,
} from '../../shared/protocol';
import { AgentStore } from './agents/agentStore';
import { redactingChannel, SecretValues } from './agents/redaction';
import { readConfig, writeSidecarSettings } from './config';
import { DisposableScope } from './disposable';
import { errorMessage, SidecarNotRunningError, toSidecarError } from './errors';
import { checkRuntime, resolveRuntime } from './sidecar/runtime';
import type { SidecarConnection } from './sidecar/sidecarConnection';
import { TrafficCounter } from './sidecar/traffic';
import { WorkbenchStore } from './workbenchStore';

export type SidecarState = 'starting' | 'running' | 'stopped' | 'failed';

/** What a connection hook may do with the sidecar it is given. */
export interface SidecarSession {
  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>>;
  /** Listen to a notification for this connection's lifetime. */
  onNotification<P>(def: { method: string }, handler: (params: P) => void): void;
}

/**
 * Runs on every connection to a sidecar (first start, reconnect after a crash, hand-over to a new
 * one), after `initialize` and before the workbench bootstrap - so before any command or view
 * reaches that sidecar. A hook that throws is logged; the connection goes on.
 */
export type ConnectionHook = (session: SidecarSession) => Promise<void>;

/** Consecutive failed starts or early crashes before Foundry stops retrying on its own. */
const MaxAutoRestarts = 6;
/** A sidecar that stayed up this long resets the crash count. */
const HealthyUptimeMs = 180_000;
/** How long `whenReady` waits for a start in progress before it gives up and says so. */
const ReadyTimeoutMs = 30_000;
/** After a planned exit, how long to wait for the next sidecar (started by whoever took over). */
const TakeOverWaitMs = 10_000;

export class Controller implements vscode.Disposable {
  readonly store = new WorkbenchStore();
  readonly traffic = new TrafficCounter();
  /** The sidecar's agents: listAgents at each connection, then agentsUpdated pushes. */
  readonly agents = new AgentStore();
  /** Every credential value this window knows: redacted from the log the language client writes. */
  readonly secretValues = new SecretValues();
  private readonly connectionHooks = new Set<ConnectionHook>();
  private readonly stateChanged = new vscode.EventEmitter<SidecarState>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly restarted = new vscode.EventEmitter<void>();
  /** Fires after each (re)start once the store has bootstrapped. */
  readonly onDidRestart = this.restarted.event;
  private readonly serverStatusChanged = new vscode.EventEmitter<void>();
  /** Fires when the sidecar reports that its background work started or settled. */
  readonly onDidChangeServerStatus = this.serverStatusChanged.event;
  private lastServerStatus: ServerStatusParams | undefined;

  private currentState: SidecarState = 'stopped';
  private failure: string | undefined;
  private sidecar: SidecarConnection | undefined;
  private clientScope = new DisposableScope();
  private starting: Promise<SidecarConnection | undefined> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private crashCount = 0;
  private crashNotified = false;
  private startedAt = 0;
  private disposed = false;
  /** The sidecar said it is exiting on purpose (hand-over, restart, signal): not a crash. */
  private plannedExit: SidecarExitingParams | undefined;
  private updateNoticeShown = false;

  private bootstrapping: Promise<void> | undefined;
  private buffered: WorkbenchUpdatedParams[] = [];
  private readonly transcriptListeners = new Map<string, Set<(events: TranscriptEvent[]) => void>>();

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    context.subscriptions.push(this.store, this.agents, this.traffic, this.stateChanged, this.restarted, this.serverStatusChanged, this);
  }

  get state(): SidecarState {
    return this.currentState;
  }

  /** The sidecar's last reported background activity (undefined until it reports). */
  get serverStatus(): ServerStatusParams | undefined {
    return this.lastServerStatus;
  }

  /** Why the sidecar is not running, when it failed. */
  get failureMessage(): string | undefined {
    return this.failure;
  }

  /** Whether this window has workspace folders (tasks are created on them). */
  get hasFolder(): boolean {
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  }

  /** The user's one data folder: shared by every window, editor and the CLI. */
  get dataDir(): string {
    return defaultDataDir(readConfig().dataDir);
  }

  /** Start the sidecar (no-op while one runs or starts). Resolves once the store is bootstrapped. */
  start(): Promise<SidecarConnection | undefined> {
    if (this.sidecar) return Promise.resolve(this.sidecar);
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.starting?.catch(() => undefined);
    const sidecar = this.sidecar;
    this.detach();
    if (sidecar) await sidecar.stop();
    if (!this.disposed) this.setState('stopped');
  }

  /**
   * "Restart Sidecar": the running sidecar hands over like an update - it drains (interrupted
   * work resumes) and exits - and this window starts a new one. Asks first when turns run.
   */
  async restart(): Promise<void> {
    this.crashCount = 0;
    this.failure = undefined;
    const sidecar = this.sidecar;
    if (sidecar && this.currentState === 'running') {
      const turns = this.lastServerStatus?.turns ?? 0;
      if (turns > 0) {
        const go = await vscode.window.showWarningMessage(
          `${turns} turn${turns === 1 ? ' is' : 's are'} running; ${turns === 1 ? 'it' : 'they'} will be interrupted and resumed.`,
          { modal: true },
          'Restart Sidecar',
        );
        if (go !== 'Restart Sidecar') return;
      }
      await this.handOver(sidecar, 'restart');
    } else {
      await this.stop();
    }
    await this.start();
  }

  /** Throw the error a user should see when the sidecar is neither running nor starting. */
  requireRunning(): void {
    if (this.currentState !== 'running' && this.currentState !== 'starting') throw new SidecarNotRunningError(this.failure);
  }

  /**
   * Resolves once the store holds the running sidecar's workbench: what pickers and commands that
   * read the store wait for, so a command run right after the window opens sees every task. Waits
   * for a start in progress (and starts a restart still in its backoff), at most ReadyTimeoutMs;
   * throws the error a user should see when there is no folder or the sidecar is not running.
   */
  async whenReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timedOut'>((resolve) => (timer = setTimeout(() => resolve('timedOut'), ReadyTimeoutMs)));
    const outcome = await Promise.race([this.settledStart(), timedOut]).finally(() => clearTimeout(timer));
    if (outcome === 'timedOut') throw new SidecarNotRunningError(`it did not finish starting within ${ReadyTimeoutMs / 1000} s`);
    if (this.currentState !== 'running' || !this.store.loaded) throw new SidecarNotRunningError(this.failure);
  }

  /** A typed request to the sidecar; waits for a start in progress, fails clearly when not running. */
  async request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
    const sidecar = await this.settledStart();
    if (!sidecar || this.currentState !== 'running') throw new SidecarNotRunningError(this.failure);
    try {
      return await sidecar.client.sendRequest<ResultOf<D>>(def.method, params);
    } catch (error) {
      throw toSidecarError(error);
    }
  }

  /** Add a hook run on every connection before the bootstrap (see ConnectionHook). */
  addConnectionHook(hook: ConnectionHook): vscode.Disposable {
    this.connectionHooks.add(hook);
    return new vscode.Disposable(() => this.connectionHooks.delete(hook));
  }

  /** Listen to transcript events pushed for a session this window subscribed to. */
  onTranscript(sessionId: string, listener: (events: TranscriptEvent[]) => void): vscode.Disposable {
    let listeners = this.transcriptListeners.get(sessionId);
    if (!listeners) this.transcriptListeners.set(sessionId, (listeners = new Set()));
    listeners.add(listener);
    return new vscode.Disposable(() => {
      listeners.delete(listener);
      if (listeners.size === 0) this.transcriptListeners.delete(sessionId);
    });
  }

  dispose(): void {
    this.disposed = true;
    void this.stop();
  }

  /**
   * The sidecar once no start is in progress. A start in progress (activation, restart) finishes
   * first, so a caller meets a bootstrapped sidecar; a restart still waiting out its backoff starts
   * now: the user is waiting on it.
   */
  private settledStart(): Promise<SidecarConnection | undefined> {
    if (this.starting) return this.starting;
    if (!this.sidecar && this.restartTimer) return this.start();
    return Promise.resolve(this.sidecar);
  }

  private async doStart(handedOver = false): Promise<SidecarConnection | undefined> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.setState('starting');
    const began = performance.now();
    const config = readConfig();
    const runtime = resolveRuntime(config.sidecarRuntime);
    const check = await checkRuntime(runtime);
    if (!check.ok) {
      this.fail(check.message, ['Open Settings', 'Show Logs']);
      return undefined;
    }
    const dataDir = defaultDataDir(config.dataDir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeSidecarSettings(dataDir, config);
    // Loaded on first start, not at activation: the language client is most of the bundle.
    const { SidecarConnection } = await import('./sidecar/sidecarConnection');
    const sidecar: SidecarConnection = new SidecarConnection({
      runtime,
      bundleDir: vscode.Uri.joinPath(this.context.extensionUri, 'dist').fsPath,
      dataDir,
      initializationOptions: { dataDir },
      clientInfo: { name: `Foundry (${vscode.env.appName})`, version: FOUNDRY_VERSION },
      idleExitSeconds: config.sidecarIdleExitSeconds,
      log: redactingChannel(this.log, (text) => this.secretValues.redact(text)),
      traffic: this.traffic,
      onUnexpectedClose: () => this.onUnexpectedClose(sidecar),
    });
    this.sidecar = sidecar;
    this.plannedExit = undefined;
    this.clientScope.register(sidecar.client.onNotification(WorkbenchUpdated.method, (p: WorkbenchUpdatedParams) => this.onWorkbenchUpdated(sidecar, p)));
    this.clientScope.register(sidecar.client.onNotification(TranscriptAppended.method, (p: TranscriptAppendedParams) => this.onTranscriptAppended(p)));
    this.clientScope.register(
      sidecar.client.onNotification(ServerStatus.method, (p: ServerStatusParams) => {
        if (this.sidecar !== sidecar) return;
        this.lastServerStatus = p;
        this.serverStatusChanged.fire();
      }),
    );
    this.clientScope.register(
      sidecar.client.onNotification(SidecarExiting.method, (p: SidecarExitingParams) => {
        if (this.sidecar !== sidecar) return;
        this.plannedExit = p;
        this.log.info(`Sidecar: exiting on purpose (${p.reason}${p.detail ? `: ${p.detail}` : ''}); Foundry reconnects.`);
      }),
    );
    try {
      await sidecar.start();
      this.startedAt = Date.now();
      const verdict = this.judgeVersion(sidecar);
      if (verdict === 'handOver' && !handedOver) {
        this.log.info(`Sidecar: version ${sidecar.serverInfo?.version} is older than this window's ${FOUNDRY_VERSION}; handing it over.`);
        await this.handOver(sidecar, 'update');
        return this.doStart(true);
      }
      if (verdict === 'incompatible') throw new Error(`the running sidecar speaks protocol ${sidecar.serverInfo?.protocolVersion ?? 'unknown'}, this window ${PROTOCOL_VERSION}`);
      await this.runConnectionHooks(sidecar);
      await this.bootstrap(sidecar);
    } catch (error) {
      if (this.sidecar !== sidecar) return undefined;
      this.log.error(`Sidecar failed to start: ${errorMessage(error)}`);
      this.detach();
      await sidecar.stop();
      this.scheduleRestart(`failed to start (${errorMessage(error)})`);
      return undefined;
    }
    if (this.sidecar !== sidecar) return undefined;
    this.log.info(`Sidecar ready in ${Math.round(performance.now() - began)} ms (Node ${check.version}, data in ${dataDir})`);
    this.failure = undefined;
    this.setState('running');
    this.restarted.fire();
    this.importEarlierDatabases(sidecar);
    return sidecar;
  }

  /**
   * Earlier versions kept one database per window, in its workspace storage
   * (`<user>/workspaceStorage/<hash>/<this extension>/foundry.db`). Hand every one found to the
   * sidecar, which imports each once, in the background, and renames it (idempotent: a second
   * window sending the same files adds nothing).
   */
  private importEarlierDatabases(sidecar: SidecarConnection): void {
    const storage = this.context.globalStorageUri.fsPath; // <user>/globalStorage/<extension>
    const root = join(dirname(dirname(storage)), 'workspaceStorage');
    let databases: string[] = [];
    try {
      databases = readdirSync(root)
        .map((hash) => join(root, hash, basename(storage), 'foundry.db'))
        .filter((file) => existsSync(file))
        .slice(0, 1000);
    } catch {
      return; // no workspace storage yet
    }
    if (databases.length === 0) return;
    this.log.info(`Importing ${databases.length} database(s) of earlier Foundry versions: ${databases.join(', ')}`);
    sidecar.client.sendRequest(ImportDatabases.method, { databases }).catch((error) => this.log.warn(`Import of earlier databases: ${errorMessage(error)}`));
  }

  /**
   * Who serves whom. A newer window hands an older sidecar over; an older window keeps using a
   * newer sidecar of the same protocol and suggests a reload; different protocols never talk.
   */
  private judgeVersion(sidecar: SidecarConnection): 'ok' | 'handOver' | 'incompatible' {
    const info = sidecar.serverInfo;
    if (!info) return 'incompatible';
    const order = compareVersions(FOUNDRY_VERSION, info.version);
    if (order > 0) return 'handOver';
    if (order < 0 && !this.updateNoticeShown) {
      this.updateNoticeShown = true;
      void vscode.window.showInformationMessage(`Foundry was updated (${info.version}): reload this window to use the new version.`, 'Reload Window').then((choice) => {
        if (choice === 'Reload Window') void vscode.commands.executeCommand('workbench.action.reloadWindow');
      });
    }
    return info.protocolVersion === PROTOCOL_VERSION ? 'ok' : 'incompatible';
  }

  /** Ask the sidecar to drain and exit, and wait until its connection has closed. */
  private async handOver(sidecar: SidecarConnection, reason: 'update' | 'restart'): Promise<void> {
    const closed = sidecar.whenClosed();
    this.detach();
    try {
      await sidecar.client.sendRequest(HandOver.method, { version: FOUNDRY_VERSION, reason });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer);
    } catch (error) {
      this.log.warn(`Sidecar hand-over: ${errorMessage(error)}`);
    }
    await sidecar.stop();
  }

  private onUnexpectedClose(sidecar: SidecarConnection): void {
    if (this.sidecar !== sidecar || this.disposed) return;
    const planned = this.plannedExit;
    const oldPid = sidecar.attached?.pid;
    this.detach();
    void sidecar.stop();
    if (planned) {
      // Not a crash: connect to whoever takes over (a newer window starts its own), or start one.
      this.setState('starting');
      const wait = planned.reason === 'hand_over' || planned.reason === 'restart' ? TakeOverWaitMs : 0;
      void waitForSidecarInfo(this.dataDir, wait, (info) => info.pid !== oldPid).then(() => this.start());
      return;
    }
    if (Date.now() - this.startedAt > HealthyUptimeMs) this.crashCount = 0;
    this.scheduleRestart('stopped unexpectedly');
  }

  /** Forget the current sidecar and everything registered for its lifetime. */
  private detach(): void {
    this.sidecar = undefined;
    this.clientScope.dispose();
    this.clientScope = new DisposableScope();
  }

  /** `why` completes "The Foundry sidecar ...", e.g. "stopped unexpectedly". */
  private scheduleRestart(why: string): void {
    if (this.disposed) return;
    this.crashCount++;
    if (this.crashCount > MaxAutoRestarts) {
      this.fail(`The Foundry sidecar is not running: it ${why}, ${MaxAutoRestarts} times in a row. Run "Foundry: Restart Sidecar" after checking the logs.`, ['Show Logs', 'Restart Sidecar']);
      return;
    }
    const delay = Math.min(30_000, 1_000 * 2 ** (this.crashCount - 1));
    this.failure = `it ${why}; restarting`;
    this.log.error(`Sidecar: ${why}. Restarting in ${delay} ms (attempt ${this.crashCount} of ${MaxAutoRestarts}).`);
    this.setState('starting');
    if (!this.crashNotified) {
      this.crashNotified = true;
      void vscode.window.showWarningMessage(`The Foundry sidecar ${why}. Foundry is restarting it.`, 'Show Logs').then((choice) => {
        if (choice === 'Show Logs') this.log.show(true);
      });
    }
    this.restartTimer = setTimeout(() => void this.start(), delay);
  }

  private fail(message: string, actions: string[]): void {
    this.failure = message;
    this.log.error(message);
    this.setState('failed');
    void vscode.window.showErrorMessage(message, ...actions).then(async (choice) => {
      if (choice === 'Show Logs') this.log.show(true);
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'foundry.sidecar.runtime');
      if (choice === 'Restart Sidecar') await this.restart();
    });
  }

  private async runConnectionHooks(sidecar: SidecarConnection): Promise<void> {
    const session: SidecarSession = {
      request: async (def, params) => {
        try {
          return await sidecar.client.sendRequest(def.method, params);
        } catch (error) {
          throw toSidecarError(error);
        }
      },
      onNotification: (def, handler) => {
        this.clientScope.register(
          sidecar.client.onNotification(def.method, (params: Parameters<typeof handler>[0]) => {
            if (this.sidecar === sidecar) handler(params);
          }),
        );
      },
    };
    for (const hook of this.connectionHooks) {
      if (this.sidecar !== sidecar) return;
      await hook(session).catch((error) => this.log.error(`Sidecar connection hook failed: ${errorMessage(error)}`));
    }
  }

  /** Bootstrap from GetWorkbench; pushes arriving meanwhile are buffered and applied after. */
  private bootstrap(sidecar: SidecarConnection): Promise<void> {
    this.bootstrapping ??= (async () => {
      let again = false;
      try {
        this.buffered = [];
        const workbench = await sidecar.client.sendRequest<ResultOf<typeof GetWorkbench>>(GetWorkbench.method, {});
        if (this.sidecar !== sidecar) return;
        this.store.reset(workbench);
        const pending = this.buffered.sort((a, b) => a.version - b.version);
        this.buffered = [];
        again = pending.some((update) => this.store.apply(update) === 'gap');
      } finally {
        this.bootstrapping = undefined;
      }
      if (again) {
        this.log.info('Workbench: a pushed version was missed during bootstrap; bootstrapping again.');
        await this.bootstrap(sidecar);
      }
    })();
    return this.bootstrapping;
  }

  private onWorkbenchUpdated(sidecar: SidecarConnection, update: WorkbenchUpdatedParams): void {
    if (this.sidecar !== sidecar) return;
    if (this.bootstrapping) {
      this.buffered.push(update);
      return;
    }
    if (this.store.apply(update) === 'gap') {
      this.log.info(`Workbench: version ${update.version} after ${this.store.currentVersion}; bootstrapping again.`);
      this.bootstrap(sidecar).catch((error) => this.log.error(`Workbench bootstrap failed: ${errorMessage(error)}`));
    }
  }

  private onTranscriptAppended(params: TranscriptAppendedParams): void {
    for (const listener of this.transcriptListeners.get(params.sessionId) ?? []) {
      try {
        listener(params.events);
      } catch (error) {
        this.log.error(`Transcript listener failed: ${errorMessage(error)}`);
      }
    }
  }

  private setState(state: SidecarState): void {
    if (this.currentState === state) return;
    if (state !== 'running') this.lastServerStatus = undefined;
    this.currentState = state;
    void vscode.commands.executeCommand('setContext', 'foundry.state', state);
    this.stateChanged.fire(state);
  }
}
