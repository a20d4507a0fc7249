// A benchmark-only ACP agent (stdio): each prompt `stamp N GAP_MS` streams N agent_message_chunk
// updates, GAP_MS apart, whose text is the agent's monotonic clock (process.hrtime, CLOCK_MONOTONIC:
// one clock for every process on the machine) when the chunk was written. The receiver subtracts
// its own reading: the delay from an agent's chunk to a client, with no shared-clock guesswork.
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { agent, methods, ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';

let sessions = 0;
const app = agent({ name: 'foundry-bench-stamp' })
  .onRequest(methods.agent.initialize, () => ({
    protocolVersion: PROTOCOL_VERSION,
    agentCapabilities: { loadSession: false, promptCapabilities: {} },
    agentInfo: { name: 'foundry-bench-stamp', version: '0.1.0' },
    authMethods: [],
  }))
  .onRequest(methods.agent.session.new, () => ({ sessionId: `stamp-${++sessions}` }))
  .onRequest(methods.agent.session.prompt, async ({ params, client }) => {
    const text = params.prompt.map((b) => (b.type === 'text' ? b.text : '')).join('');
    const [, n = '1', gap = '0'] = /stamp (\d+) (\d+)/.exec(text) ?? [];
    for (let i = 0; i < Number(n); i++) {
      if (i > 0 && Number(gap) > 0) await sleep(Number(gap));
      const stamp = `${process.hrtime.bigint()}`;
      await client.notify(methods.client.session.update, {
        sessionId: params.sessionId,
        update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: `@${stamp};` } },
      });
    }
    return { stopReason: 'end_turn' };
  })
  .onNotification(methods.agent.session.cancel, () => {});

app.connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
