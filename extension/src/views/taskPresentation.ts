/**
 * How a repository, a task or a session looks: pure functions of their summaries, shared by the
 * tree, the pickers and the status bar so a status reads the same everywhere. No `vscode`
 * import: icons are codicon ids, tooltips are markdown text, and the tree turns them into
 * `ThemeIcon`s and `MarkdownString`s (so this runs, and is unit-tested, in plain Node).
 */
import { isProvisioning, isShelved, statusLabel, type Repo, type SessionSummary, type TaskSummary } from '../../../shared/protocol';
import { gitDescription, gitTooltip } from '../review/gitStatePresentation';
import { isRemote, sandboxDescription, sandboxFailed, sandboxTooltip, statusName } from '../sandboxes/sandboxPresentation';
import { activeLabel, isActive, shipFlags } from '../ship/shipPresentation';
import { escapeMarkdown } from './markdown';

export { escapeMarkdown };

/** A codicon and an optional theme colour id: what a `vscode.ThemeIcon` is made of. */
export interface Icon {
  readonly id: string;
  readonly color?: string;
}

/** Everything one tree row shows, as plain data. */
export interface Row {
  /** The tree item id: stable across refreshes, so expansion and selection survive. */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly icon: Icon;
  /** Markdown with `$(icon)` syntax, or plain text. */
  readonly tooltip: { readonly markdown: string } | string;
  /** `viewItem` for the menus in package.json (`task:<status>[:worktree][ship flags][:remote][:comments]`, `session:<status>[:unread]`). */
  readonly contextValue: string;
  /** Shown expanded with children, or a leaf. */
  readonly expanded: boolean;
  /** Has children, shown collapsed until the user expands it (wins over `expanded`). */
  readonly collapsed?: boolean;
  /** What a screen reader says, when the label alone is ambiguous. */
  readonly ariaLabel?: string;
}

export const SpinnerIcon: Icon = { id: 'loading~spin' };
const ErrorIcon: Icon = { id: 'error', color: 'list.errorForeground' };

/** Provisioning, running, waking its sandbox, archiving, deleting or restoring: work in progress that shows a spinner. */
export function isBusy(task: TaskSummary): boolean {
  return isProvisioning(task.status) || task.status === 'running' || task.status === 'waking' || (isShelved(task.status) && task.status !== 'archived' && task.status !== 'deleted');
}

/** `1.2 MB`: a disk size for the explorer. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** `+12 -3` once there are changes, else `Idle`. */
export function changesLabel(task: TaskSummary): string {
  const { files, added, removed } = task.changes;
  return files > 0 || added > 0 || removed > 0 ? `+${added} -${removed}` : statusLabel.idle;
}

/**
 * The change count when idle (with the branch's `↑2 ↓1` / `conflicts`, and the repository action
 * under way: `Pushing…`), else the status or its provider's stage name (`Creating worktree`,
 * `Allocating sandbox`); a remote task adds its sandbox (`Daytona · running 12m`).
 */
export function taskDescription(task: TaskSummary, now = Date.now()): string {
  const sandbox = sandboxDescription(task, now);
  if (task.status !== 'idle') return [statusName(task), sandbox].filter(Boolean).join(' · ');
  const parts = [changesLabel(task), gitDescription(task.git), task.lastAction && isActive(task.lastAction) ? activeLabel(task.lastAction) : '', sandbox];
  return parts.filter(Boolean).join(' · ');
}

export function taskIcon(task: TaskSummary): Icon {
  if (isBusy(task)) return SpinnerIcon;
  if (task.status === 'error') return ErrorIcon;
  if (sandboxFailed(task.sandbox) && !isShelved(task.status)) return { id: 'warning', color: 'list.warningForeground' };
  if (task.status === 'archived') return { id: 'archive' };
  if (task.status === 'deleted') return { id: 'trash' };
  return { id: 'git-branch' };
}

/** Markdown: title, branch and repository, status (with the stage's message), the error, changes, git state, agent. */
export function taskTooltip(task: TaskSummary, repoName: string | undefined, now = Date.now()): string {
  let md = `**${escapeMarkdown(task.title)}**\n\n`;
  md += `$(git-branch) \`${escapeMarkdown(task.branch)}\`${repoName ? ` in ${escapeMarkdown(repoName)}` : ''}\n\n`;
  md += `Status: ${statusName(task)}`;
  if (task.statusMessage && task.status !== 'error') md += ` - ${escapeMarkdown(task.statusMessage)}`;
  md += '\n\n';
  if (task.status === 'error') md += `$(error) ${escapeMarkdown(task.errorMessage ?? 'Provisioning failed.')}\n\n`;
  md += sandboxTooltip(task, now, escapeMarkdown);
  const { files, added, removed } = task.changes;
  md += `${files} file${files === 1 ? '' : 's'} changed, +${added} -${removed}\n\n`;
  const git = gitTooltip(task.git, now);
  if (git) md += `${git}\n\n`;
  if (task.diskBytes !== undefined) md += `Disk: ${formatBytes(task.diskBytes)} (its worktree)\n\n`;
  if (task.snapshotCommit) md += `Snapshot: \`${task.snapshotCommit.slice(0, 12)}\` (the worktree's whole state, kept under refs/foundry/)\n\n`;
  md += `Agent: ${escapeMarkdown(task.agent)}`;
  return md;
}

export function sessionDescription(session: SessionSummary): string {
  return session.unread ? `${statusLabel[session.status]} · unread` : statusLabel[session.status];
}

