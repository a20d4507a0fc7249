/**
 * Registers every request of the contract on the connection. A handler is thin: validate,
 * one cheap read or write, enqueue work, return. Errors are JSON-RPC errors that name the
 * field, id or state; nothing else escapes.
 */
import { ResponseError, type Connection } from 'vscode-languageserver/node';
import { ErrorCodes, Requests } from '../../../shared/protocol';
import type { Sidecar } from '../sidecar';
import type { Handlers } from './define';
import { errorMessage, fromZod } from '../errors';
import { repoHandlers } from './repos';
import { taskHandlers } from './tasks';
import { sessionHandlers } from './sessions';

const handlers: Handlers = {
  Ping: () => ({}),
  ...repoHandlers,
  ...taskHandlers,
  ...sessionHandlers,
};

export function registerHandlers(connection: Connection, sidecar: () => Sidecar | undefined, log: (m: string) => void): void {
  for (const key of Object.keys(Requests) as (keyof typeof Requests)[]) {
    const def = Requests[key];
    const handler = handlers[key] as (sc: Sidecar, p: unknown) => unknown;
    connection.onRequest(def.method, async (raw: unknown) => {
      const sc = sidecar();
      if (!sc) throw new ResponseError(ErrorCodes.InvalidState, `${def.method} is not allowed while the state is 'not_initialized'`);
      const parsed = def.params.safeParse(raw ?? {});
      if (!parsed.success) throw fromZod(parsed.error);
      try {
        return await handler(sc, parsed.data);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        log(`${def.method} failed: ${errorMessage(e)}`);
        throw new ResponseError(ErrorCodes.Internal, `${def.method} failed: ${errorMessage(e)}`);
      }
    });
  }
}
