// An agent process that exits on its own puts its session in `error` with the reason and a
// Restart (foundry/retrySession); the transcript stays and the restarted agent resumes the
// conversation with session/load. A queued message waits through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { agentText } from './harness.mjs';
import { useSidecar } from './useSidecar.mjs';
import { queryDb } from './files.mjs';

let sc, repo, dataDir, dir;
const ctx = useSidecar({}, (c) => ({ sc, repo, dataDir, dir } = c));

test('an agent crash mid-turn: error with the reason, the queue kept; Restart resumes the conversation', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'remember me' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  await sc.request(Requests.SubscribeSession.method, { sessionId: s.id });
  await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'going down\nexit 3' });
  const waiting = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'after the crash' });
  const failed = await sc.waitSession(t.id, s.id, 'error');
  assert.match(failed.errorMessage, /The agent process exited with code 3.*Restart the session/);
  assert.deepEqual(failed.queue.map((m) => m.id), [waiting.messageId], 'the queued message is kept');
  assert.equal(sc.task(t.id).status, 'idle', 'the task is not stuck running');
  const events = await sc.transcript(s.id);
  assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'agent_exited'));
  assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'turn_failed'));
  await assert.rejects(sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'x' }), (e) => e.code === ErrorCodes.InvalidState && /'error'/.test(e.message));

  await sc.request(Requests.RetrySession.method, { sessionId: s.id });
  await sc.waitSession(t.id, s.id, 'ready');
  // Paused by the failure: the user sends it on.
  await sc.request(Requests.SendQueued.method, { sessionId: s.id });
  await sc.waitFor(() => sc.session(t.id, s.id)?.queue.length === 0 && sc.session(t.id, s.id)?.status === 'ready', 'queued message sent');
  const after = await sc.transcript(s.id);
  assert.ok(after.some((e) => e.sender === 'foundry' && e.payload.kind === 'agent_restarted'), 'resumed with session/load');
  assert.ok(agentText(after).startsWith('remember me'), 'the transcript is kept');
  assert.ok(agentText(after).endsWith('after the crash'));
});

test('an idle agent that dies on its own also leaves its session in error, never a silent restart', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'idle then killed' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  const [row] = queryDb(join(sc.dataDir, 'foundry.db'), "SELECT pgid FROM processes WHERE owner = ? AND kind = 'agent'", s.id);
  const pgid = row?.pgid;
  assert.ok(pgid > 0, 'the agent process is recorded');
  process.kill(-pgid, 'SIGKILL');
  const failed = await sc.waitSession(t.id, s.id, 'error');
  assert.match(failed.errorMessage, /was killed by SIGKILL/);
});
