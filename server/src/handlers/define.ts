/** Typed handler table: one entry per request in the contract, validated before it runs. */
import type { z } from 'zod';
import type { Requests } from '../../../shared/protocol';
import type { Sidecar } from '../sidecar';

type Defs = typeof Requests;
export type Handler<K extends keyof Defs> = (
  sc: Sidecar,
  params: z.infer<Defs[K]['params']>,
) => z.infer<Defs[K]['result']> | Promise<z.infer<Defs[K]['result']>>;
export type Handlers = { [K in keyof Defs]: Handler<K> };
