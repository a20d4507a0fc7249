/**
 * Which GitHub repository (`owner/name`) a git remote is: from the `githubRepositories` setting
 * (remote URL -> owner/repo, for hosts whose URLs do not show one), else from the URL itself in
 * its usual forms: `https://host/owner/repo(.git)`, `ssh://git@host[:port]/owner/repo(.git)`,
 * `git@host:owner/repo(.git)`. A GitHub Enterprise path prefix before owner/repo, or a local
 * remote (a path, `file://`), is mapped only through the setting.
 */
export interface GitHubRepo {
  owner: string;
  repo: string;
}

const NAME = /^[\w.-]+$/;

export function githubRepoOf(remoteUrl: string, mapping: Record<string, string> = {}): GitHubRepo | null {
  const url = remoteUrl.trim();
  const mapped = mapping[url] ?? mapping[url.replace(/\/+$/, '')];
  if (mapped) return split(mapped);
  // scp-like: user@host:owner/repo(.git) (no scheme, a colon before the first slash)
  const scp = /^(?:[^@/\s]+@)?[^:/\s]+:(?!\/)(.+)$/.exec(url);
  let path: string | undefined;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) path = scp[1];
  else {
    try {
      const parsed = new URL(url);
      // A local remote (file:// or a path) names no GitHub repository of itself.
      if (!/^(https?|ssh|git|git\+ssh):$/.test(parsed.protocol)) return null;
      path = parsed.pathname;
    } catch {
      return null;
    }
  }
  const parts = path.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter(Boolean);
  if (parts.length !== 2) return null;
  return split(parts.join('/'));
}

function split(ownerRepo: string): GitHubRepo | null {
  const [owner, repo, ...rest] = ownerRepo.split('/');
  if (rest.length || !owner || !repo || !NAME.test(owner) || !NAME.test(repo)) return null;
  return { owner, repo };
}
