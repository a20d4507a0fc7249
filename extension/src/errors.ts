/** Errors the user sees, and the one place commands turn failures into messages. */
import * as vscode from 'vscode';

/** The sidecar is not running (no folder, crashed, failed to start, or stopped). */
export class SidecarNotRunningError extends Error {
  constructor(reason?: string) {
    super(reason ? `Foundry sidecar is not running: ${reason}` : 'Foundry sidecar is not running.');
  }
}

/** No folder is open, so there is no workspace storage and no sidecar. */
export class NoFolderError extends Error {
  constructor() {
    super('Open a folder with a git repository to use Foundry.');
  }
}

/** A failed request as an Error whose message is the sidecar's own (it names the field, id or state). */
export function toSidecarError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Report a failed command: what happened, and the way to the logs. */
export async function reportError(log: vscode.LogOutputChannel, what: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
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
