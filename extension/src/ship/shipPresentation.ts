/**
 * How shipping looks: a task's pull request and branch row in the explorer, the running action's
 * words ("Pushing…"), the progress notification's title, and what the user reads when an action
 * ends. Pure functions of the protocol's types (no `vscode` import), unit-tested in plain Node.
 */
import type { PullRequestChecks, PullRequestInfo, RepoAction, RepoActionKind, TaskGitState, TaskSummary } from '../../../shared/protocol';
import { escapeMarkdown } from '../views/markdown';
import type { Icon, Row } from '../views/taskPresentation';

/** What each kind does, as the tree says while it runs and a notification's title says. */
const Running: Record<RepoActionKind, string> = {
  commit: 'Committing…',
  fetch: 'Fetching…',
  push: 'Pushing…',
  rebase_on_base: 'Rebasing…',
  merge_base_in: 'Merging the base in…',
  create_pull_request: 'Opening a pull request…',
  merge_pull_request: 'Merging the pull request…',
  apply_to_checkout: 'Applying to your checkout…',
  bring_changes_local: 'Bringing the changes local…',
};

/** The action's name in "<name> failed" and "<name> queued". */
const Names: Record<RepoActionKind, string> = {
  commit: 'Commit',
  fetch: 'Fetch',
  push: 'Push',
  rebase_on_base: 'Rebase on base',
  merge_base_in: 'Merge base in',
  create_pull_request: 'Create pull request',
  merge_pull_request: 'Merge pull request',
  apply_to_checkout: 'Apply to my checkout',
  bring_changes_local: 'Bring changes local',
};

export function actionName(kind: RepoActionKind): string {
  return Names[kind];
}

/** An action that has not ended yet. */
export function isActive(action: RepoAction | undefined): boolean {
  return action?.status === 'queued' || action?.status === 'running';
}

/** What the tree shows while an action is queued or runs: `Pushing…`, `Push queued`. */
export function activeLabel(action: RepoAction): string {
  return action.status === 'queued' ? `${Names[action.kind]} queued` : Running[action.kind];
}

/** The progress notification's title: what runs, on what. */
export function progressTitle(kind: RepoActionKind, subject: { title?: string; branch?: string; repoName?: string; pullRequest?: number }): string {
  const branch = subject.branch ? ` ${subject.branch}` : '';
  switch (kind) {
    case 'commit':
      return `Foundry: committing "${subject.title ?? ''}"`;
    case 'fetch':
      return `Foundry: fetching ${subject.repoName ? `${subject.repoName} from ` : ''}origin`;
    case 'push':
      return `Foundry: pushing${branch} to origin`;
    case 'rebase_on_base':
      return `Foundry: rebasing${branch} on its base`;
    case 'merge_base_in':
      return `Foundry: merging the base into${branch}`;
    case 'create_pull_request':
      return `Foundry: opening a pull request for${branch}`;
    case 'merge_pull_request':
      return `Foundry: merging pull request${subject.pullRequest ? ` #${subject.pullRequest}` : ''}`;
    case 'apply_to_checkout':
      return `Foundry: applying "${subject.title ?? ''}" to your checkout`;
    case 'bring_changes_local':
      return `Foundry: bringing${branch} and its changes from the sandbox`;
  }
}

const words = (text: string) => text.toLowerCase().replace(/^foundry:\s*/, '').replace(/[^\p{L}\p{N}/]+/gu, ' ').trim();

/**
 * The progress line under the title: the sidecar's own progress message (unless the title already
 * says it), or that the action waits its turn.
 */
export function progressMessage(action: RepoAction, title = ''): string {
  if (action.status === 'queued') return 'Queued (one action at a time per repository)';
  const message = action.message?.trim() ?? '';
  return message && !words(title).includes(words(message)) ? sentence(message) : '';
}

