/**
 * The GitHub token: the one a client gave (`foundry/setGitHubToken`, memory only), else
 * GITHUB_TOKEN or GH_TOKEN from the sidecar's environment. It is never written anywhere: the
 * sidecar's log passes through `redact`, which masks every token this holder knows.
 */
export const SIGN_IN = 'Sign in to GitHub (Foundry: Sign in to GitHub) or set GITHUB_TOKEN';

export class GitHubToken {
  private given: string | null = null;
  /** Every token seen, so one replaced or forgotten is still masked in later log lines. */
  private readonly known = new Set<string>();

  constructor(private readonly env: NodeJS.ProcessEnv) {
    for (const t of [env.GITHUB_TOKEN, env.GH_TOKEN]) if (t) this.known.add(t);
  }

  set(token: string | null): void {
    this.given = token;
    if (token) this.known.add(token);
  }

  /** The token to use, or null when there is none. */
  get(): string | null {
    return this.given ?? (this.env.GITHUB_TOKEN || this.env.GH_TOKEN || null);
  }

  redact(text: string): string {
    let out = text;
    for (const t of this.known) if (t.length >= 6) out = out.split(t).join('***');
    return out;
  }
}
