/**
 * What must outlive a window reload for chat tabs: which sessions have a tab open and each tab's
 * view state (draft, scroll). Kept in one small JSON file in the extension's storage folder.
 *
 * Why a file: in VS Code for the web (code-server) neither webview state nor workspaceState reach
 * durable storage until the window's storage is flushed, which a reload right after typing beats.
 * A file written by the extension host is durable once the write resolves.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { ChatViewState } from '../../../shared/webview-protocol';
import { errorMessage } from '../errors';

const StoreFile = z.object({
  tabs: z.array(z.object({ sessionId: z.string(), title: z.string() })).default([]),
  views: z.record(z.string(), ChatViewState).default({}),
});
type StoreFile = z.infer<typeof StoreFile>;

export class ChatTabStore {
  private data: StoreFile = { tabs: [], views: {} };
  private readonly file: vscode.Uri;
  private readonly loaded: Promise<void>;
  /** Writes run one after another; callers arriving before a write starts share it. */
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    folder: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.file = vscode.Uri.joinPath(folder, 'chat-tabs.json');
    this.loaded = this.load();
  }

  async viewState(sessionId: string): Promise<ChatViewState | undefined> {
    await this.loaded;
    return this.data.views[sessionId];
  }

  /** Store a tab's view state; resolves once it is on disk. */
  async saveViewState(state: ChatViewState): Promise<void> {
    await this.loaded;
    this.data.views[state.sessionId] = state;
    return this.write();
  }

  async addTab(sessionId: string, title: string): Promise<void> {
    await this.loaded;
    this.data.tabs = [...this.data.tabs.filter((t) => t.sessionId !== sessionId), { sessionId, title }];
    return this.write();
  }

  /** The user closed the tab: forget it (its draft stays for when it is opened again). */
  async removeTab(sessionId: string): Promise<void> {
    await this.loaded;
    this.data.tabs = this.data.tabs.filter((t) => t.sessionId !== sessionId);
    return this.write();
  }

  /** A listed session not already shown, preferring one whose tab had this title. */
  async guessTab(title: string, shown: ReadonlySet<string>): Promise<string | undefined> {
    await this.loaded;
    const candidates = this.data.tabs.filter((t) => !shown.has(t.sessionId));
    return (candidates.find((t) => t.title === title) ?? candidates[0])?.sessionId;
  }

  private async load(): Promise<void> {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file));
      const parsed = StoreFile.safeParse(JSON.parse(text));
      if (parsed.success) this.data = parsed.data;
    } catch {
      // No file yet, or unreadable: start empty.
    }
  }

  private write(): Promise<void> {
    this.queued ??= this.chain.then(() => {
      this.queued = undefined;
      return this.flush();
    });
    this.chain = this.queued;
    return this.queued;
  }

  private async flush(): Promise<void> {
    const text = new TextEncoder().encode(JSON.stringify(this.data));
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(this.file, '..'));
      await vscode.workspace.fs.writeFile(this.file, text);
    } catch (err) {
      this.log.warn(`chat: saving ${this.file.fsPath} failed: ${errorMessage(err)}`);
    }
  }
}
