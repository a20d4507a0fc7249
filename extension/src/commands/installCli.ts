/**
 * "Foundry: Install CLI" (`foundry.installCli`), like VS Code's "Install 'code' command in
 * PATH": writes a `foundry` launcher (cliLauncher.ts) that runs this extension's dist/cli.js on
 * the sidecar's runtime, into ~/.local/bin (created) or another folder on PATH the user can
 * write, and says where it went and whether that folder is on PATH.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FOUNDRY_VERSION } from '../../../shared/version';
import { readConfig } from '../config';
import { checkRuntime, resolveRuntime } from '../sidecar/runtime';
import { chooseFolder, LauncherMarker, launcherName, launcherScript, pathHint } from './cliLauncher';
import type { CommandFactory } from './commandEnv';

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The command's handler; resolves to where the launcher went (undefined when the user declined). */
export const installCli: CommandFactory =
  ({ controller }) =>
  async () => {
    const runtime = resolveRuntime(readConfig().sidecarRuntime);
    const check = await checkRuntime(runtime);
    if (!check.ok) throw new Error(check.message);
    const cliJs = vscode.Uri.joinPath(controller.context.extensionUri, 'dist', 'cli.js').fsPath;
    if (!existsSync(cliJs)) throw new Error(`${cliJs} is missing: this Foundry build has no CLI`);

    const home = homedir();
    const { folder, onPath } = chooseFolder({ pathEnv: process.env.PATH ?? '', home, platform: process.platform, writable });
    const file = join(folder, launcherName(process.platform));
    if (existsSync(file) && !readFileSync(file, 'utf8').includes(LauncherMarker)) {
      const replace = 'Replace';
      const choice = await vscode.window.showWarningMessage(`${file} exists and was not written by Foundry. Replace it?`, { modal: true }, replace);
      if (choice !== replace) return undefined;
    }
    mkdirSync(folder, { recursive: true });
    const script = launcherScript({ node: runtime.command, cliJs, electronAsNode: runtime.isHostRuntime, version: FOUNDRY_VERSION }, process.platform);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script, { mode: 0o755 });
    renameSync(tmp, file);
    controller.log.info(`Installed the Foundry CLI: ${file} runs ${cliJs} on ${runtime.command} (Node.js ${check.version}); ${folder} is ${onPath ? '' : 'not '}on PATH`);

    if (onPath) {
      void vscode.window.showInformationMessage(`Foundry CLI installed as ${file}. Run "foundry --help" in a new terminal.`);
    } else {
      const hint = pathHint(folder, home, process.platform);
      const copy = 'Copy PATH Command';
      void vscode.window
        .showWarningMessage(`Foundry CLI installed as ${file}, but ${folder} is not on your PATH. Add it (${hint}), or run ${file} directly.`, copy)
        .then((choice) => {
          if (choice === copy) void vscode.env.clipboard.writeText(hint);
        });
    }
    return { path: file, onPath };
  };
