/**
 * The repository overview projection: a repository's local branches (ahead/behind the default
 * branch, upstream, last commit; one effects-worker call) and its pull requests from GitHub's
 * list-pulls (a conditional request with the stored ETag), kept in repo_overviews and joined at
 * read time with the tasks (by branch name) and their pull requests. `foundry/getRepoOverview`
 * reads only this; `foundry/refreshRepo` queues the job (never twice). The whole overview is
 * pushed as `foundry/repoOverviewUpdated` when what it shows changed (its read times aside), so
 * a refresh that finds nothing new (GitHub's 304) pushes only for the freshness flip.
 */
import { isShelved, type BranchInfo, type OverviewFreshness, type PullRequestInfo, type RepoOverview } from '../../../shared/protocol';
import type { JobRow, RepoOverviewRow, RepoRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { BranchFacts } from '../effects/branches';
import { errorMessage } from '../errors';
import { gitHubErrorText, ifChanged } from './client';
import { NO_CHECKS, pullState, type PullFacts } from './prState';
import { refreshPullRequest, rowFromPull } from './pullRequests';
import { GitHubUnavailable, jobKey, OVERVIEW_JOB, type GitHubTarget } from './service';
import { toPullRequest } from '../store/summaries';

/** An overview older than this reads as `stale`. */
export const STALE_AFTER_MS = 60_000;

/** One pull request of the repository, as list-pulls showed it. */
interface OverviewPull {
  number: number;
  url: string;
  title: string;
  state: PullRequestInfo['state'];
  /** Its head branch, when the head is in this repository (not a fork). */
  head: string | null;
}

type ListedPull = PullFacts & { head: PullFacts['head'] & { repo: { full_name: string } | null } };

export class Overviews {
  /** What was last pushed per repository (read times aside): a push goes only when it differs. */
  private readonly pushed = new Map<string, string>();

  constructor(
    private readonly sc: Sidecar,
    private readonly send: (overview: RepoOverview) => void,
  ) {}

  /** The overview from SQLite only; `finishing`: the refresh job that is about to end. */
  read(repoId: string, finishing?: number): RepoOverview {
    const { sc } = this;
    const repo = sc.store.repo(repoId);
    const row = sc.github.store.overview(repoId);
    const facts = row ? (JSON.parse(row.branches) as BranchFacts[]) : [];
    const pulls = row ? (JSON.parse(row.pull_requests) as OverviewPull[]) : [];
    const tasks = sc.store.tasksOfRepo(repoId);
    const taskPrs = new Map(sc.github.store.pullRequestsOfRepo(repoId).map((p) => [p.task_id, p]));
    // A branch's task: the newest not archived, else the newest.
    const taskOf = (branch: string) =>
      tasks
        .filter((t) => t.branch === branch)
        .sort((a, b) => Number(a.status === 'archived') - Number(b.status === 'archived') || b.created_at - a.created_at)[0];
    const listed = (branch: string) => {
      const mine = pulls.filter((p) => p.head === branch);
      return mine.find((p) => p.state === 'open' || p.state === 'draft') ?? mine[0];
    };
    const branches: BranchInfo[] = facts.map((b) => {
      const task = taskOf(b.name);
      const own = task && taskPrs.get(task.id);
      const fromList = listed(b.name);
      const pullRequest: PullRequestInfo | undefined = own
        ? toPullRequest(own)
        : fromList && {
            number: fromList.number,
            url: fromList.url,
            title: fromList.title,
            state: fromList.state,
            checks: NO_CHECKS,
            refreshedAt: row?.pull_requests_at ?? 0,
          };
      return { ...b, ...(task ? { taskId: task.id } : {}), ...(pullRequest ? { pullRequest } : {}) };
    });
    const defaultBranch = repo?.default_branch;
    // The default branch first, then the newest commit first.
    branches.sort(
      (a, b) =>
        Number(b.name === defaultBranch) - Number(a.name === defaultBranch) ||
        (b.lastCommit?.at ?? 0) - (a.lastCommit?.at ?? 0) ||
        (a.name < b.name ? -1 : 1),
    );
    return { repoId, branches, freshness: this.freshness(repoId, row, finishing) };
  }

  private freshness(repoId: string, row: RepoOverviewRow | undefined, finishing?: number): OverviewFreshness {
    const refreshing = this.sc.github.store.jobOpen(OVERVIEW_JOB, repoId, finishing);
    const at = row?.branches_at ?? null;
    const status = refreshing ? 'refreshing' : row?.error ? 'error' : at === null || Date.now() - at > STALE_AFTER_MS ? 'stale' : 'fresh';
    return { branchesAt: at, pullRequestsAt: row?.pull_requests_at ?? null, status, ...(row?.error && !refreshing ? { error: row.error } : {}) };
  }

  /** Queue a refresh (not twice) and push the overview once it reads `refreshing`. */
  refresh(repoId: string): OverviewFreshness {
    const { sc } = this;
    if (!sc.draining && !sc.store.queuedJobFor(OVERVIEW_JOB, repoId)) {
      sc.jobs.add(OVERVIEW_JOB, repoId, jobKey(repoId));
      setImmediate(() => this.republish(repoId));
    }
    return this.read(repoId).freshness;
  }

  /** A PR was created or merged: refresh the overview (its branches moved too), if it was ever read. */
  refreshIfRead(repoId: string): void {
    if (this.sc.github.store.overview(repoId)) this.refresh(repoId);
  }

  /** Push the overview if what it shows changed since the last push. */
  republish(repoId: string, finishing?: number): void {
    if (this.sc.draining || !this.sc.store.repo(repoId)) return;
    const overview = this.read(repoId, finishing);
    const key = JSON.stringify({
      branches: overview.branches.map((b) => (b.pullRequest ? { ...b, pullRequest: { ...b.pullRequest, refreshedAt: 0 } } : b)),
      status: overview.freshness.status,
      error: overview.freshness.error,
    });
    if (this.pushed.get(repoId) === key) return;
    this.pushed.set(repoId, key);
    this.send(overview);
  }

  /** The refresh job for repository `job.subject`. */
  job() {
    return async (job: JobRow): Promise<void> => {
      const { sc } = this;
      const repo = sc.store.repo(job.subject);
      if (!repo) return;
      const before = sc.github.store.overview(repo.id);
      const row: RepoOverviewRow = before ? { ...before, error: null } : { repo_id: repo.id, branches: '[]', branches_at: null, pull_requests: '[]', pull_requests_at: null, pulls_etag: null, error: null };
      const errors: string[] = [];
      try {
        const branches = await sc.effects.call('repoBranches', { repoPath: repo.path, defaultBranch: repo.default_branch });
        Object.assign(row, { branches: JSON.stringify(branches), branches_at: Date.now() });
      } catch (e) {
        errors.push(errorMessage(e));
      }
      const found = await this.readPulls(repo, row).catch((e) => {
        errors.push(e instanceof GitHubUnavailable ? e.message : gitHubErrorText(e));
        return null;
      });
      row.error = errors.length ? errors.join('; ') : null;
      sc.github.store.putOverview(row);
      if (found) await this.attachFound(repo, found.target, JSON.parse(row.pull_requests) as OverviewPull[]);
      this.republish(repo.id, job.id);
    };
  }

  /** list-pulls into `row` (unchanged on a 304). Null when the repository is not on GitHub. */
  private async readPulls(repo: RepoRow, row: RepoOverviewRow): Promise<{ target: GitHubTarget } | null> {
    let target: GitHubTarget;
    try {
      target = await this.sc.github.target(repo);
    } catch (e) {
      if (e instanceof GitHubUnavailable && e.reason === 'noRemote') return null;
      throw e;
    }
    const fullName = `${target.owner}/${target.repo}`.toLowerCase();
    const list = await ifChanged(row.pulls_etag, (headers) => target.client.rest.pulls.list({ owner: target.owner, repo: target.repo, state: 'all', per_page: 100, headers }));
    if (list) {
      const pulls: OverviewPull[] = (list.data as ListedPull[]).map((p) => ({
        number: p.number,
        url: p.html_url,
        title: p.title,
        state: pullState(p),
        head: p.head.repo?.full_name.toLowerCase() === fullName ? p.head.ref : null,
      }));
      Object.assign(row, { pull_requests: JSON.stringify(pulls), pulls_etag: list.etag });
    }
    row.pull_requests_at = Date.now();
    return { target };
  }

  /** A task whose branch has an open pull request the PR projection does not follow yet: follow it. */
  private async attachFound(repo: RepoRow, target: GitHubTarget, pulls: OverviewPull[]): Promise<void> {
    const { sc } = this;
    const followed = new Set(sc.github.store.pullRequestsOfRepo(repo.id).map((p) => p.task_id));
    for (const task of sc.store.tasksOfRepo(repo.id)) {
      if (isShelved(task.status) || followed.has(task.id)) continue;
      const pull = pulls.find((p) => p.head === task.branch && (p.state === 'open' || p.state === 'draft'));
      if (!pull) continue;
      try {
        const { data } = await target.client.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: pull.number });
        const row = rowFromPull(task.id, repo.id, data);
        sc.github.store.putPullRequest(row);
        await refreshPullRequest(sc, target, row);
        sc.publisher.taskChanged(task.id);
      } catch (e) {
        sc.github.failed(repo.id, gitHubErrorText(e));
      }
    }
  }
}
