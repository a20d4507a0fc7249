/**
 * The review nodes under each task of the explorer: "Changes" (the task's changed files, listed by
 * foundry/getFileChanges when expanded, each with its mark, counts and decoration; a click opens
 * the native diff editor) and "Files" (the worktree, one folder per foundry/getFileTree, read when
 * expanded). Nodes are interned by id so expansion survives refreshes; the data they show comes
 * from ReviewData, which drops it when a push shows the task's changes moved on.
 */
import * as vscode from 'vscode';
import { filesRootOf } from './filesRoot';
import { diffUri } from './diffDocuments';
import type { FileChange, FileTreeEntry, TaskSummary } from '../../../shared/protocol';
import { errorMessage } from '../errors';
import { treeItem } from '../views/taskTree';
import type { WorkbenchStore } from '../workbenchStore';
import type { CompareMode } from './compareMode';
import { worktreeUri } from './fileDecorations';
import type { ReviewData } from './reviewData';
import { changesRow, fileChangeRow, filesRow, treeEntryRow } from './reviewPresentation';
import { reviewCommentsRow } from './reviewCommentsPresentation';

export type ReviewNode =
  | { readonly kind: 'changes'; readonly taskId: string }
  | { readonly kind: 'change'; readonly taskId: string; readonly path: string; change: FileChange }
  | { readonly kind: 'files'; readonly taskId: string }
  | { readonly kind: 'entry'; readonly taskId: string; readonly path: string; entry: FileTreeEntry }
  | { readonly kind: 'note'; readonly id: string; readonly label: string; readonly error: boolean }
  /** "2 review comments": the task's unsent comments (a click shows them in the Comments panel). */
  | { readonly kind: 'reviewComments'; readonly taskId: string };

export const ReviewKinds: ReadonlySet<string> = new Set(['changes', 'change', 'files', 'entry', 'note', 'reviewComments']);

export function isReviewNode(node: { kind: string }): node is ReviewNode {
  return ReviewKinds.has(node.kind);
}

export class ReviewTree {
  private readonly nodes = new Map<string, ReviewNode>();

  constructor(
    private readonly store: WorkbenchStore,
    private readonly data: ReviewData,
    readonly compare: CompareMode,
  ) {}

  /** The review nodes of a task: once it has a sandbox (a worktree, or a remote one), and until it is archived. */
  taskChildren(task: TaskSummary): ReviewNode[] {
    if (!filesRootOf(task) || task.status === 'archived' || task.status === 'archive_remove_sandbox') return [];
    const comments = task.reviewComments ? [this.intern(`reviewComments:${task.id}`, () => ({ kind: 'reviewComments', taskId: task.id }))] : [];
    return [
      this.intern(`changes:${task.id}`, () => ({ kind: 'changes', taskId: task.id })),
      ...comments,
      this.intern(`files:${task.id}`, () => ({ kind: 'files', taskId: task.id })),
    ];
  }

  changesNode(taskId: string): ReviewNode {
    return this.intern(`changes:${taskId}`, () => ({ kind: 'changes', taskId }));
  }

  async getChildren(node: ReviewNode): Promise<ReviewNode[]> {
    if (node.kind === 'note' || node.kind === 'change' || node.kind === 'reviewComments') return [];
    try {
      if (node.kind === 'changes') {
        const files = await this.data.files(node.taskId);
        if (files.length === 0) return [this.note(node.taskId, 'No file changed against the base.', false, 'changes')];
        return files.map((change) => this.changeNode(node.taskId, change));
      }
      if (node.kind === 'files' || (node.kind === 'entry' && node.entry.type === 'directory')) {
        // The marks of the tree's files come with the changed files' decorations.
        void this.data.files(node.taskId).catch(() => undefined);
        const entries = await this.data.tree(node.taskId, node.kind === 'files' ? '' : node.path);
        if (entries.length === 0) return [this.note(node.taskId, 'Empty folder', false, where(node))];
        return entries.map((entry) => this.entryNode(node.taskId, entry));
      }
      return [];
    } catch (error) {
      const what = node.kind === 'changes' ? 'list the changes' : 'read the folder';
      return [this.note(node.taskId, `Could not ${what}: ${errorMessage(error)}`, true, where(node))];
    }
  }

