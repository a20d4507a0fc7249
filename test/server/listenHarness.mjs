// Test harness for `--listen`: the one sidecar of a data folder, serving many clients on a
// local socket. Clients are real vscode-jsonrpc connections over that socket.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { captureStderr, connectClient, serverJs } from './harness.mjs';

/**
 * Start `server.js --listen` on `dataDir` (writing `settings` to D/settings.json first) and wait
 * for its one stdout line: {ready, pid, socket}, {held: true} or {error}.
 */
export async function startListening({ dataDir, idleExitSeconds = 60, settings, env = {}, server = serverJs } = {}) {
  mkdirSync(dataDir, { recursive: true });
  // The instant sandbox pool is off unless a test turns it on (as in harness.mjs).
  const file = join(dataDir, 'settings.json');
  if (settings || !existsSync(file)) writeFileSync(file, JSON.stringify({ poolSize: 0, ...settings }));
  const child = spawn(process.execPath, [server, '--listen', '--data-dir', dataDir, '--idle-exit-seconds', String(idleExitSeconds)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = captureStderr(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([once(lines, 'line'), exited.then((e) => [JSON.stringify({ exited: e })])]);
  const report = JSON.parse(line);
  return {
    child,
    exited,
    report,
    dataDir,
    get stderr() { return logs.text; },
    /** Resolve when the sidecar's log matches `re`. */
    waitForLog(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => re.test(logs.text) && done();
        const timer = setTimeout(() => done(new Error(`timed out waiting for log ${re}\n${logs.text.slice(-2000)}`)), timeoutMs);
        const done = (err) => { clearTimeout(timer); logs.listeners.delete(check); err ? reject(err) : resolve(); };
        logs.listeners.add(check);
        check();
      });
    },
    /** A new client on the socket, initialized with `clientInfo`. */
    connect(opts = {}) {
      return connectSocketClient({ socket: report.socket, dataDir, ...opts });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Connect and initialize a client on a sidecar's socket. */
export async function connectSocketClient({ socket, dataDir, clientInfo = { name: 'test' }, options = {} }) {
  const sock = connect(socket);
  await once(sock, 'connect');
  const client = await connectClient({ reader: new SocketMessageReader(sock), writer: new SocketMessageWriter(sock), dataDir, options, clientInfo });
  client.socket = sock;
  const disconnect = client.disconnect;
  client.disconnect = async () => {
    await disconnect();
    sock.destroy();
  };
  return client;
}
