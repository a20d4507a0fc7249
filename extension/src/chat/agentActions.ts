/**
 * The chat tab's ways to another agent: "Continue with…" (pick an agent, hand the conversation
 * over to a new session of the same task) and the commands that make a missing agent usable.
 */
import * as vscode from 'vscode';
import { type AgentInfo, ApprovalPolicy, HandoffSession, type SessionSummary } from '../../../shared/protocol';
import type { ChatHost } from './host';

/** The VS Code command of each way out of an agent that is not ready; each takes the agent id. */
export const agentCommands: Record<NonNullable<AgentInfo['action']>, string> = {
  install: 'foundry.installAgent',
  set_credentials: 'foundry.configureAgent',
};

const actionLabels: Record<NonNullable<AgentInfo['action']>, string> = { install: 'Install', set_credentials: 'Configure' };

/**
 * Ask which agent should continue the session, then hand it over. Resolves to the new session, or
 * undefined when the user picked nothing (or an agent that is not ready: they are offered its fix).
 */
export async function continueWith(host: ChatHost, sessionId: string): Promise<SessionSummary | undefined> {
  const current = host.getSession(sessionId)?.session;
  const agents = host.agents();
  const items = agents.map((agent) => ({
    label: agent.name,
    description: [agent.id === current?.agent ? 'this session\'s agent' : '', agent.ready ? (agent.version ?? '') : `$(warning) ${agent.reason ?? 'not ready'}`]
      .filter(Boolean)
      .join(' · '),
    agent,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Continue with…',
    placeHolder: 'The agent that continues this conversation in a new session (it gets a digest of it)',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  const { agent } = picked;
  if (!agent.ready) {
    const fix = agent.action ? actionLabels[agent.action] : undefined;
    const choice = await vscode.window.showWarningMessage(`${agent.name} is not ready: ${agent.reason ?? 'it cannot be launched'}.`, ...(fix ? [fix] : []));
    if (choice && agent.action) await vscode.commands.executeCommand(agentCommands[agent.action], agent.id);
    return undefined;
  }
  // The approval policy carries over (an agent's own mode, like `plan`, may not exist in the other agent).
  const mode = ApprovalPolicy.safeParse(current?.mode);
  return host.request(HandoffSession, { sessionId, agent: agent.id, ...(mode.success ? { mode: mode.data } : {}) });
}
