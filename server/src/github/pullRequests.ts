/**
 * The PR projection: each task's pull request re-read from GitHub with conditional requests (the
 * pull, its head commit's check runs, its reviews; each with the ETag of its last 200), kept in
 * task_pull_requests and pushed with the task (`workbenchUpdated`) only when something a user
 * sees changed. Three 304s write nothing but the read time and push nothing.
 */
import { isShelved } from '../../../shared/protocol';
import type { JobRow, TaskPullRequestRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { gitHubErrorText, ifChanged, rateLimitedUntil } from './client';
import { checksOf, NO_CHECKS, pullState, reviewDecisionOf, type PullFacts } from './prState';
import { toPullRequest } from '../store/summaries';
import type { GitHubTarget } from './service';
import { GitHubUnavailable } from './service';

/** A row for a pull request GitHub just answered with (create, or found for the task's branch). */
export function rowFromPull(taskId: string, repoId: string, pull: PullFacts): TaskPullRequestRow {
  return {
    task_id: taskId,
    repo_id: repoId,
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    state: pullState(pull),
    head_sha: pull.head.sha,
    checks: JSON.stringify(NO_CHECKS),
    review_decision: null,
    reviewers_requested: pull.requested_reviewers?.length ? 1 : 0,
    refreshed_at: Date.now(),
    pull_etag: null,
    checks_etag: null,
    checks_sha: null,
    reviews_etag: null,
  };
}

const visible = (r: TaskPullRequestRow) => {
  const { refreshedAt: _, ...rest } = toPullRequest(r);
  return JSON.stringify(rest);
};

/** The refresh of each task's pull request under way: one at a time, so a later one reads after an earlier one wrote. */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * Read the task's pull request again and store it; push the task when what it shows changed.
 * Returns the row as stored. Throws GitHub's failure (octokit's RequestError). Refreshes of one
 * task run one after another (a poll and a merge's own read never interleave), each from the row
 * as the previous one left it.
 */
export function refreshPullRequest(sc: Sidecar, t: GitHubTarget, row: TaskPullRequestRow): Promise<TaskPullRequestRow> {
  const previous = inFlight.get(row.task_id) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => readAgain(sc, t, sc.github.store.pullRequest(row.task_id) ?? row));
  const settled = run.catch(() => undefined);
  inFlight.set(row.task_id, settled);
  void settled.then(() => {
    if (inFlight.get(row.task_id) === settled) inFlight.delete(row.task_id);
  });
  return run;
}

async function readAgain(sc: Sidecar, t: GitHubTarget, row: TaskPullRequestRow): Promise<TaskPullRequestRow> {
  const at = { owner: t.owner, repo: t.repo };
  const next: TaskPullRequestRow = { ...row };
  const pull = await ifChanged(row.pull_etag, (headers) => t.client.rest.pulls.get({ ...at, pull_number: row.number, headers }));
  if (pull) {
    Object.assign(next, {
      url: pull.data.html_url,
      title: pull.data.title,
      state: pullState(pull.data),
      head_sha: pull.data.head.sha,
      reviewers_requested: pull.data.requested_reviewers?.length ? 1 : 0,
      pull_etag: pull.etag,
    });
  }
  const sha = next.head_sha;
  if (sha) {
    // An ETag is of one URL: a new head commit is read afresh.
    const etag = row.checks_sha === sha ? row.checks_etag : null;
    const checks = await ifChanged(etag, (headers) => t.client.rest.checks.listForRef({ ...at, ref: sha, per_page: 100, headers }));
    if (checks) Object.assign(next, { checks: JSON.stringify(checksOf(checks.data.check_runs)), checks_etag: checks.etag, checks_sha: sha });
  }
  const reviews = await ifChanged(row.reviews_etag, (headers) => t.client.rest.pulls.listReviews({ ...at, pull_number: row.number, per_page: 100, headers }));
  if (reviews) Object.assign(next, { review_decision: reviewDecisionOf(reviews.data, false) ?? null, reviews_etag: reviews.etag });
  next.refreshed_at = Date.now();
  // The task got another pull request meanwhile (a create): that one is the task's now.
  const now = sc.github.store.pullRequest(row.task_id);
  if (now && now.number !== row.number) return now;
  sc.github.store.putPullRequest(next);
  if (visible(next) !== visible(row)) pullRequestChanged(sc, next);
  return next;
}

/** A task's pull request changed: push the task, and the overview when a client follows it. */
export function pullRequestChanged(sc: Sidecar, row: TaskPullRequestRow): void {
  sc.publisher.taskChanged(row.task_id);
  sc.overviews.republish(row.repo_id);
}

/** The job: refresh every open pull request of repository `job.subject`. */
export function pullRequestsJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const repo = sc.store.repo(job.subject);
    if (!repo) return;
    const rows = sc.github.store.pullRequestsOfRepo(repo.id).filter((r) => r.state === 'open' || r.state === 'draft');
    if (!rows.length) return;
    let target: GitHubTarget;
    try {
      target = await sc.github.target(repo);
    } catch (e) {
      if (e instanceof GitHubUnavailable) return sc.github.failed(repo.id, e.message);
      throw e;
    }
    let failure: string | null = null;
    for (const row of rows) {
      const task = sc.store.task(row.task_id);
      if (!task || isShelved(task.status)) continue;
      try {
        await refreshPullRequest(sc, target, row);
      } catch (e) {
        failure = gitHubErrorText(e);
        const until = rateLimitedUntil(e);
        if (until) {
          sc.github.rateLimited(until);
          break;
        }
      }
    }
    sc.github.failed(repo.id, failure);
  };
}
