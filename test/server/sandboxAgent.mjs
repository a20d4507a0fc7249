// A real sandbox-agent server (its binary from npm) on loopback for tests, with Foundry's own
// agents behind its launcher folder: its install route needs the internet, so each launcher
// execs an agent already on this machine (the demo agent, or a pinned install).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root } from './harness.mjs';

export const sandboxAgentBin = join(root, 'node_modules', '@sandbox-agent', 'cli-linux-x64', 'bin', 'sandbox-agent');

/** A port nothing listens on now, on loopback. */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

/**
 * Start sandbox-agent with `launchers` ({agentId: [command, ...args]}) written into its launcher
 * folder. `env` goes to the server and so to the agents it runs. Resolves once /v1/health answers.
 */
export async function startSandboxAgent({ home, launchers, env = {} }) {
  const dir = join(home, '.local', 'share', 'sandbox-agent', 'bin');
  mkdirSync(join(dir, 'agent_processes'), { recursive: true });
  for (const [id, argv] of Object.entries(launchers)) {
    const file = join(dir, 'agent_processes', `${id}-acp`);
    writeFileSync(file, `#!/bin/sh\nexec ${argv.map((a) => `'${a}'`).join(' ')} "$@"\n`);
    chmodSync(file, 0o755);
  }
  const port = await freePort();
  const child = spawn(sandboxAgentBin, ['server', '--host', '127.0.0.1', '--port', String(port), '--no-token', '--no-telemetry'], {
    env: { ...process.env, HOME: home, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/health`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`sandbox-agent did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100)); // polling its health endpoint: nothing to wait on
  }
  return {
    url,
    get stderr() { return stderr; },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A loopback HTTP proxy in front of `target` that can cut every open response (`cut()`), as the
 * proxy in front of a remote sandbox cuts connections it finds idle. `requests` logs
 * 'METHOD path last-event-id'.
 */
export async function startCuttingProxy(target) {
  const { createServer: createHttpServer, request } = await import('node:http');
  const upstream = new URL(target);
  const open = new Set();
  const requests = [];
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['last-event-id'] ?? '-'}`);
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      up.destroy();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** Ends every response in flight (an event stream among them) without a word. */
    cut() {
      const n = open.size;
      for (const res of open) res.socket?.destroy();
      return n;
    },
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
