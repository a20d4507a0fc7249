/**
 * The task explorer (view `foundry.tasks`): repositories -> tasks -> sessions, rendered from the
 * workbench store and refreshed only when the store changes. Node objects are interned by id so
 * expansion, selection and `reveal` survive refreshes.
 */
import * as vscode from 'vscode';
import type { Repo, SessionSummary, TaskSummary } from '../../../shared/protocol';
import type { WorkbenchStore } from '../workbenchStore';
import { sessionDescription, sessionIcon, sessionTooltip, taskDescription, taskIcon, taskTooltip } from './taskPresentation';

export const TaskViewId = 'foundry.tasks';

export type TreeNode =
  | { readonly kind: 'repo'; readonly repoId: string }
  | { readonly kind: 'task'; readonly taskId: string }
  | { readonly kind: 'session'; readonly sessionId: string };

export class TaskTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, TreeNode>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: WorkbenchStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  repoNode(repoId: string): TreeNode {
    return this.intern(`repo:${repoId}`, () => ({ kind: 'repo', repoId }));
  }

  taskNode(taskId: string): TreeNode {
    return this.intern(`task:${taskId}`, () => ({ kind: 'task', taskId }));
  }

  sessionNode(sessionId: string): TreeNode {
    return this.intern(`session:${sessionId}`, () => ({ kind: 'session', sessionId }));
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      // No tasks: an empty tree, so the "Create Task" welcome shows.
      if (this.store.activeTasks().length === 0) return [];
      return [...this.store.repos].sort((a, b) => a.name.localeCompare(b.name)).map((r) => this.repoNode(r.id));
    }
    if (node.kind === 'repo') return this.store.activeTasks(node.repoId).map((t) => this.taskNode(t.id));
    if (node.kind === 'task') return (this.store.task(node.taskId)?.sessions ?? []).map((s) => this.sessionNode(s.id));
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'task') {
      const task = this.store.task(node.taskId);
      return task ? this.repoNode(task.repoId) : undefined;
    }
    if (node.kind === 'session') {
      const found = this.store.session(node.sessionId);
      return found ? this.taskNode(found.task.id) : undefined;
    }
    return undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'repo') {
      const repo = this.store.repo(node.repoId);
      return repo ? this.repoItem(repo) : new vscode.TreeItem('(unknown repository)');
    }
    if (node.kind === 'task') {
      const task = this.store.task(node.taskId);
      return task ? this.taskItem(task) : new vscode.TreeItem('(removed task)');
    }
    const found = this.store.session(node.sessionId);
    return found ? this.sessionItem(found.session) : new vscode.TreeItem('(removed session)');
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private repoItem(repo: Repo): vscode.TreeItem {
    const count = this.store.activeTasks(repo.id).length;
    const item = new vscode.TreeItem(repo.name, count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `repo:${repo.id}`;
    item.description = count > 0 ? undefined : 'no tasks';
    item.tooltip = `${repo.path}\nDefault branch: ${repo.defaultBranch}${repo.setupScript ? '\nHas a setup script' : ''}`;
    item.iconPath = new vscode.ThemeIcon('repo');
    item.contextValue = 'repo';
    return item;
  }

  private taskItem(task: TaskSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(task.title, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `task:${task.id}`;
    item.description = taskDescription(task);
    item.tooltip = taskTooltip(task, this.store.repo(task.repoId)?.name);
    item.iconPath = taskIcon(task);
    item.contextValue = `task:${task.status}${task.worktreePath ? ':worktree' : ''}`;
    return item;
  }

  private sessionItem(session: SessionSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(session.name, vscode.TreeItemCollapsibleState.None);
    item.id = `session:${session.id}`;
    item.description = sessionDescription(session);
    item.tooltip = sessionTooltip(session);
    item.iconPath = sessionIcon(session, this.store.session(session.id)?.task);
    item.contextValue = `session:${session.status}${session.unread ? ':unread' : ''}`;
    item.command = { command: 'foundry.openSession', title: 'Open Session', arguments: [session.id] };
    return item;
  }

  private intern(key: string, make: () => TreeNode): TreeNode {
    let node = this.nodes.get(key);
    if (!node) this.nodes.set(key, (node = make()));
    return node;
  }
}

/** The tree view and its unread badge, both following the store. */
export class TaskTreeView implements vscode.Disposable {
  readonly view: vscode.TreeView<TreeNode>;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: WorkbenchStore,
    readonly provider: TaskTreeProvider,
  ) {
    this.view = vscode.window.createTreeView(TaskViewId, { treeDataProvider: provider, showCollapseAll: true });
    this.subscription = store.onDidChange(() => this.renderBadge());
    this.renderBadge();
  }

  /** Reveal and select a task once it is in the store. */
  async revealTask(taskId: string): Promise<void> {
    if (!this.store.task(taskId)) return;
    await this.view.reveal(this.provider.taskNode(taskId), { select: true, focus: false, expand: true });
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.provider.dispose();
  }

  private renderBadge(): void {
    const unread = this.store.unreadSessionCount();
    this.view.badge = unread > 0 ? { value: unread, tooltip: `${unread} unread session${unread === 1 ? '' : 's'}` } : undefined;
  }
}
