// "Continue with…": foundry/handoffSession starts a new session in the same task and worktree
// whose first message is a bounded digest of the earlier one: the user's messages, the agent's
// final answers, the files changed, the plan still open and the last error, at most 8 KB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { useSidecar } from './useSidecar.mjs';

let sc, repo, dataDir, dir;
const ctx = useSidecar({}, (c) => ({ sc, repo, dataDir, dir } = c));

const firstPrompt = (events) => {
  const e = events.find((x) => x.sender === 'client' && x.payload.method === 'session/prompt');
  return e?.payload.params.prompt.map((b) => b.text).join('');
};

test('the new session starts with the digest of the old one, in the same worktree', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'Add a greeting file', mode: 'accept_edits' });
  const idle = await sc.waitTask(t.id, 'idle');
  const from = idle.sessions[0];
  await sc.turn(t.id, from.id, 'plan Write greeting | Write tests | Update docs\nwrite src/greeting.txt\nhello\nend\nGreeting written.');
  await sc.turn(t.id, from.id, 'sleep 10\nfail');
  const next = await sc.request(Requests.HandoffSession.method, { sessionId: from.id, agent: 'demo', mode: 'accept_edits' });
  assert.notEqual(next.id, from.id);
  assert.equal(next.taskId, t.id);
  assert.equal(next.mode, 'accept_edits');
  await sc.waitFor(() => sc.session(t.id, next.id)?.status === 'ready' && sc.session(t.id, next.id).queue.length === 0 && sc.task(t.id).status === 'idle', 'digest delivered');
  const events = await sc.transcript(next.id);
  const digest = firstPrompt(events);
  assert.ok(Buffer.byteLength(digest) <= 8192);
  assert.match(digest, /Add a greeting file/, "the user's first message");
  assert.match(digest, /Greeting written\./, "the agent's final answer");
  assert.match(digest, /- src\/greeting\.txt/, 'the files changed');
  assert.match(digest, /- \[ \] Write tests/, 'the plan still open');
  assert.match(digest, /## Last error\n> .*fail requested/, 'the last error');
  const handoff = (list) => list.find((e) => e.sender === 'foundry' && e.payload.kind === 'handoff')?.payload;
  assert.equal(handoff(events)?.otherSessionId, from.id, 'the new session names the one it continues');
  // The old session is left as it is, but for a line naming the session that continues it.
  assert.equal(sc.session(t.id, from.id).status, 'ready');
  const back = handoff(await sc.transcript(from.id));
  assert.equal(back?.otherSessionId, next.id);
  assert.match(back.text, /^Continued in Chat 2 /);
});

test('a write the user rejected is not among the files changed', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'start' });
  const from = (await sc.waitTask(t.id, 'idle')).sessions[0];
  await sc.request(Requests.SendMessage.method, { sessionId: from.id, text: 'write refused.txt\nnever\nend' });
  const asked = await sc.waitFor(() => sc.session(t.id, from.id)?.pendingPermission, 'the write asks');
  await sc.request(Requests.ReplyPermission.method, { sessionId: from.id, requestId: asked.requestId, optionId: 'reject_once' });
  await sc.waitTask(t.id, 'idle');
  const next = await sc.request(Requests.HandoffSession.method, { sessionId: from.id, agent: 'demo' });
  await sc.waitFor(() => sc.session(t.id, next.id)?.queue.length === 0 && sc.session(t.id, next.id)?.status === 'ready', 'digest delivered');
  const digest = firstPrompt(await sc.transcript(next.id));
  assert.match(digest, /> write refused\.txt/, "the user's message is there");
  assert.doesNotMatch(digest, /Files changed/, 'no file changed');
});

test('a long conversation is cut to 8 KB, oldest turns first, keeping files and the open plan', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'start', mode: 'accept_edits' });
  const idle = await sc.waitTask(t.id, 'idle');
  const from = idle.sessions[0];
  await sc.turn(t.id, from.id, 'plan Keep going\nwrite kept.txt\nk\nend');
  const long = 'x'.repeat(1200);
  for (let i = 0; i < 8; i++) await sc.turn(t.id, from.id, `turn ${i} ${long}`);
  const next = await sc.request(Requests.HandoffSession.method, { sessionId: from.id, agent: 'demo' });
  await sc.waitFor(() => sc.session(t.id, next.id)?.queue.length === 0 && sc.session(t.id, next.id)?.status === 'ready', 'digest delivered');
  const digest = firstPrompt(await sc.transcript(next.id));
  assert.ok(Buffer.byteLength(digest) <= 8192, `digest is ${Buffer.byteLength(digest)} bytes`);
  assert.match(digest, /earlier turns? left out/);
  assert.match(digest, /turn 7/, 'the newest turn is kept');
  assert.doesNotMatch(digest, /### User\n> start/, 'the oldest turn went first');
  assert.match(digest, /- kept\.txt/);
  assert.match(digest, /- \[ \] Keep going/);
});
