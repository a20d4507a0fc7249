/** A local agent process spoken to over stdio (newline-delimited JSON-RPC), in its own process group. */
import { Readable, Writable } from 'node:stream';
import { ndJsonStream } from '@agentclientprotocol/sdk';
import type { EffectsEvent } from '../api';
import type { ProcessEffects } from '../processes';
import type { AgentLink, LinkEnd } from './link';

export function stdioLink(
  key: string,
  launch: { command: string; args: string[]; env: Record<string, string>; clientFs?: false },
  cwd: string,
  processes: ProcessEffects,
  emit: (e: EffectsEvent) => void,
): AgentLink & { spawnError: Promise<never> } {
  const child = processes.spawnGroup(launch.command, launch.args, { cwd, env: launch.env, stdio: ['pipe', 'pipe', 'pipe'] }, key, 'agent');
  // A dying agent closes its pipes under us: that is reported by `ended`, never a crash.
  child.stdin?.on('error', () => {});
  child.stdout?.on('error', () => {});
  let stderrTail = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString()).slice(-2000);
    emit({ type: 'log', level: 'info', message: `agent ${key}: ${d.toString().trimEnd()}` });
  });
  const ended = new Promise<LinkEnd>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderrTail: stderrTail.trim().split('\n').slice(-5).join('\n') }));
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) => reject(new Error(`could not start agent '${launch.command}': ${e.message}`))),
  );
  spawnError.catch(() => {});
  const stream = ndJsonStream(Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>, Readable.toWeb(child.stdout!) as unknown as ReadableStream<Uint8Array>);
  return {
    ...stream,
    ended,
    spawnError,
    pgid: child.pid,
    localFs: launch.clientFs !== false,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.pid && processes.killGroup(child.pid, 'SIGKILL'), 2000);
      if (child.pid) processes.killGroup(child.pid, 'SIGTERM');
      await ended;
      clearTimeout(timer);
    },
  };
}
