/**
 * The sidecar's GitHub side: the token (memory or environment), the API base and the remote ->
 * owner/repo mapping from the settings, which GitHub repository a Foundry repository is (its
 * `origin` remote, read on the effects worker inside a job), and the PR projection's clock: while
 * at least one client is connected, every `pullRequestRefreshMs` each repository with an open pull
 * request gets a refresh job (coalesced). With no client connected nothing is polled, nor while
 * GitHub's rate limit is used up (until its reset).
 */
import type { RepoRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { clientFor, type GitHubClient } from './client';
import { githubRepoOf } from './remote';
import { GitHubStore } from './store';
import { GitHubToken, SIGN_IN } from './token';

/** A failure to reach the repository on GitHub at all, in words for the user. */
export class GitHubUnavailable extends Error {
  /** `noRemote`: the repository is not on GitHub (the overview simply has no pull requests). */
  constructor(message: string, readonly reason: 'noToken' | 'noRemote') {
    super(message);
  }
}

export interface GitHubTarget {
  client: GitHubClient;
  owner: string;
  repo: string;
}

export const PULL_REQUEST_JOB = 'pull_requests';
export const OVERVIEW_JOB = 'repo_overview';
/** Jobs of one repository's GitHub projections run one at a time, apart from its tasks' jobs. */
export const jobKey = (repoId: string) => `github:${repoId}`;

export interface GitHubSettings {
  apiUrl: string;
  repositories: Record<string, string>;
  refreshMs: number;
}

export class GitHub {
  readonly token = new GitHubToken(process.env);
  readonly store: GitHubStore;
  private timer: NodeJS.Timeout | undefined;
  private clients = 0;
  /** GitHub's rate limit is used up until then (epoch ms): the clock polls nothing before. */
  private pausedUntil = 0;
  /** The last failure logged per repository, so a poll that keeps failing logs once. */
  private readonly lastFailure = new Map<string, string>();

  constructor(
    private readonly sc: Sidecar,
    public settings: GitHubSettings,
  ) {
    this.store = new GitHubStore(sc.db);
  }

  /** The owner/repo on GitHub and a client with the token; throws GitHubUnavailable. Runs git (in a job only). */
  async target(repo: RepoRow): Promise<GitHubTarget> {
    const url = await this.sc.effects.call('remoteUrl', { repoPath: repo.path, remote: 'origin' });
    if (!url) throw new GitHubUnavailable(`${repo.name} has no origin remote, so it has no GitHub repository`, 'noRemote');
    const gh = githubRepoOf(url, this.settings.repositories);
    if (!gh) throw new GitHubUnavailable(`${repo.name}'s origin remote (${url}) names no GitHub owner/repo; map it in foundry.github.repositories`, 'noRemote');
    const token = this.token.get();
    if (!token) throw new GitHubUnavailable(SIGN_IN, 'noToken');
    return { client: clientFor(this.settings.apiUrl, token, (m) => this.sc.log(m)), ...gh };
  }

  /** A client gave a token (or forgot it): when it is a new one, read the open pull requests with it now. */
  setToken(token: string | null): void {
    const before = this.token.get();
    this.token.set(token);
    if (this.token.get() !== before && this.clients > 0) this.tick();
  }

  redact(text: string): string {
    return this.token.redact(text);
  }

  /** Log a repository's background failure once (until it changes or clears). */
  failed(repoId: string, message: string | null): void {
    if (message === null) {
      this.lastFailure.delete(repoId);
      return;
    }
    if (this.lastFailure.get(repoId) === message) return;
    this.lastFailure.set(repoId, message);
    this.sc.log(`pull requests of ${repoId} not refreshed: ${message}`);
  }

  /** Queue a refresh of the repository's open pull requests (coalesced with one already queued). */
  refreshPullRequests(repoId: string): void {
    if (this.sc.draining || this.sc.store.queuedJobFor(PULL_REQUEST_JOB, repoId)) return;
    this.sc.jobs.add(PULL_REQUEST_JOB, repoId, jobKey(repoId));
  }

  /** How many clients are connected: the PR clock runs only while there is one. */
  clientsChanged(count: number): void {
    const was = this.clients > 0;
    this.clients = count;
    if (count > 0 && !was) {
      this.tick();
      this.startClock();
    } else if (count === 0) this.stopClock();
  }

  applySettings(settings: GitHubSettings): void {
    const clockChanged = settings.refreshMs !== this.settings.refreshMs;
    this.settings = settings;
    if (clockChanged && this.timer) {
      this.stopClock();
      this.startClock();
    }
  }

  stop(): void {
    this.stopClock();
  }

  private startClock(): void {
    this.timer ??= setInterval(() => this.tick(), this.settings.refreshMs);
    this.timer.unref();
  }

  private stopClock(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** GitHub refused for its rate limit: poll nothing until it resets. */
  rateLimited(until: number): void {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.sc.log(`GitHub's rate limit is used up: pull requests are read again after ${new Date(until).toISOString()}`);
  }

  private tick(): void {
    if (this.sc.draining || Date.now() < this.pausedUntil) return;
    for (const repoId of this.store.reposWithOpenPullRequests()) this.refreshPullRequests(repoId);
  }
}
