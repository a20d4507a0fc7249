/**
 * Foundry's extension entry: builds the controller, the views and the commands, then starts the
 * sidecar in the background. Activation is lazy (the Foundry view, a Foundry command or a
 * restored chat tab) and its cost is logged as `Foundry activated in N ms`.
 */
import * as vscode from 'vscode';
import { registerChatPanels } from './chat/chatPanels';
import { ControllerChatHost } from './chat/controllerChatHost';
import { registerCommands } from './commands';
import { RestartSettings } from './config';
import { Controller } from './controller';
import { FoundryStatusBar } from './views/statusBar';
import { TaskLogDocuments } from './views/taskLogDocument';
import { TaskTreeProvider, TaskTreeView } from './views/taskTree';

/** The controller of the active extension, stopped on deactivate. */
let active: Controller | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const began = performance.now();
  const log = vscode.window.createOutputChannel('Foundry', { log: true });
  context.subscriptions.push(log);
  const controller = new Controller(context, log);
  active = controller;

  const tree = new TaskTreeView(controller.store, new TaskTreeProvider(controller.store));
  const chat = registerChatPanels(context, new ControllerChatHost(controller));
  context.subscriptions.push(
    tree,
    chat,
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
  );

  void controller.start();
  log.info(`Foundry activated in ${Math.round(performance.now() - began)} ms`);
}

export async function deactivate(): Promise<void> {
  const controller = active;
  active = undefined;
  // Stopping the client ends the sidecar, and with it every agent and setup process it spawned.
  await controller?.stop();
}

function offerRestart(controller: Controller, event: vscode.ConfigurationChangeEvent): void {
  if (!controller.hasFolder || !RestartSettings.some((key) => event.affectsConfiguration(key))) return;
  void vscode.window.showInformationMessage('Foundry: the changed setting takes effect when the sidecar restarts.', 'Restart now').then((choice) => {
    if (choice === 'Restart now') void vscode.commands.executeCommand('foundry.restartSidecar');
  });
}