/** The sidecar's words as a sentence's start: `fetched origin` -> `Fetched origin`. */
function sentence(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** `origin/foundry/x` -> `foundry/x to origin`. */
function upstreamWords(upstream: string | undefined, branch: string | undefined): string {
  const slash = upstream?.indexOf('/') ?? -1;
  if (upstream && slash > 0) return `${upstream.slice(slash + 1)} to ${upstream.slice(0, slash)}`;
  return `${branch ?? 'the branch'} to origin`;
}

/** What an action that ended says, and the link it offers. */
export interface Outcome {
  readonly ok: boolean;
  readonly message: string;
  /** A pull request's page: "Open on GitHub". */
  readonly url?: string;
}

/** What the user reads when an action ended: `Pushed foundry/x to origin`, `Opened pull request #3`, or why it failed. */
export function outcome(action: RepoAction, subject: { title?: string; branch?: string } = {}): Outcome {
  if (action.status === 'failed') return { ok: false, message: failureMessage(action) };
  const result = action.result ?? {};
  const pr = result.pullRequest;
  switch (action.kind) {
    case 'commit': {
      const c = result.commit;
      return { ok: true, message: c ? `Committed ${c.sha.slice(0, 7)} "${c.subject}"${subject.branch ? ` on ${subject.branch}` : ''}` : sentence(action.message ?? '') || 'Committed' };
    }
    case 'push':
      return { ok: true, message: `Pushed ${upstreamWords(result.upstream, subject.branch)}` };
    case 'create_pull_request':
      return pr
        ? { ok: true, message: `Opened ${pr.state === 'draft' ? 'draft ' : ''}pull request #${pr.number}`, url: pr.url }
        : { ok: true, message: sentence(action.message ?? '') || 'Opened the pull request' };
    case 'merge_pull_request':
      return pr ? { ok: true, message: `Merged pull request #${pr.number}`, url: pr.url } : { ok: true, message: sentence(action.message ?? '') || 'Merged the pull request' };
    case 'apply_to_checkout': {
      const n = result.files?.length;
      const what = n === undefined ? 'its changes' : `${n} file${n === 1 ? '' : 's'}`;
      return { ok: true, message: `Applied ${what} of "${subject.title ?? 'the task'}" to your checkout (uncommitted)` };
    }
    case 'fetch':
      return { ok: true, message: sentence(action.message ?? '') || 'Fetched origin' };
    case 'bring_changes_local':
      return { ok: true, message: sentence(action.message ?? '') || `Brought ${subject.branch ?? 'the branch'} and its changes local` };
    case 'rebase_on_base':
      return { ok: true, message: sentence(action.message ?? '') || `Rebased ${subject.branch ?? 'the branch'} on its base` };
    case 'merge_base_in':
      return { ok: true, message: sentence(action.message ?? '') || `Merged the base into ${subject.branch ?? 'the branch'}` };
  }
}

/** `Push failed: <git's words>. Conflicts: a.txt, b.txt.` */
export function failureMessage(action: RepoAction): string {
  let text = `${Names[action.kind]} failed: ${action.message?.trim() || 'the sidecar gave no reason'}`;
  if (action.conflicts?.length) text += `${/[.!?]$/.test(text) ? '' : '.'} Conflicts: ${action.conflicts.join(', ')}.`;
  return text;
}

/** `✓ 2/2`, `✗ 1/3`, `… 1/2`; empty when the pull request has no checks. */
export function checksLabel(checks: PullRequestChecks): string {
  switch (checks.state) {
    case 'none':
      return '';
    case 'success':
      return `checks ✓ ${checks.passed}/${checks.total}`;
    case 'failure':
      return `checks ✗ ${checks.failed}/${checks.total} failed`;
    case 'pending':
      return `checks … ${checks.passed}/${checks.total}`;
  }
}

const ReviewWords = { approved: 'approved', changes_requested: 'changes requested', review_required: 'review required' } as const;

/** A pull request's icon, by its state: open green, draft grey, merged purple, closed red. */
export function pullRequestIcon(pr: PullRequestInfo): Icon {
  switch (pr.state) {
    case 'open':
      return { id: 'git-pull-request', color: 'charts.green' };
    case 'draft':
      return { id: 'git-pull-request-draft', color: 'descriptionForeground' };
    case 'merged':
      return { id: 'git-merge', color: 'charts.purple' };
    case 'closed':
      return { id: 'git-pull-request-closed', color: 'charts.red' };
  }
}

/** How far the branch is from its upstream, or that it has none: `↑2 unpushed`, `↓1 on origin`. */
export function upstreamDescription(git: TaskGitState | undefined): string {
  const up = git?.upstream;
  if (!up) return '';
  const parts: string[] = [];
  if (up.ahead > 0) parts.push(`↑${up.ahead} unpushed`);
  if (up.behind > 0) parts.push(`↓${up.behind} on ${up.ref.split('/')[0] || 'origin'}`);
  return parts.join(' ');
}

function uncommittedDescription(git: TaskGitState | undefined): string {
  const n = git?.uncommitted ?? 0;
  return n > 0 ? `${n} uncommitted` : '';
}

/**
 * The flags a task's menus key on, appended to its contextValue: `:uncommitted` (a commit has
 * something to take), `:pr` (it has a pull request), `:pr_open` (an open one, which can be merged),
 * `:acting` (an action is queued or runs).
 */
export function shipFlags(task: TaskSummary): string {
  let flags = '';
  if ((task.git?.uncommitted ?? 0) > 0) flags += ':uncommitted';
  if (task.pullRequest) flags += ':pr';
  if (task.pullRequest?.state === 'open') flags += ':pr_open';
  if (isActive(task.lastAction)) flags += ':acting';
  return flags;
}

/**
 * The ship row under a task with a worktree: its pull request (`PR #3 · open`, checks and review;
 * a click opens it), else its upstream (`Pushed to origin/x`, `↑2 unpushed`), else `Not pushed`.
 * The running action (`Pushing…`) and a failed last action show on it too.
 */
export function shipRow(task: TaskSummary): Row {
  const pr = task.pullRequest;
  const git = task.git;
  const action = task.lastAction;
  const active = action && isActive(action) ? action : undefined;
  const local = [upstreamDescription(git), uncommittedDescription(git)].filter(Boolean);

  let label: string;
  let icon: Icon;
  let facts: string[];
  const tooltip: string[] = [];
  if (pr) {
    label = `PR #${pr.number} · ${pr.state}`;
    icon = pullRequestIcon(pr);
    facts = [checksLabel(pr.checks), pr.reviewDecision ? ReviewWords[pr.reviewDecision] : '', ...local].filter(Boolean);
    tooltip.push(`**${escapeMarkdown(pr.title)}** (#${pr.number}, ${pr.state})`, `Checks: ${pr.checks.state === 'none' ? 'none' : `${pr.checks.passed} passed, ${pr.checks.failed} failed, ${pr.checks.pending} pending of ${pr.checks.total}`}`);
    if (pr.reviewDecision) tooltip.push(`Review: ${ReviewWords[pr.reviewDecision]}`);
    tooltip.push('Click to open it on GitHub.');
  } else if (git?.upstream) {
    label = `Pushed to ${git.upstream.ref}`;
    icon = { id: 'cloud-upload' };
    facts = local.length ? local : ['up to date'];
    tooltip.push(`The branch \`${escapeMarkdown(task.branch)}\` tracks \`${escapeMarkdown(git.upstream.ref)}\`: ${git.upstream.ahead} to push, ${git.upstream.behind} to pull.`, 'No pull request yet.');
  } else {
    label = 'Not pushed';
    icon = { id: 'cloud' };
    facts = [git && git.ahead > 0 ? `${git.ahead} commit${git.ahead === 1 ? '' : 's'}` : '', uncommittedDescription(git)].filter(Boolean);
    tooltip.push(`The branch \`${escapeMarkdown(task.branch)}\` is not on the remote yet.`);
  }
  if (active) {
    icon = { id: 'loading~spin' };
    facts = [activeLabel(active), ...facts];
    tooltip.push(`${activeLabel(active)}${active.message ? ` ${escapeMarkdown(active.message)}` : ''}`);
  } else if (action?.status === 'failed') {
    icon = { id: 'error', color: 'list.errorForeground' };
    facts = [`${Names[action.kind]} failed`, ...facts];
    tooltip.push(`$(error) ${escapeMarkdown(failureMessage(action))}`);
  }
  return {
    id: `ship:${task.id}`,
    label,
    description: facts.join(' · ') || undefined,
    icon,
    tooltip: { markdown: tooltip.join('\n\n') },
    contextValue: `ship${pr ? `:pr:${pr.state}` : git?.upstream ? ':pushed' : ':local'}${active ? ':acting' : ''}`,
    expanded: false,
  };
}

/** The merge methods GitHub offers, as the Merge Pull Request pick shows them. */
export const MergeMethods = [
  { method: 'merge', label: 'Create a merge commit', detail: 'All commits of the branch are added to the base with a merge commit.' },
  { method: 'squash', label: 'Squash and merge', detail: "The branch's commits are combined into one commit on the base." },
  { method: 'rebase', label: 'Rebase and merge', detail: "The branch's commits are added onto the base one by one." },
] as const;
export type MergeMethod = (typeof MergeMethods)[number]['method'];

/** A proposed message's subject (its first line) and body (after the blank line). */
export function splitCommitMessage(message: string): { subject: string; body: string } {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  const subject = (lines[0] ?? '').trim();
  const body = lines.slice(1).join('\n').replace(/^\n+/, '').trimEnd();
  return { subject, body };
}

/** The message to commit: the subject the user typed, and the proposal's body (if any). */
export function joinCommitMessage(subject: string, body: string): string {
  return body ? `${subject.trim()}\n\n${body}` : subject.trim();
}
