/**
 * The Attention view (`foundry.attention`, above the task explorer): every session, across tasks
 * and repositories, that needs the user (attention.ts decides which). A click opens the session's
 * chat tab; a permission item lists the agent's own options and a click on one answers it;
 * a session whose agent is missing or lacks credentials offers Install / Configure inline. The view
 * badge counts the items; `foundry.attentionCount` drives the empty-state welcome.
 */
import * as vscode from 'vscode';
import { ErrorCodes, ReplyPermission } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import type { WorkbenchStore } from '../workbenchStore';
import { attentionBadge, attentionItems, type AttentionItem } from './attention';
import type { AgentStore } from '../agents/agentStore';
import { attentionRow, permissionOptionRow } from './attentionRows';
import { treeItem } from './taskTree';

export const AttentionViewId = 'foundry.attention';

/** `session` nodes have the task explorer's shape, so its session commands (Open, Retry) take them. */
export type AttentionNode =
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'permissionOption'; readonly sessionId: string; readonly requestId: string; readonly optionId: string };

export class AttentionTreeProvider implements vscode.TreeDataProvider<AttentionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AttentionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, AttentionNode>();
  private items = new Map<string, AttentionItem>();
  private readonly subscriptions: vscode.Disposable[];
  /** What the view last showed: most pushes (a stage, a change count) leave it as it is. */
  private shown = '';

  constructor(
    private readonly store: WorkbenchStore,
    readonly agents: Pick<AgentStore, 'get' | 'onDidChange'>,
  ) {
    this.subscriptions = [store.onDidChange(() => this.refresh(false)), agents.onDidChange(() => this.refresh(true))];
  }

  private refresh(always: boolean): void {
    const now = JSON.stringify(this.current());
    if (!always && now === this.shown) return;
    this.shown = now;
    this.changed.fire(undefined);
  }

  /** The items now, most urgent first (also what the badge and the status bar count). */
  current(): AttentionItem[] {
    return attentionItems(this.store.tasks);
  }

  getChildren(node?: AttentionNode): AttentionNode[] {
    if (!node) {
      const items = this.current();
      this.items = new Map(items.map((i) => [i.sessionId, i]));
      // Forget the nodes of sessions (and requests) that no longer need the user.
      for (const [key, n] of this.nodes) {
        const item = this.items.get(n.sessionId);
        if (!item || (n.kind === 'permissionOption' && item.permission?.requestId !== n.requestId)) this.nodes.delete(key);
      }
      return items.map((i) => this.intern(`session:${i.sessionId}`, () => ({ kind: 'session', sessionId: i.sessionId })));
    }
    if (node.kind !== 'session') return [];
    const item = this.items.get(node.sessionId);
    const permission = item?.permission;
    if (!permission) return [];
    return permission.options.map((o) =>
      this.intern(`option:${node.sessionId}:${permission.requestId}:${o.optionId}`, () => ({
        kind: 'permissionOption',
        sessionId: node.sessionId,
        requestId: permission.requestId,
        optionId: o.optionId,
      })),
    );
  }

  getParent(node: AttentionNode): AttentionNode | undefined {
    return node.kind === 'permissionOption' ? this.nodes.get(`session:${node.sessionId}`) : undefined;
  }

  getTreeItem(node: AttentionNode): vscode.TreeItem {
    const item = this.items.get(node.sessionId);
    if (!item) return new vscode.TreeItem('(no longer needs you)');
    if (node.kind === 'session') {
      const tree = treeItem(attentionRow(item, this.agents.get(item.agent)));
      tree.command = { command: 'foundry.openSession', title: 'Open Session', arguments: [item.sessionId] };
      return tree;
    }
    const option = item.permission?.options.find((o) => o.optionId === node.optionId);
    if (!option || item.permission?.requestId !== node.requestId) return new vscode.TreeItem('(answered)');
    const tree = treeItem(permissionOptionRow(item, option));
    tree.command = { command: 'foundry.attention.replyPermission', title: option.name, arguments: [node] };
    return tree;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private intern(key: string, make: () => AttentionNode): AttentionNode {
    let node = this.nodes.get(key);
    if (!node) this.nodes.set(key, (node = make()));
    return node;
  }
}

/** The view, its badge and its empty-state context key, following the store. */
export class AttentionView implements vscode.Disposable {
  readonly view: vscode.TreeView<AttentionNode>;
  private readonly subscriptions: vscode.Disposable[];
  private lastCount = -1;

  constructor(
    private readonly store: WorkbenchStore,
    readonly provider: AttentionTreeProvider,
  ) {
    this.view = vscode.window.createTreeView(AttentionViewId, { treeDataProvider: provider });
    this.subscriptions = [store.onDidChange(() => this.render())];
    this.render();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.view.dispose();
    this.provider.dispose();
  }

  private render(): void {
    const count = this.provider.current().length;
    if (count === this.lastCount) return;
    this.lastCount = count;
    this.view.badge = attentionBadge(count);
    void vscode.commands.executeCommand('setContext', 'foundry.attentionCount', count);
  }
}

/** The view's commands: answer a permission option, and the inline ways out of a failed agent. */
export function registerAttentionCommands(controller: Controller): vscode.Disposable[] {
  const agentOf = (arg: unknown): string | undefined => {
    const sessionId = typeof arg === 'string' ? arg : isNode(arg) ? arg.sessionId : undefined;
    return sessionId === undefined ? undefined : controller.store.session(sessionId)?.session.agent;
  };
  const forward = (command: string) => async (arg: unknown) => {
    const agentId = agentOf(arg);
    if (agentId) await vscode.commands.executeCommand(command, agentId);
  };
  return [
    register(controller, 'foundry.attention.replyPermission', 'Answer Permission', (arg: unknown) => replyPermission(controller, arg)),
    register(controller, 'foundry.attention.installAgent', 'Install Agent', forward('foundry.installAgent')),
    register(controller, 'foundry.attention.configureAgent', 'Configure Agent', forward('foundry.configureAgent')),
  ];
}

async function replyPermission(controller: Controller, arg: unknown): Promise<void> {
  if (!isNode(arg) || arg.kind !== 'permissionOption') return;
  try {
    await controller.request(ReplyPermission, { sessionId: arg.sessionId, requestId: arg.requestId, optionId: arg.optionId });
  } catch (error) {
    if ((error as { code?: unknown }).code !== ErrorCodes.InvalidState) throw error;
    controller.log.info(`Attention: permission ${arg.requestId} of ${arg.sessionId}: ${errorMessage(error)}`);
    void vscode.window.showInformationMessage('Foundry: this permission request was already answered or has expired.');
  }
}

function isNode(arg: unknown): arg is AttentionNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg && 'sessionId' in arg;
}

function register(controller: Controller, id: string, title: string, handler: (arg: unknown) => Promise<void>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg: unknown) => {
    try {
      await handler(arg);
    } catch (error) {
      controller.log.error(`Foundry: ${title} failed: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Foundry: ${title} failed: ${errorMessage(error)}`);
    }
  });
}
