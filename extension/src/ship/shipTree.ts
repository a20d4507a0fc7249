/**
 * The ship row under each task of the explorer that has a sandbox (a worktree, or a remote one): its pull request (state,
 * checks, review; a click opens it on GitHub), else whether and how far its branch is pushed, and
 * the running or failed last action. Rendered from the task's summary alone (pushed by the
 * sidecar's projections), so it follows pushes and never reads anything itself.
 */
import * as vscode from 'vscode';
import { hasSandbox } from '../sandboxes/sandboxPresentation';
import type { TaskSummary } from '../../../shared/protocol';
import { treeItem } from '../views/taskTree';
import type { WorkbenchStore } from '../workbenchStore';
import { shipRow } from './shipPresentation';

export interface ShipNode {
  readonly kind: 'ship';
  readonly taskId: string;
}

export function isShipNode(node: { kind: string }): node is ShipNode {
  return node.kind === 'ship';
}

export class ShipTree {
  private readonly nodes = new Map<string, ShipNode>();

  constructor(private readonly store: WorkbenchStore) {}

  /** The ship row of a task: once it has a sandbox (a worktree, or a remote one), and until it is archived. */
  taskChildren(task: TaskSummary): ShipNode[] {
    if (!hasSandbox(task) || task.status === 'archived' || task.status === 'archive_remove_sandbox') return [];
    let node = this.nodes.get(task.id);
    if (!node) this.nodes.set(task.id, (node = { kind: 'ship', taskId: task.id }));
    return [node];
  }

  getTreeItem(node: ShipNode): vscode.TreeItem {
    const task = this.store.task(node.taskId);
    if (!task) return new vscode.TreeItem('(removed task)');
    const item = treeItem(shipRow(task));
    if (task.pullRequest) item.command = { command: 'foundry.openPullRequest', title: 'Open Pull Request on GitHub', arguments: [node] };
    return item;
  }

  /** Forget the rows of tasks that are gone. */
  prune(): void {
    for (const taskId of this.nodes.keys()) if (!this.store.task(taskId)) this.nodes.delete(taskId);
  }
}
