/**
 * "Foundry: Configure Agent" and "Foundry: Install Agent". Both take an optional agent id (the
 * chat tab, the Attention view and the failure notices pass one) and otherwise ask.
 *
 * Configure Agent: an API key (one of the agent's credentialVars) goes into SecretStorage and at
 * once to the sidecar (`foundry/setCredentials`); a gateway's base URL is not secret and goes into
 * the `foundry.agents` setting; "Clear credentials" removes the stored keys.
 * Install Agent: `foundry/installAgent`, then a progress notification driven by agentsUpdated
 * pushes until the agent is installed (offering Configure when it still needs credentials) or
 * the install failed (offering Retry).
 */
import * as vscode from 'vscode';
import { InstallAgent, SetCredentials, type AgentInfo } from '../../../shared/protocol';
import type { CommandFactory } from '../commands/commandEnv';
import { resolveAgent } from '../commands/pickers';
import { Section } from '../config';
import type { Controller } from '../controller';
import { SidecarNotRunningError } from '../errors';
import { agentFix, agentState, BaseUrlVars, ConfigureAgentCommand, InstallAgentCommand, installOutcome, type InstallOutcome } from './agentPresentation';
import { withAgentVar } from './agentSettings';
import { AgentCredentials } from './credentials';

const ConfigureTitle = 'Foundry: Configure Agent';

export const credentialsOf = (controller: Controller) => new AgentCredentials(controller.context.secrets, controller.secretValues);

type Choice = { kind: 'key'; name: string } | { kind: 'baseUrl'; name?: string } | { kind: 'clear' };

export const configureAgent: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const agent = await resolveAgent(controller, arg, 'Configure which agent?', (a) => a.credentialVars.length > 0);
    if (!agent) return;
    if (agent.credentialVars.length === 0) {
      void vscode.window.showInformationMessage(`Foundry: ${agent.name} takes no credentials.`);
      return;
    }
    const credentials = credentialsOf(controller);
    const stored = await credentials.get(agent.id);
    const choice = await pickCredential(agent, stored);
    if (!choice) return;
    if (choice.kind === 'baseUrl') {
      await setBaseUrl(agent, choice.name);
      return;
    }
    let env: Record<string, string>;
    if (choice.kind === 'clear') {
      env = {};
    } else {
      const value = await vscode.window.showInputBox({
        title: `${ConfigureTitle}: ${agent.name}`,
        prompt: `${choice.name} for ${agent.name} (kept in VS Code's secret storage)`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (!v.trim() ? 'Enter the key.' : v.length > 10_000 ? 'The key is longer than 10,000 characters.' : undefined),
      });
      if (value === undefined) return;
      env = { ...stored, [choice.name]: value.trim() };
    }
    await credentials.set(agent.id, env);
    controller.log.info(`Configure Agent: ${choice.kind === 'clear' ? 'cleared the credentials' : `stored ${choice.name}`} of ${agent.id}`);
    await sendCredentials(controller, agent, env);
  };

async function pickCredential(agent: AgentInfo, stored: Record<string, string>): Promise<Choice | undefined> {
  type Item = vscode.QuickPickItem & { choice: Choice };
  const items: Item[] = agent.credentialVars.map((name) => ({
    label: `$(key) ${name}`,
    description: stored[name] ? 'stored · replace' : 'API key',
    detail: "Kept in VS Code's secret storage and given to the sidecar for the agent's processes only.",
    choice: { kind: 'key', name },
  }));
  items.push({
    label: '$(globe) Gateway base URL',
    description: BaseUrlVars[agent.id] ?? 'a variable of your choice',
    detail: `Not secret: saved in the "${Section}.agents" setting.`,
    choice: { kind: 'baseUrl', name: BaseUrlVars[agent.id] },
  });
  if (Object.keys(stored).length) items.push({ label: '$(trash) Clear credentials', description: Object.keys(stored).join(', '), choice: { kind: 'clear' } });
  const picked = await vscode.window.showQuickPick(items, {
    title: `${ConfigureTitle}: ${agent.name}`,
    placeHolder: `Set which credential? (${agent.ready ? `${agent.name} is ready` : agentState(agent)})`,
    ignoreFocusOut: true,
  });
  return picked?.choice;
}

