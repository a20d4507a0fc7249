// Approval policies, agent modes and models per session, through the contract, with the demo
// agent (its modes mirror Claude Code's: default asks before every write, acceptEdits does not,
// bypassPermissions asks nothing, plan refuses edits). Two sessions of one task keep their own
// policies; a model chosen is applied again after the agent process restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, Requests } from '../../shared/protocol.ts';
import { agentText } from './harness.mjs';
import { useSidecar } from './useSidecar.mjs';

let sc, repo, dataDir, dir;
const ctx = useSidecar({ options: { agentIdleStopMs: 1500 } }, (c) => ({ sc, repo, dataDir, dir } = c));

async function readyTask(prompt = 'ready') {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt });
  return sc.waitTask(t.id, 'idle');
}

test('the session lists the policies, the agent modes no policy stands for, and its models; ask is the default', async () => {
  const t = await readyTask();
  const s = t.sessions[0];
  assert.equal(s.mode, 'ask');
  assert.deepEqual(s.modes.map((m) => m.id), ['ask', 'accept_edits', 'full_access', 'plan']);
  assert.deepEqual(s.models.map((m) => m.id), ['demo-standard', 'demo-large']);
  await assert.rejects(sc.request(Requests.SetSessionMode.method, { sessionId: s.id, mode: 'yolo' }), (e) => e.code === ErrorCodes.InvalidParams && /mode: 'yolo'/.test(e.message));
  await assert.rejects(sc.request(Requests.SetSessionModel.method, { sessionId: s.id, model: 'gpt-9' }), (e) => e.code === ErrorCodes.InvalidParams && /model: 'gpt-9'/.test(e.message));
  await assert.rejects(sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'p', mode: 'plan' }), (e) => e.code === ErrorCodes.InvalidParams && /mode: 'plan'/.test(e.message));
});

test('two sessions of one task: ask asks before a write, accept_edits writes at once, and neither changes the other', async () => {
  const t = await readyTask();
  const asking = t.sessions[0];
  const accepting = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: t.id, mode: 'accept_edits' });
  await sc.waitSession(t.id, accepting.id, 'ready');
  assert.equal(sc.session(t.id, accepting.id).mode, 'accept_edits');

  // accept_edits: no prompt, the file is there.
  const { end } = await sc.turn(t.id, accepting.id, 'write b.txt\nfrom b\nend');
  assert.equal(end.stopReason, 'end_turn');
  assert.ok(existsSync(join(t.worktreePath, 'b.txt')));

  // ask: the same write waits for the user; reject writes nothing.
  await sc.request(Requests.SubscribeSession.method, { sessionId: asking.id });
  await sc.request(Requests.SendMessage.method, { sessionId: asking.id, text: 'write a.txt\nfrom a\nend' });
  const waiting = await sc.waitSession(t.id, asking.id, 'needs_input');
  assert.equal(sc.session(t.id, accepting.id).status, 'ready', 'the other session is not waiting');
  await sc.request(Requests.ReplyPermission.method, { sessionId: asking.id, requestId: waiting.pendingPermission.requestId, optionId: 'reject_once' });
  await sc.waitSession(t.id, asking.id, 'ready');
  assert.equal(existsSync(join(t.worktreePath, 'a.txt')), false, 'rejected: nothing written');

  // Still their own policies: accept_edits still writes unasked.
  await sc.turn(t.id, accepting.id, 'write c.txt\nc\nend');
  assert.ok(existsSync(join(t.worktreePath, 'c.txt')));
  assert.equal(sc.session(t.id, asking.id).mode, 'ask');
});

test('switching a live session to accept_edits, then to the agent mode plan, changes what its next turn may do', async () => {
  const t = await readyTask();
  const s = t.sessions[0];
  const changed = await sc.request(Requests.SetSessionMode.method, { sessionId: s.id, mode: 'accept_edits' });
  assert.equal(changed.mode, 'accept_edits');
  await sc.turn(t.id, s.id, 'write d.txt\nd\nend\nmode');
  assert.ok(existsSync(join(t.worktreePath, 'd.txt')));
  assert.match(agentText(await sc.transcript(s.id)), /mode: acceptEdits/);
  await sc.request(Requests.SetSessionMode.method, { sessionId: s.id, mode: 'plan' });
  await sc.turn(t.id, s.id, 'write e.txt\ne\nend');
  assert.equal(existsSync(join(t.worktreePath, 'e.txt')), false, 'plan mode refuses edits');
  const events = await sc.transcript(s.id);
  assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'mode_changed' && /Plan only/.test(e.payload.text)));
});

test('the model chosen is applied now and again after the agent process restarts and loads the session', async () => {
  const t = await readyTask();
  const s = t.sessions[0];
  const r = await sc.request(Requests.SetSessionModel.method, { sessionId: s.id, model: 'demo-large' });
  assert.equal(r.model, 'demo-large');
  await sc.turn(t.id, s.id, 'model');
  assert.match(agentText(await sc.transcript(s.id)), /model: demo-large$/);
  // The idle stop (1.5 s) ends the process; the next turn starts a new one, loads and re-applies.
  await sc.waitForLog(new RegExp(`agent of session ${s.id} exited`));
  await sc.request(Requests.SetSessionMode.method, { sessionId: s.id, mode: 'accept_edits' });
  await sc.turn(t.id, s.id, 'model\nmode');
  const events = await sc.transcript(s.id);
  assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'agent_restarted'), 'the process restarted');
  assert.match(agentText(events), /model: demo-largemode: acceptEdits$/);
});
