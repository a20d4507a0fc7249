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

  const openTabs = new OpenTabs(context.workspaceState);

  const adopt = (sessionId: string, panel: vscode.WebviewPanel): ChatPanel => {
    const chat = new ChatPanel(sessionId, panel, host, context.workspaceState);
    panels.set(sessionId, chat);
    openTabs.add(sessionId, panel.title);
    // Only a tab the user closed is forgotten; at shutdown the tabs stay listed for the restore.
    panel.onDidDispose(() => openTabs.remove(sessionId));
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
      const sessionId = parsed.success ? parsed.data.sessionId : openTabs.guess(panel.title, new Set(panels.keys()));
      if (!sessionId) {
        host.log.warn(`chat: a restored tab (${panel.title}) has no session in its state; closing it`);
        panel.dispose();
        return;
      }
      if (!parsed.success) host.log.info(`chat: restored tab ${panel.title} matched to session ${sessionId} from the open tabs list`);
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

/** The chat tabs open in this workspace, kept in workspace state (written at once, unlike webview state). */
class OpenTabs {
  private static readonly key = 'foundry.chat.openTabs';

  constructor(private readonly memento: vscode.Memento) {}

  add(sessionId: string, title: string): void {
    const tabs = this.all().filter((t) => t.sessionId !== sessionId);
    void this.memento.update(OpenTabs.key, [...tabs, { sessionId, title }]);
  }

  remove(sessionId: string): void {
    void this.memento.update(
      OpenTabs.key,
      this.all().filter((t) => t.sessionId !== sessionId),
    );
  }

  /** A listed session not already shown, preferring one whose tab had this title. */
  guess(title: string, shown: ReadonlySet<string>): string | undefined {
    const candidates = this.all().filter((t) => !shown.has(t.sessionId));
    return (candidates.find((t) => t.title === title) ?? candidates[0])?.sessionId;
  }

  private all(): { sessionId: string; title: string }[] {
    const raw = this.memento.get<unknown>(OpenTabs.key);
    return Array.isArray(raw)
      ? raw.filter((t): t is { sessionId: string; title: string } => typeof t?.sessionId === 'string' && typeof t?.title === 'string')
      : [];
  }
}
