// An agent process driven directly over ACP (stdio), with no Foundry in between: the baseline the
// transcript section compares the sidecar's path against. Grants every permission request.
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { client, methods, ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';

export async function directAgent({ command, args = [], env = process.env, cwd }) {
  const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'ignore'] });
  let onUpdate = () => {};
  const conn = client({ name: 'foundry-bench-direct' })
    .onNotification(methods.client.session.update, ({ params }) => onUpdate(params))
    .onRequest(methods.client.session.requestPermission, ({ params }) => ({
      outcome: { outcome: 'selected', optionId: (params.options.find((o) => o.kind.startsWith('allow')) ?? params.options[0]).optionId },
    }))
    .connect(ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout)));
  await conn.agent.request(methods.agent.initialize, { protocolVersion: PROTOCOL_VERSION, clientCapabilities: {} });
  return {
    async newSession(sessionCwd) {
      return (await conn.agent.request(methods.agent.session.new, { cwd: sessionCwd, mcpServers: [] })).sessionId;
    },
    /** Sends a prompt; `update(u)` sees each session update; resolves with the prompt's answer. */
    prompt(sessionId, text, update) {
      onUpdate = (p) => p.sessionId === sessionId && update(p.update);
      return conn.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text }] });
    },
    close() {
      child.stdin.end();
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}
