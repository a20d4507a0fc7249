/**
 * Entry of the offline demo ACP agent (`node dist/demo-agent.js [--no-load]`).
 * Speaks ACP over stdio (newline-delimited JSON-RPC); logs go to stderr only;
 * exits when stdin closes. See agents/demo/README.md for the script language.
 */
import { Readable, Writable } from 'node:stream';
import { ndJsonStream } from '@agentclientprotocol/sdk';
import { createDemoAgent, type LiveSessions } from './agentApp.js';
import { readConfig } from './config.js';
import { SessionStore } from './sessionStore.js';

const config = readConfig(process.argv.slice(2), process.env);
const log = (line: string) => process.stderr.write(`[demo-agent ${process.pid}] ${line}\n`);
const live: LiveSessions = new Map();

const app = createDemoAgent(
  {
    loadSession: config.loadSession,
    chunkDelayMs: config.chunkDelayMs,
    store: new SessionStore(config.stateDir, config.defaultMode),
    log,
    exit: (code) => {
      log(`exit ${code} requested by the script`);
      process.exit(code);
    },
  },
  live,
);

const stream = ndJsonStream(
  Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
  Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>,
);
const connection = app.connect(stream);
for (const problem of config.problems) log(problem);
log(`ready (state ${config.stateDir}, loadSession ${config.loadSession}, new sessions in ${config.defaultMode} mode)`);

void connection.closed.then(() => {
  for (const session of live.values()) session.cancel();
  log('stdin closed, exiting');
});