/** `task` is the session's task: a session waiting on a failed provisioning does not spin. */
export function sessionIcon(session: SessionSummary, task?: TaskSummary): Icon {
  switch (session.status) {
    case 'pending_provision':
      // Waiting on a task whose provisioning failed: nothing is in progress until a retry.
      return task?.status === 'error' ? { id: 'circle-large-outline' } : SpinnerIcon;
    case 'pending_session_create':
    case 'running':
      return SpinnerIcon;
    case 'needs_input':
      // The agent waits for the user's answer in the chat tab.
      return { id: 'question', color: 'notificationsWarningIcon.foreground' };
    case 'error':
      return ErrorIcon;
    case 'closed':
      return { id: 'circle-slash' };
    default:
      // The unread dot.
      return session.unread ? { id: 'circle-filled', color: 'notificationsInfoIcon.foreground' } : { id: 'comment-discussion' };
  }
}

/** Markdown: name, agent and model, status, and the error of a failed session. */
export function sessionTooltip(session: SessionSummary): string {
  let md = `**${escapeMarkdown(session.name)}** (${escapeMarkdown(session.agent)}${session.model ? `, ${escapeMarkdown(session.model)}` : ''})\n\n`;
  md += `Status: ${statusLabel[session.status]}${session.unread ? ' - unread' : ''}`;
  if (session.status === 'error') md += `\n\n$(error) ${escapeMarkdown(session.errorMessage ?? 'The agent session failed.')}`;
  return md;
}

/** The instant sandbox pool in a repository row: `pool 1/2 ready`, `+1 creating`, `setup failed`. */
export function poolText(repo: Repo): string | undefined {
  const pool = repo.pool;
  if (!pool || pool.size === 0) return undefined;
  const parts = [`pool ${Math.min(pool.ready, pool.size)}/${pool.size} ready`];
  if (pool.creating) parts.push(`${pool.creating} creating`);
  if (pool.failed) parts.push('setup failed');
  return parts.join(', ');
}

function poolTooltip(repo: Repo): string {
  const text = poolText(repo);
  if (!text) return '';
  return `\nInstant sandboxes: ${text}${repo.pool?.error ? `\nLast pool setup failure: ${repo.pool.error}` : ''}`;
}

/** Repositories in the tree's order: by name. */
export function sortRepos(repos: readonly Repo[]): Repo[] {
  return [...repos].sort((a, b) => a.name.localeCompare(b.name));
}

/** A repository row; `activeTasks` is how many of its tasks are not archived, `shelved` how many are archived or deleted. */
export function repoRow(repo: Repo, activeTasks: number, shelved = 0): Row {
  return {
    id: `repo:${repo.id}`,
    label: repo.name,
    description: [activeTasks > 0 ? undefined : 'no tasks', poolText(repo), repo.diskBytes !== undefined ? formatBytes(repo.diskBytes) : undefined].filter(Boolean).join(' · ') || undefined,
    icon: { id: 'repo' },
    tooltip: `${repo.path}\nDefault branch: ${repo.defaultBranch}${repo.setupScript ? '\nHas a setup script' : ''}${repo.teardownScript ? '\nHas a teardown script' : ''}${repo.diskBytes !== undefined ? `\nDisk: ${formatBytes(repo.diskBytes)} in its task worktrees` : ''}${poolTooltip(repo)}`,
    contextValue: 'repo',
    expanded: activeTasks + shelved > 0,
  };
}

export function taskRow(task: TaskSummary, repoName: string | undefined): Row {
  return {
    id: `task:${task.id}`,
    label: task.title,
    description: taskDescription(task),
    icon: taskIcon(task),
    tooltip: { markdown: taskTooltip(task, repoName) },
    contextValue: taskContextValue(task),
    expanded: true,
  };
}

/**
 * `task:<status>`, then `:worktree` and the ship flags when it has a worktree here (Open Worktree
 * in New Window, the ship actions), `:remote` when its sandbox lives elsewhere (Bring Changes
 * Local), `:comments` when review comments wait to be sent.
 */
export function taskContextValue(task: TaskSummary): string {
  return `task:${task.status}${task.worktreePath ? `:worktree${shipFlags(task)}` : ''}${isRemote(task) ? ':remote' : ''}${task.reviewComments ? ':comments' : ''}`;
}

/** The Archived / Deleted group under a repository. */
export function shelfRow(repoId: string, status: 'archived' | 'deleted', count: number): Row {
  return {
    id: `shelf:${repoId}:${status}`,
    label: status === 'archived' ? 'Archived' : 'Deleted',
    description: `${count}`,
    icon: { id: status === 'archived' ? 'archive' : 'trash' },
    tooltip: status === 'archived' ? 'Archived tasks: their worktrees are kept as snapshots. Unarchive brings one back.' : 'Deleted tasks: Undo Delete brings one back until "Foundry: Purge Deleted Tasks" removes them.',
    contextValue: `shelf:${status}`,
    expanded: false,
    collapsed: true,
  };
}

export function sessionRow(session: SessionSummary, task: TaskSummary | undefined): Row {
  return {
    id: `session:${session.id}`,
    label: session.name,
    description: sessionDescription(session),
    icon: sessionIcon(session, task),
    tooltip: { markdown: sessionTooltip(session) },
    contextValue: `session:${session.status}${session.unread ? ':unread' : ''}`,
    expanded: false,
  };
}

