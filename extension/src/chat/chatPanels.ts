/**
 * All chat tabs of this window: one panel per session, and the serializer that
 * brings tabs back after a window reload (their sessionId is in the webview state).
 */
import * as vscode from 'vscode';
import { ChatViewState, ChatViewType } from '../../../shared/webview-protocol';
import { ChatPanel } from './chatPanel';
import { chatWebviewOptions } from './chatHtml';
import { ChatTabStore } from './chatTabStore';
import type { ChatHost } from './host';

export interface ChatPanels extends vscode.Disposable {
  /** Open the session's chat tab, or reveal it when it is already open. */
  open(sessionId: string): void;
  /** Whether the session's chat tab is open and visible in this window. */
  isVisible(sessionId: string): boolean;
}

export function registerChatPanels(context: vscode.ExtensionContext, host: ChatHost): ChatPanels {
  const panels = new Map<string, ChatPanel>();

  const store = new ChatTabStore(context.storageUri ?? context.globalStorageUri, host.log);

  const adopt = (sessionId: string, panel: vscode.WebviewPanel): ChatPanel => {
    const chat = new ChatPanel(sessionId, panel, host, store, (other) => open(other));
    panels.set(sessionId, chat);
    void store.addTab(sessionId, panel.title);
    // Only a tab the user closed is forgotten; at shutdown the tabs stay listed for the restore.
    panel.onDidDispose(() => void store.removeTab(sessionId));
    chat.onDidDispose(() => {
      if (panels.get(sessionId) === chat) panels.delete(sessionId);
    });
    return chat;
  };

  const serializer = vscode.window.registerWebviewPanelSerializer(ChatViewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = ChatViewState.safeParse(state);
      // VS Code may save the tab before the webview's first setState reached it: then fall back
      // to the tabs this workspace had open.
      const sessionId = parsed.success ? parsed.data.sessionId : await store.guessTab(panel.title, new Set(panels.keys()));
      if (!sessionId) {
        host.log.warn(`chat: a restored tab (${panel.title}) has no session in its state; closing it`);
        panel.dispose();
        return;
      }
      if (!parsed.success) {
        const shape = state === null || typeof state !== 'object' ? typeof state : `object with ${Object.keys(state).join(', ') || 'no keys'}`;
        host.log.info(`chat: restored tab ${panel.title} (state: ${shape}) matched to session ${sessionId} from the open tabs list`);
      }
      if (panels.has(sessionId)) {
        // Already open (opened by a command before the restore ran): keep one tab per session.
        panel.dispose();
        return;
      }
      adopt(sessionId, panel);
    },
  });

  function open(sessionId: string): void {
    const existing = panels.get(sessionId);
    if (existing) {
      existing.reveal();
      return;
    }
    const name = host.getSession(sessionId)?.session.name ?? 'Session';
    const panel = vscode.window.createWebviewPanel(
      ChatViewType,
      name,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { ...chatWebviewOptions(host.extensionUri), enableFindWidget: true, retainContextWhenHidden: false },
    );
    adopt(sessionId, panel);
  }

  const disposable = vscode.Disposable.from(serializer, {
    dispose: () => {
      for (const chat of [...panels.values()]) chat.dispose();
      panels.clear();
    },
  });
  context.subscriptions.push(disposable);
  return { open, isVisible: (sessionId) => panels.get(sessionId)?.visible === true, dispose: () => disposable.dispose() };
}

