/**
 * A repository's setup script: `.foundry/setup.sh` in the repository when the workspace is
 * trusted, otherwise the folder setting `foundry.setupScript`. The CONTENT is sent with AddRepo.
 */
import * as vscode from 'vscode';
import { setupScriptSetting } from './config';

export const SetupScriptPath = '.foundry/setup.sh';

export async function readSetupScript(repoFolder: vscode.Uri): Promise<string | undefined> {
  if (vscode.workspace.isTrusted) {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(repoFolder, SetupScriptPath));
      return new TextDecoder().decode(bytes);
    } catch (error) {
      if (!(error instanceof vscode.FileSystemError) || error.code !== 'FileNotFound') throw error;
    }
  }
  return setupScriptSetting(repoFolder);
}