async function setBaseUrl(agent: AgentInfo, known: string | undefined): Promise<void> {
  const name =
    known ??
    (await vscode.window.showInputBox({
      title: `${ConfigureTitle}: ${agent.name}`,
      prompt: `Which environment variable of ${agent.name} holds the gateway's base URL?`,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.trim()) ? undefined : 'A plain environment variable name.'),
    }))?.trim();
  if (!name) return;
  const config = vscode.workspace.getConfiguration(Section);
  const current = config.get<unknown>('agents', {});
  const url = await vscode.window.showInputBox({
    title: `${ConfigureTitle}: ${agent.name}`,
    prompt: `${name}: the gateway's base URL (empty removes it)`,
    placeHolder: 'https://gateway.example.com',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return undefined;
      try {
        new URL(v.trim());
        return undefined;
      } catch {
        return 'Not a URL.';
      }
    },
  });
  if (url === undefined) return;
  await config.update('agents', withAgentVar(current, agent.id, name, url.trim() || undefined), vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(`Foundry: ${agent.name} ${url.trim() ? `uses ${name}=${url.trim()}` : `no longer sets ${name}`} (the "${Section}.agents" setting; agent processes started from now on get it).`);
}

/** Give the sidecar the agent's credentials now and say where the agent stands. */
async function sendCredentials(controller: Controller, agent: AgentInfo, env: Record<string, string>): Promise<void> {
  let info: AgentInfo;
  try {
    info = await controller.request(SetCredentials, { agentId: agent.id, env });
  } catch (error) {
    if (!(error instanceof SidecarNotRunningError)) throw error;
    void vscode.window.showWarningMessage(`Foundry: the credentials of ${agent.name} are stored; the sidecar gets them when it runs again. ${error.message}`);
    return;
  }
  controller.agents.put(info);
  if (info.ready) void vscode.window.showInformationMessage(`Foundry: ${info.name} is ready.`);
  else if (Object.keys(env).length === 0) void vscode.window.showInformationMessage(`Foundry: the credentials of ${info.name} are cleared. ${info.reason ?? ''}`.trim());
  else await offerFix(info);
}

export const installAgent: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const agent = await resolveAgent(controller, arg, 'Install which agent?', (a) => a.version !== undefined && a.source !== 'settings' && a.source !== 'bundled');
    if (!agent) return;
    if (agent.source === 'bundled' || agent.version === undefined || agent.source === 'settings') {
      void vscode.window.showInformationMessage(`Foundry: ${agent.name} is not an agent Foundry installs.`);
      return;
    }
    const queued = await controller.request(InstallAgent, { agentId: agent.id });
    controller.agents.put(queued);
    // Not awaited: a Create Task that asked for the install goes on while it runs.
    void followInstall(controller, queued);
  };

/** The progress notification of one install, until it is installed or failed (or the sidecar is gone). */
async function followInstall(controller: Controller, queued: AgentInfo): Promise<void> {
  const title = `Installing ${queued.name}${queued.version ? ` ${queued.version}` : ''}`;
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, (progress) =>
    new Promise<InstallOutcome | 'sidecarGone'>((resolve) => {
      const check = () => {
        const info = controller.agents.get(queued.id) ?? queued;
        const now = installOutcome(info);
        if (now.state === 'installing') {
          if (now.message) progress.report({ message: now.message });
          return;
        }
        finish(now);
      };
      const subscriptions = [
        controller.agents.onDidChange(check),
        controller.onDidChangeState((state) => {
          if (state === 'failed' || state === 'stopped') finish('sidecarGone');
        }),
      ];
      const finish = (result: InstallOutcome | 'sidecarGone') => {
        for (const s of subscriptions) s.dispose();
        resolve(result);
      };
      check();
    }),
  );
  const info = controller.agents.get(queued.id) ?? queued;
  if (outcome === 'sidecarGone') {
    void vscode.window.showWarningMessage(`Foundry: the sidecar stopped while installing ${info.name}; the install goes on when it runs again.`);
  } else if (outcome.state === 'failed') {
    if ((await vscode.window.showErrorMessage(outcome.message, 'Retry')) === 'Retry') await vscode.commands.executeCommand(InstallAgentCommand, info.id);
  } else if (info.ready) {
    void vscode.window.showInformationMessage(`Foundry: ${info.name} is installed and ready.`);
  } else {
    if ((await vscode.window.showInformationMessage(`Foundry: ${info.name} is installed. ${info.reason ?? ''}`.trim(), 'Configure')) === 'Configure') {
      await vscode.commands.executeCommand(ConfigureAgentCommand, info.id);
    }
  }
}

/** A not-ready agent's reason, with its fix as the button. */
export async function offerFix(info: AgentInfo, message = `Foundry: ${info.reason ?? `${info.name} is not ready`}`): Promise<void> {
  const fix = agentFix(info);
  const choice = await vscode.window.showErrorMessage(message, ...(fix ? [fix.label] : []));
  if (fix && choice === fix.label) await vscode.commands.executeCommand(fix.command, info.id);
}
