/**
 * GitHub: the token (memory only), and the repository overview, read from its projection in
 * SQLite; a refresh is a job (github/overview.ts), queued once however often it is asked for.
 */
import type { Handlers } from './define';
import { notFound } from '../errors';
import type { Sidecar } from '../sidecar';

function mustRepo(sc: Sidecar, repoId: string): void {
  if (!sc.store.repo(repoId)) throw notFound('repo', repoId);
}

export const githubHandlers: Pick<Handlers, 'SetGitHubToken' | 'GetRepoOverview' | 'RefreshRepo'> = {
  SetGitHubToken(sc, p) {
    sc.github.setToken(p.token);
    return {};
  },

  GetRepoOverview(sc, p) {
    mustRepo(sc, p.repoId);
    return sc.overviews.read(p.repoId);
  },

  RefreshRepo(sc, p) {
    mustRepo(sc, p.repoId);
    sc.github.refreshPullRequests(p.repoId);
    return sc.overviews.refresh(p.repoId);
  },
};
