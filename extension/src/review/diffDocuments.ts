/**
 * The `foundry:` documents of the diff editors: one side of one file of a task, at the base (or
 * HEAD) or in the worktree, as foundry/getFileDiff gives it (both sides of one diff share one
 * request). The uri is `foundry:<the worktree file's path>?taskId=…&path=…&side=original|modified&against=base|head`,
 * so the editors name, highlight and pair it with the worktree's file. Binary and too large files read as a
 * short notice; a side where the file does not exist is empty. Open documents refresh when the
 * task's changes or git state change.
 */
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import type { ReviewData } from './reviewData';
import { worktreeUri } from './fileDecorations';
import { decodeDiffQuery, diffSideText, encodeDiffQuery, type Against, type DiffSide } from './reviewPresentation';

export const DiffScheme = 'foundry';

export function diffUri(worktreePath: string, taskId: string, path: string, side: DiffSide, against: Against): vscode.Uri {
  return vscode.Uri.from({ scheme: DiffScheme, path: worktreeUri(worktreePath, path).path, query: encodeDiffQuery({ taskId, path, side, against }) });
}

export class DiffDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly controller: Controller,
    private readonly data: ReviewData,
  ) {
    this.subscriptions = [vscode.workspace.registerTextDocumentContentProvider(DiffScheme, this), data.onDidInvalidate((taskId) => this.refresh(taskId))];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = decodeDiffQuery(uri.query);
    if (typeof query === 'string') return `Foundry cannot show ${uri.toString()}: ${query}.\n`;
    try {
      if (!this.controller.store.loaded) await this.controller.whenReady();
      return diffSideText(await this.data.diff(query.taskId, query.path, query.against), query.side);
    } catch (error) {
      return `Foundry could not read ${query.path}: ${errorMessage(error)}\n`;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private refresh(taskId: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== DiffScheme || doc.isClosed) continue;
      const query = decodeDiffQuery(doc.uri.query);
      if (typeof query !== 'string' && query.taskId === taskId) this.changed.fire(doc.uri);
    }
  }
}
