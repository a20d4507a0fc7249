/**
 * Resolve a command's subject: a tree node or an id when invoked from the tree or a link,
 * otherwise a QuickPick over the workbench store, once it is bootstrapped (`whenReady`).
 */
import * as vscode from 'vscode';
import { statusLabel, type AgentInfo, type SessionSummary, type TaskSummary } from '../../../shared/protocol';
import { agentPickRow, pickerOrder } from '../agents/agentPresentation';
import type { Controller } from '../controller';
import type { TreeNode } from '../views/taskTree';
import { taskDescription } from '../views/taskPresentation';

function isNode(arg: unknown): arg is TreeNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg;
}

/** Which active tasks a pick offers, and what to say when none of them is one. */
export interface TaskOffer {
  readonly offered: (task: TaskSummary) => boolean;
  readonly none: string;
}

/** The task an argument names, else one the user picks (among the active tasks, or those `offer` keeps). */
export async function resolveTask(controller: Controller, arg: unknown, placeHolder = 'Select a task', offer?: TaskOffer): Promise<TaskSummary | undefined> {
  // An id from a link or a test can come before the first bootstrap; a tree node cannot.
  if (typeof arg === 'string' && !controller.store.loaded) await controller.whenReady();
  if (typeof arg === 'string') return controller.store.task(arg) ?? missing(`task ${arg}`);
  if (isNode(arg)) {
    if (arg.kind === 'session') return controller.store.session(arg.sessionId)?.task ?? missing(`session ${arg.sessionId}`);
    // The task's own row, or a row under it (its ship row, Changes, a file).
    if ('taskId' in arg) return controller.store.task(arg.taskId) ?? missing(`task ${arg.taskId}`);
  }
  // Right after the window opens the store may not be bootstrapped yet: an empty list would be a lie.
  await controller.whenReady();
  const all = controller.store.activeTasks();
  const tasks = offer ? all.filter(offer.offered) : all;
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage(all.length && offer ? offer.none : 'Foundry has no tasks yet. Run "Foundry: Create Task" first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tasks.map((task) => ({ label: task.title, description: taskDescription(task), detail: `${controller.store.repo(task.repoId)?.name ?? ''} · ${task.branch}`, task })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.task;
}

export async function resolveSession(
  controller: Controller,
  arg: unknown,
  placeHolder = 'Select a session',
): Promise<{ session: SessionSummary; task: TaskSummary } | undefined> {
  if (typeof arg === 'string' && !controller.store.loaded) await controller.whenReady();
  if (typeof arg === 'string') return controller.store.session(arg) ?? missing(`session ${arg}`);
  if (isNode(arg) && arg.kind === 'session') return controller.store.session(arg.sessionId) ?? missing(`session ${arg.sessionId}`);
  await controller.whenReady();
  const items = controller.store
    .activeTasks()
    .flatMap((task) => task.sessions.map((session) => ({ label: session.name, description: `${task.title} · ${statusLabel[session.status]}`, found: { session, task } })));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Foundry has no sessions yet. Run "Foundry: Create Task" first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked?.found;
}

/** One of the workspace folders: the only one, or a QuickPick when there are several (callers checked there is one). */
export async function pickWorkspaceFolder(placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  const picked = await vscode.window.showQuickPick(
    folders.map((folder) => ({ label: folder.name, description: folder.uri.fsPath, folder })),
    { placeHolder },
  );
  return picked?.folder;
}

/**
 * An agent: the one an id names, else a QuickPick of the agents `include` keeps (name, version,
 * ready or why not), the default first. Waits for a sidecar start in progress (its agent list).
 */
export async function resolveAgent(
  controller: Controller,
  arg: unknown,
  placeHolder: string,
  include: (agent: AgentInfo) => boolean = () => true,
  defaultId?: string,
): Promise<AgentInfo | undefined> {
  // A (re)start in progress lists the agents again: wait for it. With no sidecar, the last list is still the agents'.
  await controller.whenReady().catch((error: unknown) => {
    if (!controller.agents.loaded) throw error;
  });
  if (typeof arg === 'string') return controller.agents.get(arg) ?? missing(`agent ${arg}`);
  const agents = pickerOrder(controller.agents.list.filter(include), defaultId);
  if (agents.length === 0) {
    void vscode.window.showInformationMessage('Foundry: no agent fits.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    agents.map((agent) => ({ ...agentPickRow(agent, defaultId), agent })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true },
  );
  return picked?.agent;
}

function missing(what: string): never {
  throw new Error(`Foundry does not know ${what} (it may have been removed).`);
}
