/**
 * A task branch's derived git state (TaskSummary.git) in the task's description and tooltip:
 * ahead/behind the base and its upstream, whether it merges cleanly, its last commit. Pure.
 */
import type { TaskGitState } from '../../../shared/protocol';
import { escapeMarkdown } from '../views/markdown';

/** Short git state for the task's description: `↑2 ↓1`, `conflicts`; empty when there is nothing to say. */
export function gitDescription(git: TaskGitState | undefined): string {
  if (!git) return '';
  const parts: string[] = [];
  if (git.ahead > 0) parts.push(`↑${git.ahead}`);
  if (git.behind > 0) parts.push(`↓${git.behind}`);
  if (git.mergesCleanly === false) parts.push('conflicts');
  return parts.join(' ');
}

/** Markdown lines for the task's tooltip: ahead/behind, upstream, whether it merges, last commit. */
export function gitTooltip(git: TaskGitState | undefined, now: number): string {
  if (!git) return '';
  const lines = [`$(git-commit) ${commits(git.ahead)} ahead of the base, ${git.behind} behind`];
  if (git.upstream) lines.push(`$(cloud-upload) \`${git.upstream.ref.replace(/`/g, "'")}\`: ${git.upstream.ahead} ahead, ${git.upstream.behind} behind`);
  if (git.mergesCleanly === true) lines.push('$(check) Merges cleanly into the base');
  if (git.mergesCleanly === false) lines.push('$(warning) Does not merge cleanly into the base: there are conflicts');
  if (git.lastCommit) {
    const { sha, subject, at } = git.lastCommit;
    lines.push(`Last commit: \`${sha.slice(0, 7)}\` ${escapeMarkdown(subject)} (${timeAgo(at, now)})`);
  }
  return lines.join('\n\n');
}

function commits(n: number): string {
  return `${n} commit${n === 1 ? '' : 's'}`;
}

/** `just now`, `5 minutes ago`, `3 hours ago`, `2 days ago`. */
export function timeAgo(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

