// An agent's session/request_permission reaches the user: the session waits in needs_input with
// pendingPermission, foundry/replyPermission answers it; Stop cancels it; a sidecar restart
// expires it. Real sidecar over JSON-RPC, real demo agent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, agentText } from './harness.mjs';

let dir, dataDir, sc, repo;
before(async () => {
  dir = tempDir();
  dataDir = join(dir, 'data');
  const repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({ dataDir });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

const DemoOptions = [
  { optionId: 'allow_once', name: 'Allow once', kind: 'allow_once' },
  { optionId: 'allow_always', name: 'Always allow', kind: 'allow_always' },
  { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
];
const foundryEvents = (events, kind) => events.filter((e) => e.sender === 'foundry' && e.payload.kind === kind);

async function readySession() {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready' });
  const idle = await sc.waitTask(t.id, 'idle');
  return { task: idle, session: idle.sessions[0] };
}

/** Send a `permission` prompt; resolves with the pushed needs_input summary. */
async function ask(task, s, text) {
  await sc.request(Requests.SubscribeSession.method, { sessionId: s.id });
  const { turnId } = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text });
  const waiting = await sc.waitSession(task.id, s.id, 'needs_input');
  return { turnId, waiting };
}

const rejectsState = (p, re) => assert.rejects(p, (e) => e.code === ErrorCodes.InvalidState && re.test(e.message));

test('needs_input carries the request; an allow answer reaches the agent and the turn ends', async () => {
  const { task, session: s } = await readySession();
  const { turnId, waiting } = await ask(task, s, 'permission Run the tests\nDone.');
  assert.equal(waiting.pendingPermission.title, 'Run the tests');
  assert.match(waiting.pendingPermission.requestId, /^perm_/);
  assert.deepEqual(waiting.pendingPermission.options, DemoOptions);
  assert.equal(sc.task(task.id).status, 'running', 'a session waiting on the user is a running turn');
  // Listed without reading transcripts: getWorkbench has it too.
  const wb = await sc.request(Requests.GetWorkbench.method, {});
  assert.deepEqual(wb.tasks.find((t) => t.id === task.id).sessions[0].pendingPermission, waiting.pendingPermission);
  // A message sent now waits in the queue like during any running turn (and is taken back here).
  const queued = await sc.request(Requests.SendMessage.method, { sessionId: s.id, text: 'hi' });
  assert.equal(queued.queued, true);
  const removed = await sc.request(Requests.RemoveQueuedMessage.method, { sessionId: s.id, messageId: queued.messageId });
  assert.deepEqual(removed.queue, []);
  const { requestId } = waiting.pendingPermission;
  await rejectsState(sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId, optionId: 'nope' }), /not one of the request's options/);
  await rejectsState(sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId: 'perm_other', optionId: 'allow_once' }), /no permission request/);

  const answered = await sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId, optionId: 'allow_always' });
  assert.equal(answered.pendingPermission, undefined);
  assert.ok(['running', 'ready'].includes(answered.status));
  await sc.waitFor(() => (sc.transcripts.get(s.id) ?? []).some((e) => e.payload?.turnId === turnId && e.payload.kind === 'turn_ended'), 'turn end');
  await sc.waitSession(task.id, s.id, 'ready');
  assert.equal(sc.task(task.id).status, 'idle');
  const events = await sc.transcript(s.id);
  assert.equal(agentText(events), 'readypermission: allow_alwaysDone.');
  const request = events.find((e) => e.sender === 'agent' && e.payload.method === 'session/request_permission');
  const reply = events.find((e) => e.sender === 'client' && e.payload.id === request.payload.id && e.payload.result);
  assert.deepEqual(reply.payload.result.outcome, { outcome: 'selected', optionId: 'allow_always' });
  assert.equal(foundryEvents(events, 'turn_ended').at(-1).payload.stopReason, 'end_turn');

  await rejectsState(sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId, optionId: 'allow_once' }), /no permission request/);
  await assert.rejects(sc.request(Requests.ReplyPermission.method, { sessionId: 'ses_nope', requestId, optionId: 'allow_once' }), (e) => e.code === ErrorCodes.NotFound);
  await assert.rejects(sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId: '', optionId: 'allow_once' }), (e) => e.code === ErrorCodes.InvalidParams);
});

test('Stop while needs_input cancels the turn and the request; the session is ready', async () => {
  const { task, session: s } = await readySession();
  const { turnId, waiting } = await ask(task, s, 'permission Push to main\nnever said');
  await sc.request(Requests.CancelTurn.method, { sessionId: s.id });
  await sc.waitFor(() => (sc.transcripts.get(s.id) ?? []).some((e) => e.payload?.turnId === turnId && e.payload.kind === 'turn_ended'), 'turn end');
  const ready = await sc.waitSession(task.id, s.id, 'ready');
  assert.equal(ready.pendingPermission, undefined);
  assert.equal(sc.task(task.id).status, 'idle');
  const events = await sc.transcript(s.id);
  assert.equal(foundryEvents(events, 'turn_ended').at(-1).payload.stopReason, 'cancelled');
  assert.ok(!agentText(events).includes('never said'));
  const { requestId } = waiting.pendingPermission;
  await rejectsState(sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId, optionId: 'allow_once' }), /no permission request/);
  await sc.turn(task.id, s.id, 'after stop');
  assert.ok(agentText(await sc.transcript(s.id)).endsWith('after stop'));
});

test('a kill -9 while needs_input: after restart the request is expired and cannot be answered', async () => {
  const { task, session: s } = await readySession();
  const { waiting } = await ask(task, s, 'permission Deploy');
  await sc.kill9();
  sc = await startSidecar({ dataDir });
  // Recovery ran before initialize was answered: the workbench read shows it.
  const workbenchTask = async () => (await sc.request(Requests.GetWorkbench.method, {})).tasks.find((t) => t.id === task.id);
  const restarted = await workbenchTask();
  const after = restarted.sessions.find((x) => x.id === s.id);
  assert.equal(after.status, 'ready');
  assert.equal(after.pendingPermission, undefined);
  assert.equal(restarted.status, 'idle');
  const events = await sc.transcript(s.id);
  const expired = foundryEvents(events, 'permission_expired');
  assert.equal(expired.length, 1);
  assert.match(expired[0].payload.text, /"Deploy" expired/);
  assert.equal(foundryEvents(events, 'turn_interrupted').length, 1, 'beside the interrupted turn');
  const { requestId } = waiting.pendingPermission;
  await rejectsState(sc.request(Requests.ReplyPermission.method, { sessionId: s.id, requestId, optionId: 'allow_once' }), /no permission request/);
  assert.equal((await workbenchTask()).sessions.find((x) => x.id === s.id).status, 'ready');
});
