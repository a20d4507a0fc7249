/**
 * Foundry's extension entry: builds the controller, the views and the commands, then starts the
 * sidecar in the background. Activation is lazy (the Foundry view, a Foundry command or a
 * restored chat tab) and its cost is logged as `Foundry activated in N ms`.
 */
import * as vscode from 'vscode';
import { registerChatPanels } from './chat/chatPanels';
import { ControllerChatHost } from './chat/controllerChatHost';
import { registerCommands } from './commands';
import { credentialsOf } from './agents/agentCommands';
import { watchAgentFailures } from './agents/agentNotices';
import { agentSyncHook } from './agents/agentSync';
import { daytonaKeyHook, daytonaKeyOf } from './sandboxes/daytonaKey';
import { LiveSidecarSettings, readConfig, RestartSettings, writeSidecarSettings } from './config';
import { Controller } from './controller';
import { Notifier } from './notifications/notifier';
import { AttentionTreeProvider, AttentionView, registerAttentionCommands } from './views/attentionView';
import { FoundryStatusBar } from './views/statusBar';
import { TaskLogDocuments } from './views/taskLogDocument';
import { TaskTreeProvider, TaskTreeView } from './views/taskTree';
import { RepoScope } from './views/repoScope';
import { repoIdentity } from './views/repoIdentity';
import { registerReview } from './review/review';
import { registerShip } from './ship/ship';

/** The controller of the active extension, stopped on deactivate. */
let active: Controller | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const began = performance.now();
  const log = vscode.window.createOutputChannel('Foundry', { log: true });
  context.subscriptions.push(log);
  const controller = new Controller(context, log);
  active = controller;

  const scope = new RepoScope();
  const review = registerReview(controller);
  const ship = registerShip(controller);
  const tree = new TaskTreeView(controller.store, new TaskTreeProvider(controller.store, scope, review.tree, ship.tree));
  context.subscriptions.push(scope, ...trackRepoScope(context, scope, log), ...review.disposables, ...ship.disposables);
  const chat = registerChatPanels(context, new ControllerChatHost(controller));
  context.subscriptions.push(
    tree,
    chat,
    new AttentionView(controller.store, new AttentionTreeProvider(controller.store, controller.agents)),
    ...registerAttentionCommands(controller),
    new Notifier({ store: controller.store, agentName: (id) => controller.agents.get(id)?.name ?? id, open: (id) => chat.open(id), isTabVisible: (id) => chat.isVisible(id) }),
    new FoundryStatusBar(
      controller.store,
      () => controller.state,
      () => controller.failureMessage,
      () => controller.serverStatus,
      [controller.onDidChangeState, controller.onDidChangeServerStatus],
    ),
    new TaskLogDocuments(controller),
    ...registerCommands({ controller, tree, chat }),
    vscode.workspace.onDidChangeConfiguration((event) => offerRestart(controller, event)),
    controller.addConnectionHook(agentSyncHook(controller, credentialsOf(controller))),
    controller.addConnectionHook(daytonaKeyHook(controller, daytonaKeyOf(controller))),
    ...watchAgentFailures(controller),
    vscode.workspace.onDidChangeConfiguration((event) => rewriteLiveSettings(controller, event)),
  );

  void controller.start();
  log.info(`Foundry activated in ${Math.round(performance.now() - began)} ms`);
}

export async function deactivate(): Promise<void> {
  const controller = active;
  active = undefined;
  // Only this window's connection ends: the sidecar is shared, and it exits on its own once idle.
  await controller?.stop();
}

function offerRestart(controller: Controller, event: vscode.ConfigurationChangeEvent): void {
  if (!RestartSettings.some((key) => event.affectsConfiguration(key))) return;
  void vscode.window.showInformationMessage('Foundry: the changed setting takes effect when the sidecar restarts.', 'Restart now').then((choice) => {
    if (choice === 'Restart now') void vscode.commands.executeCommand('foundry.restartSidecar');
  });
}

/** The running sidecar applies these from D/settings.json as soon as the file changes. */
function rewriteLiveSettings(controller: Controller, event: vscode.ConfigurationChangeEvent): void {
  if (!LiveSidecarSettings.some((key) => event.affectsConfiguration(key))) return;
  writeSidecarSettings(controller.dataDir, readConfig()).catch((error) => controller.log.warn(`Could not write the sidecar's settings: ${(error as Error).message}`));
}

const ShowAllKey = 'foundry.showAllRepositories';

/**
 * Keep the explorer's repository scope current: the workspace folders' repositories (by
 * identity), and the user's "Show All Repositories" choice (remembered across windows).
 */
function trackRepoScope(context: vscode.ExtensionContext, scope: RepoScope, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const refreshFolders = async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const ids = await Promise.all(folders.map((f) => repoIdentity(f.uri.fsPath).catch(() => undefined)));
    scope.setWorkspaceRepos(ids.filter((p): p is string => p !== undefined));
  };
  const setShowAll = (all: boolean) => {
    scope.setShowAll(all);
    void context.globalState.update(ShowAllKey, all);
    void vscode.commands.executeCommand('setContext', ShowAllKey, all);
  };
  setShowAll(context.globalState.get<boolean>(ShowAllKey, false));
  void refreshFolders().catch((e) => log.warn(`Could not read the workspace folders' repositories: ${(e as Error).message}`));
  return [
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refreshFolders()),
    vscode.commands.registerCommand('foundry.showAllRepositories', () => setShowAll(true)),
    vscode.commands.registerCommand('foundry.showWorkspaceRepositories', () => setShowAll(false)),
  ];
}
