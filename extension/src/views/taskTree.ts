/**
 * The task explorer (view `foundry.tasks`): repositories -> tasks -> sessions, rendered from the
 * workbench store and refreshed only when the store changes. What a row shows comes from
 * taskPresentation.ts; this file only turns those rows into TreeItems. Node objects are interned
 * by id so expansion, selection and `reveal` survive refreshes.
 */
import * as vscode from 'vscode';
import { isReviewNode, type ReviewNode, type ReviewTree } from '../review/reviewTree';
import { isShipNode, type ShipNode, type ShipTree } from '../ship/shipTree';
import type { WorkbenchStore } from '../workbenchStore';
import type { RepoScope } from './repoScope';
import { repoRow, sessionRow, shelfRow, sortRepos, taskRow, type Row } from './taskPresentation';

export const TaskViewId = 'foundry.tasks';

export type TreeNode =
  | { readonly kind: 'repo'; readonly repoId: string }
  | { readonly kind: 'task'; readonly taskId: string }
  | { readonly kind: 'session'; readonly sessionId: string }
  /** A repository's Archived or Deleted group. */
  | { readonly kind: 'shelf'; readonly repoId: string; readonly status: 'archived' | 'deleted' }
  | ReviewNode
  | ShipNode;

export class TaskTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, TreeNode>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: WorkbenchStore,
    private readonly scope: RepoScope,
    /** The Changes and Files nodes under each task. */
    private readonly review?: ReviewTree,
    /** The pull request / branch row under each task. */
    private readonly ship?: ShipTree,
  ) {
    const refresh = () => {
      this.changed.fire(undefined);
      void vscode.commands.executeCommand('setContext', 'foundry.hasTasks', this.visibleTaskCount() > 0);
    };
    this.subscription = vscode.Disposable.from(
      store.onDidChange(() => {
        review?.prune();
        ship?.prune();
        refresh();
      }),
      scope.onDidChange(refresh),
      ...(review ? [review.compare.onDidChange(refresh)] : []),
    );
  }

  /** Tasks (not archived) in the repositories this window shows. */
  visibleTaskCount(): number {
    return this.scope.visible(this.store.repos).reduce((n, r) => n + this.store.activeTasks(r.id).length, 0);
  }

  repoNode(repoId: string): TreeNode {
    return this.intern(`repo:${repoId}`, () => ({ kind: 'repo', repoId }));
  }

  taskNode(taskId: string): TreeNode {
    return this.intern(`task:${taskId}`, () => ({ kind: 'task', taskId }));
  }

  shelfNode(repoId: string, status: 'archived' | 'deleted'): TreeNode {
    return this.intern(`shelf:${repoId}:${status}`, () => ({ kind: 'shelf', repoId, status }));
  }

  sessionNode(sessionId: string): TreeNode {
    return this.intern(`session:${sessionId}`, () => ({ kind: 'session', sessionId }));
  }

  getChildren(node?: TreeNode): TreeNode[] | Promise<TreeNode[]> {
    if (!node) {
      // No tasks here at all (archived and deleted ones count: they show in their groups): an empty tree, so the "Create Task" welcome shows.
      if (this.visibleTaskCount() === 0 && !this.scope.visible(this.store.repos).some((r) => this.store.tasks.some((t) => t.repoId === r.id))) return [];
      return sortRepos(this.scope.visible(this.store.repos)).map((r) => this.repoNode(r.id));
    }
    if (node.kind === 'repo') {
      const shelves = (['archived', 'deleted'] as const).filter((s) => this.store.shelvedTasks(node.repoId, s).length > 0).map((s) => this.shelfNode(node.repoId, s));
      return [...this.store.activeTasks(node.repoId).map((t) => this.taskNode(t.id)), ...shelves];
    }
    if (node.kind === 'shelf') return this.store.shelvedTasks(node.repoId, node.status).map((t) => this.taskNode(t.id));
    if (node.kind === 'task') {
      const task = this.store.task(node.taskId);
      if (!task) return [];
      if (task.status === 'archived' || task.status === 'deleted') return task.sessions.map((s) => this.sessionNode(s.id));
      return [...task.sessions.map((s) => this.sessionNode(s.id)), ...(this.ship?.taskChildren(task) ?? []), ...(this.review?.taskChildren(task) ?? [])];
    }
    if (isShipNode(node)) return [];
    if (isReviewNode(node)) return this.review?.getChildren(node) ?? [];
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (isShipNode(node)) return this.taskNode(node.taskId);
    if (isReviewNode(node)) return this.review?.getParent(node, (taskId) => this.taskNode(taskId));
    if (node.kind === 'shelf') return this.repoNode(node.repoId);
    if (node.kind === 'task') {
      const task = this.store.task(node.taskId);
      if (!task) return undefined;
      return task.status === 'archived' || task.status === 'deleted' ? this.shelfNode(task.repoId, task.status) : this.repoNode(task.repoId);
    }
    if (node.kind === 'session') {
      const found = this.store.session(node.sessionId);
      return found ? this.taskNode(found.task.id) : undefined;
    }
    return undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (isShipNode(node)) return this.ship?.getTreeItem(node) ?? new vscode.TreeItem('(ship unavailable)');
    if (isReviewNode(node)) return this.review?.getTreeItem(node) ?? new vscode.TreeItem('(review unavailable)');
    if (node.kind === 'repo') {
      const repo = this.store.repo(node.repoId);
      const shelved = repo ? this.store.shelvedTasks(repo.id, 'archived').length + this.store.shelvedTasks(repo.id, 'deleted').length : 0;
      return repo ? treeItem(repoRow(repo, this.store.activeTasks(repo.id).length, shelved)) : new vscode.TreeItem('(unknown repository)');
    }
    if (node.kind === 'shelf') return treeItem(shelfRow(node.repoId, node.status, this.store.shelvedTasks(node.repoId, node.status).length));
    if (node.kind === 'task') {
      const task = this.store.task(node.taskId);
      return task ? treeItem(taskRow(task, this.store.repo(task.repoId)?.name)) : new vscode.TreeItem('(removed task)');
    }
    const found = this.store.session(node.sessionId);
    if (!found) return new vscode.TreeItem('(removed session)');
    const item = treeItem(sessionRow(found.session, found.task));
    item.command = { command: 'foundry.openSession', title: 'Open Session', arguments: [found.session.id] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private intern(key: string, make: () => TreeNode): TreeNode {
    let node = this.nodes.get(key);
    if (!node) this.nodes.set(key, (node = make()));
    return node;
  }
}

export function treeItem(row: Row): vscode.TreeItem {
  const state = row.collapsed
    ? vscode.TreeItemCollapsibleState.Collapsed
    : row.expanded
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(row.label, state);
  item.id = row.id;
  item.description = row.description;
  item.tooltip = typeof row.tooltip === 'string' ? row.tooltip : new vscode.MarkdownString(row.tooltip.markdown, true);
  item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color === undefined ? undefined : new vscode.ThemeColor(row.icon.color));
  item.contextValue = row.contextValue;
  if (row.ariaLabel) item.accessibilityInformation = { label: row.ariaLabel };
  return item;
}

/**
 * The tree view. It has no badge of its own: the Attention view's badge counts unread sessions
 * with everything else that needs the user, and the activity bar adds up the views' badges.
 */
export class TaskTreeView implements vscode.Disposable {
  readonly view: vscode.TreeView<TreeNode>;

  constructor(
    private readonly store: WorkbenchStore,
    readonly provider: TaskTreeProvider,
  ) {
    this.view = vscode.window.createTreeView(TaskViewId, { treeDataProvider: provider, showCollapseAll: true });
  }

  /** Reveal and select a task once it is in the store. */
  async revealTask(taskId: string): Promise<void> {
    if (!this.store.task(taskId)) return;
    await this.view.reveal(this.provider.taskNode(taskId), { select: true, focus: false, expand: true });
  }

  dispose(): void {
    this.view.dispose();
    this.provider.dispose();
  }
}
