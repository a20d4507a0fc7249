/**
 * The `foundry.github.*` settings, checked before they reach `D/settings.json` (the sidecar reads
 * them there as githubApiUrl, githubRepositories and pullRequestRefreshMs): a value the sidecar's
 * schema would refuse is left out, so one bad setting never costs the others. No `vscode` import.
 */
import { SidecarSettings } from '../../../shared/protocol';

export interface GitHubConfig {
  /** Empty: github.com's API. */
  readonly apiUrl: string;
  /** Remote URL -> `owner/repo`. */
  readonly repositories: Record<string, string>;
  /** 0: the sidecar's default. */
  readonly pullRequestRefreshSeconds: number;
}

/** What `vscode.WorkspaceConfiguration.get` is, for the section `foundry`. */
interface ConfigReader {
  get<T>(key: string, fallback: T): T;
}

export function readGitHubConfig(c: ConfigReader): GitHubConfig {
  const repositories = c.get<unknown>('github.repositories', {});
  return {
    apiUrl: String(c.get<string>('github.apiUrl', '') ?? '').trim(),
    repositories: typeof repositories === 'object' && repositories !== null && !Array.isArray(repositories) ? (repositories as Record<string, string>) : {},
    pullRequestRefreshSeconds: Number(c.get<number>('github.pullRequestRefreshSeconds', 0)) || 0,
  };
}

const Shape = SidecarSettings.shape;

/** The sidecar's GitHub settings: each one only when set and valid. */
export function gitHubSidecarSettings(config: GitHubConfig): Pick<SidecarSettings, 'githubApiUrl' | 'githubRepositories' | 'pullRequestRefreshMs'> {
  const out: Pick<SidecarSettings, 'githubApiUrl' | 'githubRepositories' | 'pullRequestRefreshMs'> = {};
  const url = config.apiUrl.replace(/\/+$/, '');
  if (url && /^https?:\/\//i.test(url) && Shape.githubApiUrl.safeParse(url).success) out.githubApiUrl = url;
  const repositories: Record<string, string> = {};
  for (const [remote, slug] of Object.entries(config.repositories)) {
    if (typeof slug === 'string' && remote.trim() && Shape.githubRepositories.unwrap().valueType.safeParse(slug.trim()).success) repositories[remote.trim()] = slug.trim();
  }
  if (Object.keys(repositories).length) out.githubRepositories = repositories;
  if (config.pullRequestRefreshSeconds > 0) out.pullRequestRefreshMs = Math.max(1000, Math.round(config.pullRequestRefreshSeconds * 1000));
  return out;
}
