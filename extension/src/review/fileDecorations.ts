/**
 * File decorations for the tasks' changed files, as VS Code's Source Control view gives them: the
 * letter (A, M, D, R, U) and its colour, on the worktree files' own URIs. They show on the rows of
 * the task explorer (whose items carry those URIs) and in any Explorer showing the worktree. Known
 * for the tasks whose changed files were listed; kept current by ReviewData's fetches.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FileChange } from '../../../shared/protocol';
import type { WorkbenchStore } from '../workbenchStore';
import type { LoadedFiles, ReviewData } from './reviewData';
import { changeMark } from './reviewPresentation';

/** The worktree file of a task's path. */
export function worktreeUri(worktreePath: string, path: string): vscode.Uri {
  return vscode.Uri.file(join(worktreePath, ...path.split('/')));
}

export class ChangeDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  /** Per task, its decorated files by URI. */
  private readonly byTask = new Map<string, Map<string, FileChange>>();
  private readonly byUri = new Map<string, FileChange>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(data: ReviewData, store: WorkbenchStore) {
    this.subscriptions = [
      vscode.window.registerFileDecorationProvider(this),
      data.onDidLoadFiles((loaded) => this.set(loaded)),
      // A task whose worktree went away (archived, removed) loses its marks; others keep them until their files are fetched again.
      data.onDidInvalidate((taskId) => {
        if (!store.task(taskId)?.worktreePath) this.set({ taskId, worktreePath: '', files: [] });
      }),
    ];
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const change = this.byUri.get(uri.toString());
    if (!change) return undefined;
    const mark = changeMark(change.status, change.untracked);
    const decoration = new vscode.FileDecoration(mark.letter, mark.title, new vscode.ThemeColor(mark.color));
    decoration.propagate = change.status !== 'deleted';
    return decoration;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private set({ taskId, worktreePath, files }: LoadedFiles): void {
    const before = this.byTask.get(taskId) ?? new Map<string, FileChange>();
    const after = new Map(worktreePath ? files.map((f) => [worktreeUri(worktreePath, f.path).toString(), f] as const) : []);
    const touched: vscode.Uri[] = [];
    for (const [key, change] of before) {
      if (after.get(key) === undefined || !sameMark(after.get(key), change)) touched.push(vscode.Uri.parse(key));
      this.byUri.delete(key);
    }
    for (const [key, change] of after) {
      this.byUri.set(key, change);
      if (!sameMark(before.get(key), change)) touched.push(vscode.Uri.parse(key));
    }
    if (after.size) this.byTask.set(taskId, after);
    else this.byTask.delete(taskId);
    if (touched.length) this.changed.fire(touched);
  }
}

function sameMark(a: FileChange | undefined, b: FileChange | undefined): boolean {
  return a?.status === b?.status && a?.untracked === b?.untracked;
}
