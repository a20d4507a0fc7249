/**
 * How the Attention view shows an item and a permission's options: plain data, as
 * taskPresentation.ts does for the task explorer (no `vscode` import; unit-tested in Node).
 */
import type { PermissionOption } from '../../../shared/protocol';
import { clip, type AttentionItem, type AttentionKind } from './attention';
import { escapeMarkdown as escape, type Icon, type Row } from './taskPresentation';

/** What the view knows of an agent: its name, and the way out when it cannot run. */
export interface AgentFacts {
  readonly name: string;
  /** `install` (Install Agent) or `set_credentials` (Configure Agent), from `foundry/listAgents`. */
  readonly action?: 'install' | 'set_credentials';
}

const KindIcon: Record<AttentionKind, Icon> = {
  needs_input: { id: 'question', color: 'notificationsWarningIcon.foreground' },
  error: { id: 'error', color: 'list.errorForeground' },
  stalled: { id: 'watch', color: 'notificationsWarningIcon.foreground' },
  unread: { id: 'circle-filled', color: 'notificationsInfoIcon.foreground' },
};

const KindLabel: Record<AttentionKind, string> = {
  needs_input: 'Needs input',
  error: 'Error',
  stalled: 'Stalled',
  unread: 'Unread',
};

/**
 * One item: `<session> — <task>`, described by the agent and why. Its `contextValue` is
 * `attention:<kind>[:task][:install|:set_credentials]` for the inline actions in package.json
 * (`:task`: the task's provisioning failed, so Retry Task rather than Retry Session).
 */
export function attentionRow(item: AttentionItem, agent: AgentFacts | undefined): Row {
  const agentName = agent?.name ?? item.agent;
  const action = item.kind === 'error' ? agent?.action : undefined;
  let tooltip = `**${escape(item.sessionName)}** of ${escape(item.taskTitle)}\n\n`;
  tooltip += `Agent: ${escape(agentName)}\n\n${KindLabel[item.kind]}: ${escape(item.reason)}`;
  if (action === 'install') tooltip += `\n\n$(cloud-download) Install ${escape(agentName)} to go on.`;
  if (action === 'set_credentials') tooltip += `\n\n$(key) Configure ${escape(agentName)}'s credentials to go on.`;
  return {
    // A new request gets a new id, so its options show expanded even if an earlier one was collapsed.
    id: `attention:${item.sessionId}:${item.kind}${item.permission ? `:${item.permission.requestId}` : ''}`,
    // The session first: a narrow side bar cuts the end of the label off.
    label: `${item.sessionName} — ${clip(item.taskTitle, 60)}`,
    description: `${agentName} · ${KindLabel[item.kind]}: ${clip(item.reason, 80)}`,
    icon: KindIcon[item.kind],
    tooltip: { markdown: tooltip },
    contextValue: `attention:${item.kind}${item.taskFailed ? ':task' : ''}${action ? `:${action}` : ''}`,
    expanded: item.permission !== undefined && item.permission.options.length > 0,
  };
}

/** One of the agent's options under a permission item: its own name, an icon by its kind. */
export function permissionOptionRow(item: AttentionItem, option: PermissionOption): Row {
  const requestId = item.permission?.requestId ?? '';
  return {
    id: `attention:${item.sessionId}:${requestId}:option:${option.optionId}`,
    label: option.name,
    icon: optionIcon(option.kind),
    tooltip: `Answer "${clip(item.reason, 120)}" with "${option.name}"`,
    contextValue: `attention:option:${option.kind}`,
    expanded: false,
    // Every request offers "Allow once": say whose.
    ariaLabel: `${option.name}: answer ${item.sessionName} of ${clip(item.taskTitle, 60)}`,
  };
}

function optionIcon(kind: string): Icon {
  if (kind === 'allow_once') return { id: 'check', color: 'testing.iconPassed' };
  if (kind === 'allow_always') return { id: 'check-all', color: 'testing.iconPassed' };
  if (kind === 'reject_once') return { id: 'close', color: 'testing.iconFailed' };
  if (kind === 'reject_always') return { id: 'circle-slash', color: 'testing.iconFailed' };
  return { id: 'circle-outline' };
}
