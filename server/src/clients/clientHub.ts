/**
 * Every client connected to this sidecar, and what each one asked to hear. `workbenchUpdated`
 * and `serverStatus` go to every initialized client; `transcriptAppended` only to the clients
 * subscribed to that session. A session counts as watched while any client is subscribed, so a
 * turn that ends while nobody watches leaves the session `unread`.
 */
import type { NotificationDef } from '../../../shared/protocol';
import type { z } from 'zod';

/** The hub's view of one connection. */
export interface HubClient {
  readonly id: number;
  /** True once the client sent `initialized`: only then does it get pushes. */
  readonly ready: boolean;
  notify(method: string, params: unknown): void;
}

export class ClientHub {
  private readonly clients = new Set<HubClient>();
  private readonly subscriptions = new Map<HubClient, Set<string>>();
  private readonly countListeners: ((count: number) => void)[] = [];

  get size(): number {
    return this.clients.size;
  }

  add(client: HubClient): void {
    this.clients.add(client);
    this.subscriptions.set(client, new Set());
    this.countChanged();
  }

  remove(client: HubClient): void {
    if (!this.clients.delete(client)) return;
    this.subscriptions.delete(client);
    this.countChanged();
  }

  onCountChange(listener: (count: number) => void): void {
    this.countListeners.push(listener);
  }

  subscribe(client: HubClient, sessionId: string): void {
    this.subscriptions.get(client)?.add(sessionId);
  }

  unsubscribe(client: HubClient, sessionId: string): void {
    this.subscriptions.get(client)?.delete(sessionId);
  }

  /** Whether any client is subscribed to the session. */
  isWatched(sessionId: string): boolean {
    for (const set of this.subscriptions.values()) if (set.has(sessionId)) return true;
    return false;
  }

  broadcast<P extends z.ZodType>(def: NotificationDef<P>, params: z.infer<P>): void {
    for (const c of this.clients) if (c.ready) c.notify(def.method, params);
  }

  /** Send to the ready clients subscribed to `sessionId`. */
  toSubscribers<P extends z.ZodType>(sessionId: string, def: NotificationDef<P>, params: z.infer<P>): void {
    for (const [c, set] of this.subscriptions) if (c.ready && set.has(sessionId)) c.notify(def.method, params);
  }

  private countChanged(): void {
    for (const l of this.countListeners) l(this.clients.size);
  }
}
