/**
 * GitHub through the real @octokit/rest: one client per (API base, token), its log routed to the
 * sidecar's (redacted) log, conditional GETs (If-None-Match with a stored ETag; GitHub's 304 does
 * not count against the rate limit), and GitHub's own words for a failure.
 */
import { Octokit } from '@octokit/rest';

export type GitHubClient = Octokit;

/** octokit's RequestError (name `HttpError`), told by its shape: @octokit/rest does not re-export the class. */
interface RequestError extends Error {
  status: number;
  response?: { data?: unknown; headers?: Record<string, string> };
}
export function isRequestError(e: unknown): e is RequestError {
  return e instanceof Error && e.name === 'HttpError' && typeof (e as { status?: unknown }).status === 'number';
}

const clients = new Map<string, Octokit>();

export function clientFor(baseUrl: string, token: string, log: (m: string) => void): Octokit {
  const key = `${baseUrl}\n${token}`;
  let client = clients.get(key);
  if (!client) {
    // Another token replaces the client for this base (a sign-in, a sign-out): keep one.
    for (const k of clients.keys()) if (k.startsWith(`${baseUrl}\n`)) clients.delete(k);
    client = new Octokit({
      baseUrl: baseUrl.replace(/\/+$/, ''),
      auth: token,
      userAgent: 'foundry-sidecar',
      // octokit's request log: failures only (a 304 is a normal answer here), to the sidecar's log.
      log: { debug() {}, info() {}, warn: (m: string) => log(`github: ${m}`), error: (m: string) => log(`github: ${m}`) },
    });
    clients.set(key, client);
  }
  return client;
}

/** The answer of a conditional GET: `null` when GitHub said 304 (nothing changed since `etag`). */
export type Conditional<T> = { data: T; etag: string | null } | null;

/** Run an octokit GET with If-None-Match `etag` (when given). */
export async function ifChanged<T>(etag: string | null | undefined, get: (headers: Record<string, string>) => Promise<{ data: T; headers: { etag?: string } }>): Promise<Conditional<T>> {
  try {
    const r = await get(etag ? { 'if-none-match': etag } : {});
    return { data: r.data, etag: r.headers.etag ?? null };
  } catch (e) {
    if (isRequestError(e) && e.status === 304) return null;
    throw e;
  }
}

/**
 * When GitHub refused for its rate limit (403/429 with no requests left, or a Retry-After): the
 * time it allows requests again, epoch milliseconds; else null.
 */
export function rateLimitedUntil(e: unknown): number | null {
  if (!isRequestError(e) || (e.status !== 403 && e.status !== 429)) return null;
  const headers = e.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (retryAfter > 0) return Date.now() + retryAfter * 1000;
  if (headers['x-ratelimit-remaining'] === '0') return Number(headers['x-ratelimit-reset']) * 1000 || Date.now() + 60_000;
  return null;
}

/** GitHub's own words for a failed request: its message and each validation error's. */
export function gitHubErrorText(e: unknown): string {
  if (isRequestError(e)) {
    const data = e.response?.data as { message?: string; errors?: ({ message?: string; field?: string; code?: string } | string)[] } | undefined;
    if (data && typeof data === 'object' && typeof data.message === 'string') {
      const details = (data.errors ?? [])
        .map((x) => (typeof x === 'string' ? x : x.message ?? [x.field, x.code].filter(Boolean).join(' ')))
        .filter(Boolean);
      return `GitHub: ${data.message}${details.length ? `: ${details.join('; ')}` : ''} (HTTP ${e.status})`;
    }
    if (e.status === 0 || e.status >= 500 || !e.response) return `GitHub could not be reached: ${causeText(e)}`;
    return `GitHub: HTTP ${e.status} ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}

function causeText(e: Error): string {
  const cause = e.cause as { message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
  return cause?.cause?.code ?? cause?.code ?? cause?.cause?.message ?? cause?.message ?? e.message;
}
