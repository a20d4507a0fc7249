/**
 * A repository's setup script: `.foundry/setup.sh` in the repository when the workspace is
 * trusted, otherwise the folder setting `foundry.setupScript`. The CONTENT is sent with AddRepo.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { setupScriptSetting } from '../config';

export const SetupScriptPath = '.foundry/setup.sh';

export async function readSetupScript(repoFolder: vscode.Uri): Promise<string | undefined> {
  if (vscode.workspace.isTrusted) {
    try {
      const file = vscode.Uri.joinPath(repoFolder, SetupScriptPath);
      // Local folders are read directly: no round trip through the workbench's file service.
      if (file.scheme === 'file') return await readFile(file.fsPath, 'utf8');
      const bytes = await vscode.workspace.fs.readFile(file);
      return new TextDecoder().decode(bytes);
    } catch (error) {
      const missing =
        (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') || (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!missing) throw error;
    }
  }
  return setupScriptSetting(repoFolder);
}
