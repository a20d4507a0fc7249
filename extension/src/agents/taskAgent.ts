/**
 * The Create Task agent picker: every agent, the window's default first, a not-ready one with
 * why. Picking one that needs an install or credentials offers the fix first; the task is created
 * either way, and the sidecar starts it once its agent is ready.
 */
import * as vscode from 'vscode';
import { resolveAgent } from '../commands/pickers';
import type { Controller } from '../controller';
import { agentFix } from './agentPresentation';

/** The chosen agent's id, or undefined when the user backed out. */
export async function chooseTaskAgent(controller: Controller, defaultId: string): Promise<string | undefined> {
  const agent = await resolveAgent(controller, undefined, 'Which agent works on the task?', () => true, defaultId);
  if (!agent) return undefined;
  if (agent.ready) return agent.id;
  const fix = agentFix(agent);
  const choice = await vscode.window.showWarningMessage(
    agent.reason ?? `${agent.name} is not ready.`,
    { modal: true, detail: 'The task waits for its agent and starts as soon as the agent is ready.' },
    ...(fix ? [fix.label] : []),
    'Create Anyway',
  );
  if (!choice) return undefined;
  if (fix && choice === fix.label) await vscode.commands.executeCommand(fix.command, agent.id);
  return agent.id;
}
