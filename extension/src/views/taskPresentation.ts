/**
 * How a task or a session looks: pure functions of their summaries, shared by the tree, the
 * pickers and the status bar so a status reads the same everywhere.
 */
import * as vscode from 'vscode';
import { isProvisioning, statusLabel, type SessionSummary, type TaskSummary } from '../../../shared/protocol';

/** Provisioning, running or archiving: work in progress that shows a spinner. */
export function isBusy(task: TaskSummary): boolean {
  return isProvisioning(task.status) || task.status === 'running' || task.status === 'archive_remove_sandbox';
}

/** `+12 -3` once there are changes, else `Idle`. */
export function changesLabel(task: TaskSummary): string {
  const { files, added, removed } = task.changes;
  return files > 0 || added > 0 || removed > 0 ? `+${added} -${removed}` : statusLabel.idle;
}

export function taskDescription(task: TaskSummary): string {
  return task.status === 'idle' ? changesLabel(task) : statusLabel[task.status];
}

export function taskIcon(task: TaskSummary): vscode.ThemeIcon {
  if (isBusy(task)) return new vscode.ThemeIcon('loading~spin');
  if (task.status === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (task.status === 'archived') return new vscode.ThemeIcon('archive');
  return new vscode.ThemeIcon('git-branch');
}

export function taskTooltip(task: TaskSummary, repoName: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(task.title)}**\n\n`);
  md.appendMarkdown(`$(git-branch) \`${escape(task.branch)}\`${repoName ? ` in ${escape(repoName)}` : ''}\n\n`);
  md.appendMarkdown(`Status: ${statusLabel[task.status]}`);
  if (task.statusMessage && task.status !== 'error') md.appendMarkdown(` - ${escape(task.statusMessage)}`);
  md.appendMarkdown('\n\n');
  if (task.status === 'error') md.appendMarkdown(`$(error) ${escape(task.errorMessage ?? 'Provisioning failed.')}\n\n`);
  const { files, added, removed } = task.changes;
  md.appendMarkdown(`${files} file${files === 1 ? '' : 's'} changed, +${added} -${removed}\n\n`);
  md.appendMarkdown(`Agent: ${escape(task.agent)}`);
  return md;
}

export function sessionDescription(session: SessionSummary): string {
  return session.unread ? `${statusLabel[session.status]} · unread` : statusLabel[session.status];
}

export function sessionIcon(session: SessionSummary, task?: TaskSummary): vscode.ThemeIcon {
  switch (session.status) {
    case 'pending_provision':
      // Waiting on a task whose provisioning failed: nothing is in progress until a retry.
      return task?.status === 'error' ? new vscode.ThemeIcon('circle-large-outline') : new vscode.ThemeIcon('loading~spin');
    case 'pending_session_create':
    case 'running':
      return new vscode.ThemeIcon('loading~spin');
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'closed':
      return new vscode.ThemeIcon('circle-slash');
    default:
      return session.unread
        ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('notificationsInfoIcon.foreground'))
        : new vscode.ThemeIcon('comment-discussion');
  }
}

export function sessionTooltip(session: SessionSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(session.name)}** (${escape(session.agent)}${session.model ? `, ${escape(session.model)}` : ''})\n\n`);
  md.appendMarkdown(`Status: ${statusLabel[session.status]}${session.unread ? ' - unread' : ''}`);
  if (session.status === 'error') md.appendMarkdown(`\n\n$(error) ${escape(session.errorMessage ?? 'The agent session failed.')}`);
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
