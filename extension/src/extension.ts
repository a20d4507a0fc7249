/**
 * Foundry's extension entry: builds the controller, the views and the commands, then starts the
 * sidecar in the background. Activation is lazy (the Foundry view, a Foundry command or a
 * restored chat tab) and its cost is logged as `Foundry activated in N ms`.
 */
import * as vscode from 'vscode';
import { registerChatPanels } from './chat/chatPanels';
import { ControllerChatHost } from './chatHostImpl';
import { registerCommands } from './commands';
import { RestartSettings } from './config';
import { Ctx } from './ctx';
import { TaskLogDocuments } from './taskLogDocument';
import { FoundryStatusBar } from './views/statusBar';
import { TaskTreeProvider, TaskTreeView } from './views/taskTree';

let controller: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const began = performance.now();
  const log = vscode.window.createOutputChannel('Foundry', { log: true });
  context.subscriptions.push(log);
  const ctx = new Ctx(context, log);
  controller = ctx;

  const tree = new TaskTreeView(ctx.store, new TaskTreeProvider(ctx.store));
  const chat = registerChatPanels(context, new ControllerChatHost(ctx));
  context.subscriptions.push(
    tree,
    chat,
    new FoundryStatusBar(ctx.store, () => ctx.state, () => ctx.failureMessage, () => ctx.serverStatus, [ctx.onDidChangeState, ctx.onDidChangeServerStatus]),
    new TaskLogDocuments(ctx),
    ...registerCommands({ ctx, tree, chat }),
    vscode.workspace.onDidChangeConfiguration((event) => offerRestart(ctx, event)),
  );

  void ctx.start();
  log.info(`Foundry activated in ${Math.round(performance.now() - began)} ms`);
}

export async function deactivate(): Promise<void> {
  const ctx = controller;
  controller = undefined;
  // Stopping the client ends the sidecar, and with it every agent and setup process it spawned.
  await ctx?.stop();
}

function offerRestart(ctx: Ctx, event: vscode.ConfigurationChangeEvent): void {
  if (!ctx.hasFolder || !RestartSettings.some((key) => event.affectsConfiguration(key))) return;
  void vscode.window.showInformationMessage('Foundry: the changed setting takes effect when the sidecar restarts.', 'Restart now').then((choice) => {
    if (choice === 'Restart now') void vscode.commands.executeCommand('foundry.restartSidecar');
  });
}
