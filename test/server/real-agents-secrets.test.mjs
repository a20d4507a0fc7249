// An API key given through foundry/setCredentials reaches the real agent (Claude Code sends it to
// the model) and nothing else: after a full turn with a permission round trip, no file under the
// data folder (SQLite and its WAL included), no line of the sidecar's log (its stderr, where agent
// stderr goes too), of the traffic log or of anything the client was sent holds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { useRealAgent } from './realAgents.mjs';
import { allowedWrite } from './realAgentTests.mjs';
import { filesUnder as files } from './files.mjs';

const key = `sk-ant-foundry-secret-${process.pid}-7f3a9c2e41d8b6`;
const rt = useRealAgent('claude', { key });

test('claude: the key reaches the model and no file, log or notification of Foundry', async () => {
  const { session } = await allowedWrite(rt, { agent: 'claude', options: ['allow_always', 'allow', 'reject'], allowOption: 'allow' });
  assert.ok(rt.model.requests.some((r) => r.headers['x-api-key'] === key), 'the agent used the key');
  const pushed = JSON.stringify({ log: rt.sc.state.log, agents: rt.sc.state.agentsLog, transcript: await rt.sc.transcript(session.id) });
  const info = await rt.sc.request(Requests.ListAgents.method, {});
  await rt.sc.stop();

  const needles = [key, key.slice(-16)];
  const leaks = [];
  for (const file of files(rt.dataDir)) {
    const bytes = readFileSync(file);
    for (const n of needles) if (bytes.includes(n)) leaks.push(`${file} holds ${n}`);
  }
  const scanned = { stderr: rt.sc.stderr, traffic: readFileSync(rt.trafficLog, 'utf8'), pushed, listAgents: JSON.stringify(info) };
  for (const [what, text] of Object.entries(scanned)) for (const n of needles) if (text.includes(n)) leaks.push(`${what} holds ${n}`);
  assert.deepEqual(leaks, []);
  assert.ok(files(rt.dataDir).some((f) => f.endsWith('foundry.db')), 'the data folder was scanned');
  assert.match(scanned.traffic, /foundry\/setCredentials/, 'the traffic log was written');
});
