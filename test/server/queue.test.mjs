// The durable message queue: a message sent while the session cannot take it is stored at once
// and sent, in order, when it can; queued messages can be edited and removed; Stop and a failed
// turn pause the queue and the next message (or Send queued) resumes it; and a kill -9 of the
// sidecar mid-turn loses nothing queued. Real sidecar over JSON-RPC, real demo agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { startSidecar, agentText } from './harness.mjs';
import { useSidecar } from './useSidecar.mjs';

let sc, repo, dataDir, dir;
const ctx = useSidecar({}, (c) => ({ sc, repo, dataDir, dir } = c));

const prompts = (events) =>
  events.filter((e) => e.sender === 'client' && e.payload.method === 'session/prompt').map((e) => e.payload.params.prompt.map((b) => b.text).join(''));
const ended = (events) => events.filter((e) => e.sender === 'foundry' && /turn_(ended|failed)/.test(e.payload.kind));

test('a message sent during provisioning waits in the queue and is delivered once the session is ready', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'first' });
  const s = t.sessions[0];
  // The task's prompt is the queue's first message, committed with the task.
  assert.deepEqual(t.sessions[0].queue.map((m) => m.text), ['first']);
  const r = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'second' });
  assert.equal(r.queued, true);
  assert.match(r.turnId, /^turn_/);
  await sc.waitFor(() => sc.session(t.id, s.id)?.queue.length === 0 && sc.task(t.id).status === 'idle', 'queue drained');
  const events = await sc.transcript(s.id);
  assert.deepEqual(prompts(events), ['first', 'second']);
  const turnIds = ended(events).map((e) => e.payload.turnId);
  assert.ok(turnIds.includes(r.turnId), 'the queued message ran as the turn sendMessage named');
});

test('messages queued during a turn go one turn each, in order; a waiting one can be edited or removed', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  await sc.request(Requests.SubscribeSession.method, { sessionId: s.id });
  const running = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'sleep 600\nslow one' });
  assert.equal(running.queued, false);
  const a = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'A' });
  const b = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'B' });
  const c = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'C' });
  assert.ok(a.queued && b.queued && c.queued);
  const edited = await sc.request(Requests.EditQueuedMessage.method, { sessionId: s.id, messageId: b.messageId, text: 'B edited' });
  assert.deepEqual(edited.queue.map((m) => m.text), ['A', 'B edited', 'C']);
  const removed = await sc.request(Requests.RemoveQueuedMessage.method, { sessionId: s.id, messageId: c.messageId });
  assert.deepEqual(removed.queue.map((m) => m.id), [a.messageId, b.messageId]);
  await sc.waitFor(() => sc.session(t.id, s.id)?.queue.length === 0 && sc.session(t.id, s.id)?.status === 'ready' && sc.task(t.id).status === 'idle', 'queue drained');
  const events = await sc.transcript(s.id);
  assert.deepEqual(prompts(events).slice(1), ['sleep 600\nslow one', 'A', 'B edited']);
  // A message that went is not waiting any more.
  await assert.rejects(sc.request(Requests.EditQueuedMessage.method, { sessionId: s.id, messageId: a.messageId, text: 'late' }), (e) => e.code === ErrorCodes.InvalidState && /not waiting/.test(e.message));
});

test('Stop pauses the queue; the next message resumes it behind the ones waiting; Send queued resumes it too', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  await sc.request(Requests.SubscribeSession.method, { sessionId: s.id });
  await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'hang' });
  const waiting = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'after stop' });
  await sc.request(Requests.CancelTurn.method, { sessionId: s.id });
  const paused = await sc.waitFor(() => {
    const x = sc.session(t.id, s.id);
    return x?.status === 'ready' && x.queuePaused && x;
  }, 'paused queue');
  assert.deepEqual(paused.queue.map((m) => m.id), [waiting.messageId], 'the waiting message is kept, not sent');
  const next = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'resume' });
  assert.equal(next.queued, true);
  await sc.waitFor(() => sc.session(t.id, s.id)?.queue.length === 0 && sc.session(t.id, s.id)?.status === 'ready', 'queue drained');
  assert.deepEqual(prompts(await sc.transcript(s.id)).slice(1), ['hang', 'after stop', 'resume']);

  // A failed turn pauses too; Send queued resumes.
  await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'sleep 300\nfail' });
  const held = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'held' });
  await sc.waitFor(() => sc.session(t.id, s.id)?.queuePaused && sc.session(t.id, s.id)?.status === 'ready', 'paused after the failure');
  assert.deepEqual(sc.session(t.id, s.id).queue.map((m) => m.id), [held.messageId]);
  const resumed = await sc.request(Requests.SendQueued.method, { sessionId: s.id });
  assert.equal(resumed.queuePaused, false);
  await sc.waitFor(() => sc.session(t.id, s.id)?.queue.length === 0 && sc.session(t.id, s.id)?.status === 'ready', 'held message sent');
  assert.equal(prompts(await sc.transcript(s.id)).at(-1), 'held');
});

test('a kill -9 of the sidecar mid-turn loses nothing queued; the queue waits, paused, until Send queued', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  await sc.request(Requests.SubscribeSession.method, { sessionId: s.id });
  await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'hang' });
  const q1 = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'kept one' });
  const q2 = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'kept two' });
  await sc.waitSession(t.id, s.id, 'running');
  // Mid-turn: the prompt reached the agent (a pushed transcript line is a stored one).
  await sc.waitFor(() => prompts(sc.pushed(s.id)).includes('hang'), "the 'hang' prompt sent to the agent");
  await sc.kill9();
  sc = ctx.sc = await startSidecar({ dataDir });
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  const after = wb.tasks.find((x) => x.id === t.id).sessions[0];
  assert.equal(after.status, 'ready');
  assert.equal(after.queuePaused, true);
  assert.deepEqual(after.queue.map((m) => [m.id, m.text]), [[q1.messageId, 'kept one'], [q2.messageId, 'kept two']]);
  await sc.request(Requests.SendQueued.method, { sessionId: s.id });
  await sc.waitFor(() => sc.session(t.id, s.id)?.queue.length === 0 && sc.session(t.id, s.id)?.status === 'ready' && sc.task(t.id)?.status === 'idle', 'queue drained after restart');
  const events = await sc.transcript(s.id);
  assert.deepEqual(prompts(events).slice(-2), ['kept one', 'kept two']);
  assert.ok(agentText(events).endsWith('kept two'));
});

test('sending to a session in error or closed gets -32002', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  await sc.request(Requests.CloseWorkbenchSession.method, { sessionId: s.id });
  await assert.rejects(sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'x' }), (e) => e.code === ErrorCodes.InvalidState && /'closed'/.test(e.message));
});