  getTreeItem(node: ReviewNode): vscode.TreeItem {
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.iconPath = node.error ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')) : undefined;
      item.tooltip = node.label;
      item.contextValue = 'note';
      return item;
    }
    const task = this.store.task(node.taskId);
    if (!task) return new vscode.TreeItem('(removed task)');
    if (node.kind === 'changes') return treeItem(changesRow(task, this.compare.against));
    if (node.kind === 'files') return treeItem(filesRow(task));
    if (node.kind === 'reviewComments') {
      const row = reviewCommentsRow(task);
      if (!row) return new vscode.TreeItem('No review comment');
      const item = treeItem(row);
      item.command = { command: 'workbench.action.focusCommentsPanel', title: 'Show Comments' };
      return item;
    }
    // A remote sandbox's files are `foundry:` documents (the modified side, read through the sidecar).
    const files = filesRootOf(task) ?? { root: '', local: true };
    const uriOf = (path: string) => (files.local ? worktreeUri(files.root, path) : diffUri(files.root, task.id, path, 'modified', 'base'));
    if (node.kind === 'change') {
      const item = treeItem(fileChangeRow(task.id, node.change));
      item.resourceUri = uriOf(node.change.path);
      item.iconPath = vscode.ThemeIcon.File;
      item.command = { command: 'foundry.openFileDiff', title: 'Open Changes', arguments: [node] };
      return item;
    }
    const item = treeItem(treeEntryRow(task.id, node.entry));
    item.resourceUri = uriOf(node.entry.path);
    item.iconPath = node.entry.type === 'directory' ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
    if (node.entry.type !== 'directory') item.command = { command: 'vscode.open', title: 'Open File', arguments: [item.resourceUri] };
    return item;
  }

  /** The parent of a review node: a task's, or a folder's (`taskNode` gives the task's node). */
  getParent<T>(node: ReviewNode, taskNode: (taskId: string) => T): ReviewNode | T | undefined {
    if (node.kind === 'changes' || node.kind === 'files' || node.kind === 'reviewComments') return taskNode(node.taskId);
    if (node.kind === 'change') return this.changesNode(node.taskId);
    if (node.kind === 'entry') {
      const slash = node.path.lastIndexOf('/');
      const parent = slash < 0 ? undefined : this.nodes.get(`entry:${node.taskId}:${node.path.slice(0, slash)}`);
      return parent ?? this.intern(`files:${node.taskId}`, () => ({ kind: 'files', taskId: node.taskId }));
    }
    return undefined;
  }

  /** Forget the nodes of tasks that are gone. */
  prune(): void {
    for (const [key, node] of this.nodes) if (node.kind !== 'note' && !this.store.task(node.taskId)) this.nodes.delete(key);
  }

  private changeNode(taskId: string, change: FileChange): ReviewNode {
    const node = this.intern(`change:${taskId}:${change.path}`, () => ({ kind: 'change', taskId, path: change.path, change }));
    if (node.kind === 'change') node.change = change;
    return node;
  }

  private entryNode(taskId: string, entry: FileTreeEntry): ReviewNode {
    const node = this.intern(`entry:${taskId}:${entry.path}`, () => ({ kind: 'entry', taskId, path: entry.path, entry }));
    if (node.kind === 'entry') node.entry = entry;
    return node;
  }

  private note(taskId: string, label: string, error: boolean, where: string): ReviewNode {
    const id = `note:${taskId}:${where}:${error ? 'error' : 'info'}`;
    return { kind: 'note', id, label, error };
  }

  private intern(key: string, make: () => ReviewNode): ReviewNode {
    let node = this.nodes.get(key);
    if (!node) this.nodes.set(key, (node = make()));
    return node;
  }
}

/** Where a note sits, for its id: under Changes, under Files, or under one folder. */
function where(node: ReviewNode): string {
  return node.kind === 'entry' ? `dir:${node.path}` : node.kind;
}
