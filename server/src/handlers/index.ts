/**
 * Registers every request of the contract on one client's connection. A handler is thin:
 * validate, one cheap read or write, enqueue work, return. Errors are JSON-RPC errors that name
 * the field, id or state; nothing else escapes.
 */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { ErrorCodes, Requests } from '../../../shared/protocol';
import type { Sidecar } from '../sidecar';
import type { Handlers, RequestClient } from './define';
import { errorMessage, fromZod } from '../errors';
import { repoHandlers } from './repos';
import { taskHandlers } from './tasks';
import { sessionHandlers } from './sessions';
import { handOverHandlers } from './handOver';
import { importHandlers } from './imports';
import { agentHandlers } from './agents';
import { reviewHandlers } from './review';
import { shipHandlers } from './ship';
import { githubHandlers } from './github';
import { reviewCommentHandlers } from './reviewComments';
import { lifecycleHandlers } from './lifecycle';
import { checkpointHandlers } from './checkpoints';
import { providerHandlers } from './providers';

const handlers: Handlers = {
  Ping: () => ({}),
  ...repoHandlers,
  ...taskHandlers,
  ...sessionHandlers,
  ...handOverHandlers,
  ...importHandlers,
  ...agentHandlers,
  ...reviewHandlers,
  ...shipHandlers,
  ...githubHandlers,
  ...reviewCommentHandlers,
  ...lifecycleHandlers,
  ...checkpointHandlers,
  ...providerHandlers,
};

/**
 * `admit` answers, per request, the sidecar to run it on, or throws the error the client gets
 * (not initialized yet, shutting down). `track` wraps each handler run, so a drain can wait for
 * the requests in flight.
 */
export function registerHandlers(
  connection: MessageConnection,
  admit: (method: string) => Sidecar,
  client: RequestClient,
  track: <T>(run: () => Promise<T>) => Promise<T>,
  log: (m: string) => void,
): void {
  for (const key of Object.keys(Requests) as (keyof typeof Requests)[]) {
    const def = Requests[key];
    const handler = handlers[key] as (sc: Sidecar, p: unknown, client: RequestClient) => unknown;
    connection.onRequest(def.method, (raw: unknown) => {
      const sc = admit(def.method);
      const parsed = def.params.safeParse(raw ?? {});
      if (!parsed.success) throw fromZod(parsed.error);
      return track(async () => {
        try {
          return await handler(sc, parsed.data, client);
        } catch (e) {
          if (e instanceof ResponseError) throw e;
          log(`${def.method} failed: ${errorMessage(e)}`);
          throw new ResponseError(ErrorCodes.Internal, `${def.method} failed: ${errorMessage(e)}`);
        }
      });
    });
  }
}
