// An agent process driven directly over ACP (stdio), with no Foundry in between: the baseline the
// transcript section compares the sidecar's path against. Grants every permission request.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { client, methods, ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';

export async function directAgent({ command, args = [], env = process.env, cwd, fs = false }) {
  // Its own process group, so that close() can end what it started too (Claude Code runs its CLI).
  const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'ignore'], detached: true });
  let onUpdate = () => {};
  const conn = client({ name: 'foundry-bench-direct' })
    .onNotification(methods.client.session.update, ({ params }) => onUpdate(params))
    .onRequest(methods.client.fs.readTextFile, async ({ params }) => ({ content: await readFile(params.path, 'utf8') }))
    .onRequest(methods.client.fs.writeTextFile, async ({ params }) => (await writeFile(params.path, params.content), {}))
    .onRequest(methods.client.session.requestPermission, ({ params }) => ({
      outcome: { outcome: 'selected', optionId: (params.options.find((o) => o.kind.startsWith('allow')) ?? params.options[0]).optionId },
    }))
    .connect(ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout)));
  await conn.agent.request(methods.agent.initialize, { protocolVersion: PROTOCOL_VERSION, clientCapabilities: fs ? { fs: { readTextFile: true, writeTextFile: true } } : {} });
  return {
    async newSession(sessionCwd) {
      return (await conn.agent.request(methods.agent.session.new, { cwd: sessionCwd, mcpServers: [] })).sessionId;
    },
    /** Sends a prompt; `update(u)` sees each session update; resolves with the prompt's answer. */
    prompt(sessionId, text, update) {
      onUpdate = (p) => p.sessionId === sessionId && update(p.update);
      return conn.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text }] });
    },
    /** Closes its stdin; what is still running of its group 2 s later is killed. */
    async close() {
      const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));
      child.stdin.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 2000);
      await exited;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL'); // the group's other processes, if any outlived it
      } catch {
        // none left
      }
    },
  };
}
