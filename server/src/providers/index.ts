/**
 * The sandbox providers of a sidecar, and each one's credentials (kept in memory only: a client
 * sends them on each connect, `foundry/setProviderCredentials`, or the sidecar's environment has
 * them). `of(task)` is the one place that picks a task's provider.
 */
import type { ProviderId } from '../../../shared/protocol';
import type { TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { SandboxProvider } from './provider';
import { LocalProvider } from './local';
import { DaytonaProvider } from './daytona/provider';
import { providerOf } from './stages';

export class Providers {
  private readonly byId = new Map<ProviderId, SandboxProvider>();
  private readonly keys = new Map<ProviderId, string>();
  private readonly waiters = new Set<() => void>();

  constructor(sc: Sidecar, extra: SandboxProvider[] = []) {
    for (const p of [new LocalProvider(sc), new DaytonaProvider(sc), ...extra]) this.byId.set(p.id, p);
  }

  /** Register a provider (the Daytona one is added by the sidecar). */
  add(p: SandboxProvider): void {
    this.byId.set(p.id, p);
  }

  get(id: ProviderId): SandboxProvider {
    const p = this.byId.get(id);
    if (!p) throw new Error(`provider '${id}' is not available`);
    return p;
  }

  of(task: Pick<TaskRow, 'provider'>): SandboxProvider {
    return this.get(providerOf(task.provider));
  }

  /** The API key given for a provider, else its environment variable; undefined when neither. */
  credentials(id: ProviderId): string | undefined {
    return this.keys.get(id) ?? (id === 'daytona' ? process.env.DAYTONA_API_KEY || undefined : undefined);
  }

  setCredentials(id: ProviderId, apiKey: string): void {
    if (apiKey) this.keys.set(id, apiKey);
    else this.keys.delete(id);
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves true once the provider has credentials, false after `ms`. Credentials live in memory,
   * so a sidecar that restarts has none until a client connects and sends them: a job it resumes
   * waits this long for them instead of failing at once.
   */
  waitForCredentials(id: ProviderId, ms: number): Promise<boolean> {
    if (this.credentials(id)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = () => {
        if (this.credentials(id)) done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      timer.unref();
      this.waiters.add(check);
    });
  }

  /** Every secret a log line must never show. */
  secrets(): string[] {
    return [...this.keys.values(), ...(process.env.DAYTONA_API_KEY ? [process.env.DAYTONA_API_KEY] : [])];
  }
}
