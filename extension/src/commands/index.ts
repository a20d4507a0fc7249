/**
 * Every Foundry command id and its factory. Handlers are wrapped so a failure is shown to the
 * user with what happened and a way to the logs ("Foundry sidecar is not running" when down).
 */
import * as vscode from 'vscode';
import { configureAgent, installAgent } from '../agents/agentCommands';
import { errorMessage, NoFolderError, SidecarNotRunningError } from '../errors';
import type { CommandEnv, CommandTable } from './commandEnv';
import { installCli } from './installCli';
import { closeSession, newSession, openSession, renameSession, retrySession } from './sessionCommands';
import { restartSidecar, showLogs, showTraffic } from './sidecarCommands';
import { addRepository, archiveTask, createTask, createTaskFrom, deleteTask, openWorktree, renameTask, retryTask, showTaskLog, unarchiveTask, undoDeleteTask } from './taskCommands';
import { cleanUp, purgeDeletedTasks } from './cleanupCommands';
import { pickBranchSource, pickPullRequestSource } from './taskSources';
import { SandboxCommands } from '../sandboxes/sandboxCommands';

export const Commands: CommandTable = {
  'foundry.createTask': { title: 'Create Task', make: createTask },
  'foundry.newSession': { title: 'New Session', make: newSession },
  'foundry.openSession': { title: 'Open Session', make: openSession },
  'foundry.addRepository': { title: 'Add Repository', make: addRepository },
  'foundry.showTaskLog': { title: 'Show Task Log', make: showTaskLog },
  'foundry.showLogs': { title: 'Show Logs', make: showLogs },
  'foundry.restartSidecar': { title: 'Restart Sidecar', make: restartSidecar },
  'foundry.showTraffic': { title: 'Show Sidecar Traffic', make: showTraffic },
  'foundry.renameTask': { title: 'Rename Task', make: renameTask },
  'foundry.retryTask': { title: 'Retry Task', make: retryTask },
  'foundry.archiveTask': { title: 'Archive Task', make: archiveTask },
  'foundry.unarchiveTask': { title: 'Unarchive Task', make: unarchiveTask },
  'foundry.deleteTask': { title: 'Delete Task', make: deleteTask },
  'foundry.undoDeleteTask': { title: 'Undo Delete Task', make: undoDeleteTask },
  'foundry.purgeDeletedTasks': { title: 'Purge Deleted Tasks', make: purgeDeletedTasks },
  'foundry.cleanUp': { title: 'Clean Up', make: cleanUp },
  'foundry.openWorktree': { title: 'Open Worktree in New Window', make: openWorktree },
  'foundry.openWorktreeInNewWindow': { title: 'Open Worktree in New Window', make: openWorktree },
  'foundry.createTaskFromBranch': { title: 'Create Task from Branch', make: createTaskFrom(pickBranchSource) },
  'foundry.createTaskFromPullRequest': { title: 'Create Task from Pull Request', make: createTaskFrom(pickPullRequestSource) },
  'foundry.closeSession': { title: 'Close Session', make: closeSession },
  'foundry.retrySession': { title: 'Retry Session', make: retrySession },
  'foundry.renameSession': { title: 'Rename Session', make: renameSession },
  'foundry.installCli': { title: 'Install CLI', make: installCli },
  'foundry.configureAgent': { title: 'Configure Agent', make: configureAgent },
  'foundry.installAgent': { title: 'Install Agent', make: installAgent },
  ...SandboxCommands,
};

export function registerCommands(env: CommandEnv): vscode.Disposable[] {
  return registerCommandTable(Commands, env);
}

/** Register a table of commands whose factories take `env`; a failing handler is reported to the user. */
export function registerCommandTable<E extends { readonly controller: CommandEnv['controller'] }>(
  table: Record<string, { readonly title: string; readonly make: (env: E) => (...args: unknown[]) => unknown }>,
  env: E,
): vscode.Disposable[] {
  return Object.entries(table).map(([id, { title, make }]) => {
    const handler = make(env);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        void reportError(env.controller.log, `Foundry: ${title} failed`, error);
        return undefined;
      }
    });
  });
}

/** Report a failed command: what happened, and the way to the logs. */
async function reportError(log: vscode.LogOutputChannel, what: string, error: unknown): Promise<void> {
  const message = errorMessage(error);
  log.error(`${what}: ${message}`);
  if (error instanceof NoFolderError) {
    if ((await vscode.window.showInformationMessage(message, 'Open Folder')) === 'Open Folder') await vscode.commands.executeCommand('vscode.openFolder');
    return;
  }
  const actions = error instanceof SidecarNotRunningError ? ['Show Logs', 'Restart Sidecar'] : ['Show Logs'];
  const choice = await vscode.window.showErrorMessage(error instanceof SidecarNotRunningError ? message : `${what}: ${message}`, ...actions);
  if (choice === 'Show Logs') log.show(true);
  if (choice === 'Restart Sidecar') await vscode.commands.executeCommand('foundry.restartSidecar');
}
