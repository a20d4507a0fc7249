/**
 * Shipping in VS Code, put together: the store of repository actions and its connection hook, the
 * GitHub token hook, the ship row under each task, and the commands.
 */
import type * as vscode from 'vscode';
import { registerCommandTable } from '../commands';
import type { Controller } from '../controller';
import { followGitHubSessions, gitHubTokenHook } from './githubAuth';
import { RepoActionStore } from './repoActionStore';
import { ShipCommands } from './shipCommands';
import { repoActionSyncHook } from './shipSync';
import { ShipTree } from './shipTree';

export function registerShip(controller: Controller): { tree: ShipTree; disposables: vscode.Disposable[] } {
  const actions = new RepoActionStore();
  return {
    tree: new ShipTree(controller.store),
    disposables: [
      actions,
      controller.addConnectionHook(repoActionSyncHook(actions)),
      controller.addConnectionHook(gitHubTokenHook(controller)),
      followGitHubSessions(controller),
      ...registerCommandTable(ShipCommands, { controller, actions }),
    ],
  };
}
