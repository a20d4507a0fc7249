/**
 * An error notification when a task or session fails because its agent is missing or lacks
 * credentials, offering the fix: "Install <Agent>" or "Set API key" (which run Install Agent /
 * Configure Agent for that agent).
 */
import type * as vscode from 'vscode';
import type { Controller } from '../controller';
import { offerFix } from './agentCommands';
import { agentFailures, FailureTracker } from './agentFailures';

export function watchAgentFailures(controller: Controller): vscode.Disposable[] {
  const tracker = new FailureTracker();
  let seeded = false;
  const current = () => agentFailures(controller.store.tasks, (id) => controller.agents.get(id));
  const check = () => {
    if (!controller.store.loaded || !controller.agents.loaded) return;
    if (!seeded) {
      seeded = true;
      tracker.seed(current());
      return;
    }
    // The agent's reason now, not the error recorded then (an install may have finished meanwhile).
    for (const failure of tracker.fresh(current())) void offerFix(failure.agent, `Foundry: "${failure.subject}" failed: ${failure.agent.reason ?? failure.message}`);
  };
  return [controller.store.onDidChange(check), controller.agents.onDidChange(check)];
}
