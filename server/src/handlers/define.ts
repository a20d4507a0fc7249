/** Typed handler table: one entry per request in the contract, validated before it runs. */
import type { z } from 'zod';
import type { Requests } from '../../../shared/protocol';
import type { Sidecar } from '../sidecar';

/** The calling client, for the few requests that concern the caller itself. */
export interface RequestClient {
  subscribe(sessionId: string): void;
  unsubscribe(sessionId: string): void;
  /** Begin this sidecar's drain and exit once the response is out (`foundry/handOver`). */
  handOver(version: string, reason: 'update' | 'restart'): void;
}

type Defs = typeof Requests;
export type Handler<K extends keyof Defs> = (
  sc: Sidecar,
  params: z.infer<Defs[K]['params']>,
  client: RequestClient,
) => z.infer<Defs[K]['result']> | Promise<z.infer<Defs[K]['result']>>;
export type Handlers = { [K in keyof Defs]: Handler<K> };
