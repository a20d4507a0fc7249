/**
 * One chat tab: a webview panel bound to one session. Feeds the webview the
 * session state and transcript (only after it said `ready`) and turns its
 * requests into sidecar requests.
 */
import * as vscode from 'vscode';
import {
  CancelTurn,
  type CheckpointsUpdatedParams,
  EditQueuedMessage,
  ListCheckpoints,
  MarkSessionRead,
  RemoveQueuedMessage,
  ReplyPermission,
  RestoreCheckpoint,
  RetrySession,
  SendMessage,
  SendQueued,
  SetSessionMode,
  SetSessionModel,
  type TranscriptEvent,
  UndoLastTurn,
} from '../../../shared/protocol';
import { type ChatAction, type ChatState, ChatTask, FromWebview, type ToWebview } from '../../../shared/webview-protocol';
import { DisposableScope } from '../disposable';
import { errorMessage } from '../errors';
import { agentCommands, continueWith } from './agentActions';
import { chatHtml, chatWebviewOptions } from './chatHtml';
import type { ChatTabStore } from './chatTabStore';
import type { ChatHost } from './host';
import { refusalText } from './refusals';
import { TranscriptSync } from './transcriptSync';
import { fileInWorktree } from './worktreeFile';

export class ChatPanel implements vscode.Disposable {
  private readonly scope = new DisposableScope();
  private readonly sync: TranscriptSync;
  /** The webview's script is running: posting is allowed. Reset when a hidden webview is torn down. */
  private webviewReady = false;
  /** Last state posted, to post only changes. */
  private lastState = '';
  private disposed = false;
  /** The task's checkpoints as last listed or pushed. */
  private checkpoints: Omit<CheckpointsUpdatedParams, 'taskId'> | undefined;
  private readonly onDidDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    readonly sessionId: string,
    private readonly panel: vscode.WebviewPanel,
    private readonly host: ChatHost,
    /** Where the tab's draft and scroll are kept so they survive a reload right after typing. */
    private readonly store: ChatTabStore,
    /** Open (or reveal) another session's chat tab. */
    private readonly openSession: (sessionId: string) => void,
  ) {
    panel.webview.options = chatWebviewOptions(host.extensionUri);
    this.sync = this.scope.register(
      new TranscriptSync(host, sessionId, {
        appended: (events) => this.appended(events),
        syncChanged: () => this.stateChanged(),
      }),
    );
    this.scope.register(panel.webview.onDidReceiveMessage((raw: unknown) => this.received(raw)));
    this.scope.register(
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retained context); it says `ready` again when shown.
        if (!panel.visible) this.webviewReady = false;
        else this.markRead();
      }),
    );
    this.scope.register(host.onDidChangeWorkbench(() => this.stateChanged()));
    this.scope.register(host.onDidChangeAgents(() => this.stateChanged()));
    // After a (re)start the store is bootstrapped again: catch up, and retry a load that failed.
    this.scope.register(
      host.onDidRestart(() => {
        this.sync.resubscribe();
        this.loadCheckpoints();
      }),
    );
    this.scope.register(
      host.onDidChangeCheckpoints((p) => {
        if (p.taskId !== host.getSession(sessionId)?.task.id) return;
        this.checkpoints = p;
        this.stateChanged();
      }),
    );
    this.loadCheckpoints();
    this.scope.register(panel.onDidDispose(() => this.dispose()));
    this.updateTitle(host.getSession(sessionId)?.session.name);
    panel.webview.html = chatHtml(panel.webview, host.extensionUri, panel.title, sessionId);
    this.markRead();
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /**
   * Stop feeding the tab: unsubscribe and drop listeners. Runs when the user closes the tab, and when
   * the extension deactivates - then the tab itself is left for VS Code to restore after a reload.
   * The session itself stays open either way.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scope.dispose();
    this.onDidDisposeEmitter.fire();
    this.onDidDisposeEmitter.dispose();
  }

  private received(raw: unknown): void {
    const parsed = FromWebview.safeParse(raw);
    if (!parsed.success) {
      this.host.log.warn(`chat ${this.sessionId}: ignored an invalid webview message: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      void this.store.viewState(this.sessionId).then((viewState) => {
        this.webviewReady = true;
        const state = this.state();
        this.lastState = JSON.stringify(state);
        this.post({ type: 'snapshot', state, events: this.sync.events, viewState });
      });
      return;
    }
    if (message.type === 'saveViewState') {
      const state = { ...message.state, sessionId: this.sessionId };
      void this.store.saveViewState(state).then(() => this.post({ type: 'viewStateSaved', draft: state.draft }));
      return;
    }
    void this.perform(message.request).then(
      () => this.post({ type: 'reply', requestId: message.requestId }),
      (err: unknown) => this.post({ type: 'reply', requestId: message.requestId, error: refusalText(message.request.action, err) }),
    );
  }

  private async perform(action: ChatAction): Promise<void> {
    const sessionId = this.sessionId;
    switch (action.action) {
      case 'send':
        await this.host.request(SendMessage, { sessionId, text: action.text });
        return;
      case 'stop':
        await this.host.request(CancelTurn, { sessionId });
        return;
      case 'replyPermission':
        await this.host.request(ReplyPermission, { sessionId, requestId: action.requestId, optionId: action.optionId });
        return;
      case 'retry': {
        // A pending session waits on its task: when the task's provisioning failed, retry that.
        const current = this.host.getSession(sessionId);
        if (current && current.task.status === 'error' && current.session.status.startsWith('pending_')) {
          await this.host.retryTask(current.task.id);
        } else {
          await this.host.request(RetrySession, { sessionId });
        }
        return;
      }
      case 'openFile':
        await this.openFile(action.path, action.line);
        return;
      case 'setMode':
        await this.host.request(SetSessionMode, { sessionId, mode: action.mode });
        return;
      case 'setModel':
        await this.host.request(SetSessionModel, { sessionId, model: action.model });
        return;
      case 'editQueued':
        await this.host.request(EditQueuedMessage, { sessionId, messageId: action.messageId, text: action.text });
        return;
      case 'removeQueued':
        await this.host.request(RemoveQueuedMessage, { sessionId, messageId: action.messageId });
        return;
      case 'sendQueued':
        await this.host.request(SendQueued, { sessionId });
        return;
      case 'handoff': {
        const next = await continueWith(this.host, sessionId);
        if (next) this.openSession(next.id);
        return;
      }
      case 'openSession':
        this.openSession(action.sessionId);
        return;
      case 'restoreCheckpoint': {
        const taskId = this.host.getSession(sessionId)?.task.id;
        if (!taskId) throw new Error('The session no longer exists.');
        await this.host.request(RestoreCheckpoint, { taskId, checkpointId: action.checkpointId });
        return;
      }
      case 'undoLastTurn':
        await this.host.request(UndoLastTurn, { sessionId });
        return;
      case 'agentAction': {
        const agentId = this.host.getSession(sessionId)?.session.agent;
        if (!agentId) throw new Error('The session no longer exists.');
        // Installed or configured, the agent's new state reaches the banner as agentsUpdated.
        await vscode.commands.executeCommand(agentCommands[action.agentAction], agentId);
        return;
      }
    }
  }

  /** Open a file the transcript names beside the chat, at `line`; only inside the task's worktree. */
  private async openFile(path: string, line: number | undefined): Promise<void> {
    const worktree = this.host.getSession(this.sessionId)?.task.worktreePath;
    if (!worktree) throw new Error(`Cannot open ${path}: the task has no worktree yet.`);
    const file = await fileInWorktree(worktree, path);
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(file), {
      viewColumn: vscode.ViewColumn.Beside,
      selection: new vscode.Range(position, position),
      preview: true,
    });
  }

  private appended(events: TranscriptEvent[]): void {
    this.post({ type: 'events', events });
  }

  private state(): ChatState {
    const current = this.host.getSession(this.sessionId);
    const agent = current ? this.host.agent(current.session.agent) : undefined;
    return {
      sessionId: this.sessionId,
      session: current?.session,
      task: current ? ChatTask.parse(current.task) : undefined,
      workbenchLoaded: current !== undefined || this.host.isWorkbenchLoaded(),
      sync: this.sync.state,
      ...(agent && current?.session.status === 'error' ? { agent } : {}),
      ...(this.checkpoints
        ? {
            checkpoints: {
              turns: this.checkpoints.turns.filter((t) => t.sessionId === this.sessionId),
              ...(this.checkpoints.restore ? { restore: this.checkpoints.restore } : {}),
            },
          }
        : {}),
    };
  }

  /** List the task's checkpoints (on open and after a restart); pushes keep them current after that. */
  private loadCheckpoints(): void {
    const taskId = this.host.getSession(this.sessionId)?.task.id;
    if (!taskId) return;
    this.host.request(ListCheckpoints, { taskId }).then(
      (r) => {
        this.checkpoints ??= r;
        this.stateChanged();
      },
      (err: unknown) => this.host.log.debug(`chat ${this.sessionId}: listCheckpoints failed: ${errorMessage(err)}`),
    );
  }

  private stateChanged(): void {
    if (this.disposed) return;
    const state = this.state();
    this.updateTitle(state.session?.name);
    if (state.session?.unread) this.markRead();
    const serialized = JSON.stringify(state);
    if (serialized === this.lastState) return;
    this.lastState = serialized;
    this.post({ type: 'state', state });
  }

  private updateTitle(name: string | undefined): void {
    if (name && this.panel.title !== name) this.panel.title = name;
  }

  /** Clear the session's unread mark while the tab is visible. */
  private markRead(): void {
    if (!this.panel.visible || !this.host.getSession(this.sessionId)?.session.unread) return;
    this.host.request(MarkSessionRead, { sessionId: this.sessionId }).catch((err: unknown) => {
      this.host.log.debug(`chat ${this.sessionId}: markSessionRead failed: ${errorMessage(err)}`);
    });
  }

  private post(message: ToWebview): void {
    if (!this.webviewReady || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }
}
