/**
 * The branch picker of Create Task from Branch, as plain data: the repository overview's branches
 * a task can start from (no task has them, and not the default branch, which the user's checkout
 * holds), newest first as the overview orders them, and how a pull request number is read. No
 * `vscode` import, so it is unit-tested in plain Node.
 */
import type { BranchInfo, RepoOverview } from '../../../shared/protocol';

export interface BranchPick {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  /** The branch; absent on the "type a name" entry. */
  readonly branch?: string;
}

/** The entry that asks for a name the list does not show (a branch only on the remote). */
export const OtherBranch: BranchPick = { label: '$(edit) Enter a branch name…', detail: 'A local branch, or one on origin that Foundry fetches' };

function describe(b: BranchInfo): string {
  const parts = [`↑${b.ahead} ↓${b.behind}`];
  if (b.upstream) parts.push(b.upstream);
  if (b.pullRequest) parts.push(`#${b.pullRequest.number} ${b.pullRequest.state}`);
  return parts.join(' · ');
}

/** The branches a task can start from, then the "type a name" entry. */
export function branchPicks(overview: Pick<RepoOverview, 'branches'>, defaultBranch: string): BranchPick[] {
  const free = overview.branches.filter((b) => !b.taskId && b.name !== defaultBranch);
  return [
    ...free.map((b) => ({ label: b.name, description: describe(b), ...(b.lastCommit ? { detail: b.lastCommit.subject } : {}), branch: b.name })),
    OtherBranch,
  ];
}

/** A pull request number as typed (`7`, `#7`), or why it is not one. */
export function parsePullRequest(value: string): number | string {
  const text = value.trim().replace(/^#/, '');
  if (!/^\d+$/.test(text) || Number(text) < 1) return 'Type the pull request number, e.g. 7.';
  return Number(text);
}
