/**
 * "Foundry: Set Daytona API Key": a password box; the key goes into SecretStorage and at once to
 * the sidecar (`foundry/setProviderCredentials`), which also gets it again on every connection
 * (daytonaKey.ts). An empty box clears the stored key. The key is never logged or shown.
 */
import * as vscode from 'vscode';
import { SetProviderCredentials, type ProviderInfo } from '../../../shared/protocol';
import type { CommandFactory, CommandTable } from '../commands/commandEnv';
import { SidecarNotRunningError } from '../errors';
import { daytonaKeyOf } from './daytonaKey';

const Title = 'Foundry: Set Daytona API Key';

export const setDaytonaApiKey: CommandFactory =
  ({ controller }) =>
  async () => {
    const key = daytonaKeyOf(controller);
    const stored = (await key.get()) !== '';
    const typed = await vscode.window.showInputBox({
      title: Title,
      prompt: `Daytona API key (kept in VS Code's secret storage; given to the sidecar only). ${stored ? 'A key is stored: enter a new one, or leave empty to clear it.' : 'Leave empty to cancel.'}`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length > 10_000 ? 'The key is longer than 10,000 characters.' : undefined),
    });
    if (typed === undefined) return;
    const apiKey = typed.trim();
    if (!apiKey && !stored) return;
    await key.set(apiKey);
    controller.log.info(`Set Daytona API Key: ${apiKey ? 'stored a key' : 'cleared the stored key'}`);
    let info: ProviderInfo;
    try {
      info = await controller.request(SetProviderCredentials, { provider: 'daytona', apiKey });
    } catch (error) {
      if (!(error instanceof SidecarNotRunningError)) throw error;
      void vscode.window.showWarningMessage(`Foundry: the Daytona API key is ${apiKey ? 'stored' : 'cleared'}; the sidecar hears of it when it runs again. ${error.message}`);
      return;
    }
    if (info.ready) void vscode.window.showInformationMessage(apiKey ? 'Foundry: Daytona is ready.' : 'Foundry: the stored Daytona API key is cleared (the sidecar still has one from its environment).');
    else void vscode.window.showInformationMessage(`Foundry: the Daytona API key is ${apiKey ? 'set' : 'cleared'}. ${info.reason ?? 'Daytona is not ready.'}`.trim());
  };

export const SandboxCommands: CommandTable = {
  'foundry.setDaytonaApiKey': { title: 'Set Daytona API Key', make: setDaytonaApiKey },
};
