/**
 * Foundry sidecar entry: `node dist/server.js --stdio`. A language-server-style JSON-RPC
 * process that owns all state (SQLite under initializationOptions.dataDir) and all slow work.
 */
import { dirname } from 'node:path';
import { createConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { ErrorCodes, InitializationOptions, Notifications } from '../../shared/protocol';
import { Sidecar, resolveOptions } from './sidecar';
import { registerHandlers } from './handlers';
import { acquireLock } from './lock';
import { countTraffic } from './traffic';
import { errorMessage, fromZod } from './errors';

if (!process.argv.includes('--stdio')) {
  process.stderr.write('usage: node server.js --stdio\n');
  process.exit(2);
}

const reader = new StreamMessageReader(process.stdin);
const writer = new StreamMessageWriter(process.stdout);
countTraffic(reader, writer, process.env.FOUNDRY_TRAFFIC_LOG);
const connection = createConnection(reader, writer);
const log = (m: string) => process.stderr.write(`[foundry-sidecar] ${new Date().toISOString()} ${m}\n`);

let sidecar: Sidecar | undefined;
let releaseLock: (() => void) | undefined;

registerHandlers(connection, () => sidecar, log);

connection.onInitialize(async (params) => {
  const parsed = InitializationOptions.safeParse(params.initializationOptions);
  if (!parsed.success) throw fromZod(parsed.error);
  try {
    releaseLock = await acquireLock(parsed.data.dataDir, 5000);
  } catch (e) {
    failStart(e);
  }
  try {
    sidecar = new Sidecar(resolveOptions(parsed.data, dirname(__filename)), {
      serverStatus: (p) => void connection.sendNotification(Notifications.ServerStatus.method, p),
      workbenchUpdated: (p) => void connection.sendNotification(Notifications.WorkbenchUpdated.method, p),
      transcriptAppended: (p) => void connection.sendNotification(Notifications.TranscriptAppended.method, p),
      log,
    });
  } catch (e) {
    failStart(e); // e.g. a database that is not one, or from a newer Foundry (db/open.ts)
  }
  log(`started on ${parsed.data.dataDir}`);
  return { capabilities: {}, serverInfo: { name: 'foundry-sidecar', version: '0.1.0' } };
});

/**
 * A fatal start error: logged, the lock released at once (a restart need not wait for this
 * process), the initialize request failed with the message (-32002), then the process exits
 * once the response is out.
 */
function failStart(e: unknown): never {
  log(errorMessage(e));
  releaseLock?.();
  releaseLock = undefined;
  setTimeout(() => process.exit(1), 100);
  throw new ResponseError(ErrorCodes.InvalidState, errorMessage(e));
}

connection.onInitialized(() => {
  void sidecar?.start().catch((e) => log(`recovery failed: ${errorMessage(e)}`));
});

connection.onShutdown(async () => {
  await sidecar?.close();
  sidecar = undefined;
});

process.on('exit', () => {
  sidecar?.killLiveGroups();
  releaseLock?.();
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(0));
process.on('uncaughtException', (e) => log(`uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${errorMessage(e)}`));

connection.listen();
