/**
 * All chat tabs of this window: one panel per session, and the serializer that
 * brings tabs back after a window reload (their sessionId is in the webview state).
 */
import * as vscode from 'vscode';
import { ChatViewState, ChatViewType } from '../../../shared/webview-protocol';
import { ChatPanel } from './chatPanel';
import { chatWebviewOptions } from './chatHtml';
import type { ChatHost } from './host';

export interface ChatPanels extends vscode.Disposable {
  /** Open the session's chat tab, or reveal it when it is already open. */
  open(sessionId: string): void;
}

export function registerChatPanels(context: vscode.ExtensionContext, host: ChatHost): ChatPanels {
  const panels = new Map<string, ChatPanel>();

  const adopt = (sessionId: string, panel: vscode.WebviewPanel): ChatPanel => {
    const chat = new ChatPanel(sessionId, panel, host);
    panels.set(sessionId, chat);
    chat.onDidDispose(() => {
      if (panels.get(sessionId) === chat) panels.delete(sessionId);
    });
    return chat;
  };

  const serializer = vscode.window.registerWebviewPanelSerializer(ChatViewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = ChatViewState.safeParse(state);
      if (!parsed.success) {
        host.log.warn('chat: a restored tab had no session in its state; closing it');
        panel.dispose();
        return;
      }
      const { sessionId } = parsed.data;
      if (panels.has(sessionId)) {
        // Already open (opened by a command before the restore ran): keep one tab per session.
        panel.dispose();
        return;
      }
      adopt(sessionId, panel);
    },
  });

  const open = (sessionId: string): void => {
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
  };

  const disposable = vscode.Disposable.from(serializer, {
    dispose: () => {
      for (const chat of [...panels.values()]) chat.dispose();
      panels.clear();
    },
  });
  context.subscriptions.push(disposable);
  return { open, dispose: () => disposable.dispose() };
}
