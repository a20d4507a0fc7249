/**
 * What Foundry shows of a pull request, derived from GitHub's answers: its state, its checks
 * (summed over its head commit's check runs) and its review decision (each reviewer's latest
 * decisive review).
 */
import type { PullRequestChecks, PullRequestInfo } from '../../../shared/protocol';

export interface PullFacts {
  number: number;
  html_url: string;
  title: string;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at?: string | null;
  head: { sha: string; ref: string };
  requested_reviewers?: unknown[] | null;
}

export interface CheckRunFacts {
  status: string;
  conclusion: string | null;
}

export interface ReviewFacts {
  user: { login: string } | null;
  state: string;
}

export function pullState(p: PullFacts): PullRequestInfo['state'] {
  if (p.merged || p.merged_at) return 'merged';
  if (p.state === 'closed') return 'closed';
  return p.draft ? 'draft' : 'open';
}

const PASSED = new Set(['success', 'neutral', 'skipped']);

export function checksOf(runs: CheckRunFacts[]): PullRequestChecks {
  let passed = 0;
  let failed = 0;
  let pending = 0;
  for (const r of runs) {
    if (r.status !== 'completed') pending++;
    else if (r.conclusion && PASSED.has(r.conclusion)) passed++;
    else failed++;
  }
  const total = runs.length;
  // A failure is final whatever still runs; then anything unfinished; else all passed.
  const state = total === 0 ? 'none' : failed ? 'failure' : pending ? 'pending' : 'success';
  return { state, total, passed, failed, pending };
}

export const NO_CHECKS: PullRequestChecks = checksOf([]);

/**
 * Each reviewer's latest APPROVED / CHANGES_REQUESTED / DISMISSED review decides (comments do not):
 * any change request wins, then an approval; with none, `review_required` when reviewers are
 * requested, else absent.
 */
export function reviewDecisionOf(reviews: ReviewFacts[], reviewersRequested: boolean): PullRequestInfo['reviewDecision'] {
  const latest = new Map<string, string>();
  for (const r of reviews) {
    if (r.user && (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED')) latest.set(r.user.login, r.state);
  }
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'changes_requested';
  if (states.includes('APPROVED')) return 'approved';
  return reviewersRequested ? 'review_required' : undefined;
}
