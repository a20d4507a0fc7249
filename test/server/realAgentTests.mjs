// The real-agent scenarios, written once and run against each agent (real-agents-*.test.mjs): the
// user-visible outcome of each approval policy, a model change, Stop, and resuming after an idle
// stop. `rt` is useRealAgent's context; `spec` names the agent's own permission options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';

let seq = 0;
/** A word no other request carries, to find a turn's requests in the fake model's log. */
const marker = (what) => `${what}${++seq}x${process.pid}`;

/** The permission round trip: ask → the agent's own options → allow → the file is in the worktree. */
export async function allowedWrite(rt, spec) {
  const { task, session } = await rt.newTask(`hello ${marker('first')}`);
  const file = `${marker('allowed')}.txt`;
  const content = marker('content');
  const started = Date.now();
  const { turnId, waiting } = await rt.sendUntilAsked(task, session, `WRITE ${file} ${content}`);
  const asked = Date.now();
  const pending = waiting.pendingPermission;
  assert.deepEqual(pending.options.map((o) => o.optionId), spec.options, "the agent's own options");
  assert.ok(pending.title.length > 0, 'the request has a title');
  assert.equal(existsSync(join(task.worktreePath, file)), false, 'nothing written before the answer');
  const answered = Date.now();
  await rt.sc.request(Requests.ReplyPermission.method, { sessionId: session.id, requestId: pending.requestId, optionId: spec.allowOption });
  const end = await rt.turnEnd(task, session, turnId);
  assert.equal(end.stopReason, 'end_turn');
  assert.equal(readFileSync(join(task.worktreePath, file), 'utf8').trim(), content);
  assert.match(rt.text(session), /Finished\./, 'the final text after the tool result reached the tab');
  rt.timings.push(`${spec.agent ?? 'agent'}: permission asked ${asked - started} ms after sendMessage; allow to turn end ${Date.now() - answered} ms`);
  return { task, session };
}

/** A plain prompt streams a reply that names it (timed: from the request to the first chunk pushed). */
export function streamedReply(rt, spec) {
  test(`${spec.agent}: a prompt streams a reply that names it`, async () => {
    const word = marker('stream');
    const started = Date.now();
    const t = await rt.sc.request(Requests.CreateTask.method, { repoId: rt.repo.id, prompt: `say something about ${word}` });
    const session = t.sessions[0];
    await rt.sc.request(Requests.SubscribeSession.method, { sessionId: session.id });
    await rt.sc.waitFor(() => rt.text(session).length > 0, 'the first chunk', 120_000);
    const cold = Date.now() - started;
    await rt.sc.waitTask(t.id, 'idle', 120_000);
    const events = await rt.sc.transcript(session.id);
    const chunks = events.filter((e) => e.payload?.params?.update?.sessionUpdate === 'agent_message_chunk' && e.payload.params.update.content?.text);
    assert.ok(chunks.length > 1, `streamed in chunks (${chunks.length})`);
    assert.match(rt.text(session), new RegExp(`Echo:.*${word}`));
    // The agent is running now: the next message's first chunk.
    const before = rt.text(session).length;
    const again = Date.now();
    const { turnId } = await rt.sc.request(Requests.SendMessage.method, { sessionId: session.id, text: `and ${word} again` });
    await rt.sc.waitFor(() => rt.text(session).length > before, 'the next first chunk', 60_000);
    rt.timings.push(`${spec.agent}: first chunk ${cold} ms from createTask (agent start included), ${Date.now() - again} ms for a next message`);
    await rt.turnEnd(t, session, turnId);
  });
}

export function policyTests(rt, spec) {
  test(`${spec.agent}: ask → pendingPermission with the agent's options → allow writes the file`, async () => {
    await allowedWrite(rt, spec);
  });

  test(`${spec.agent}: ask → reject writes nothing and the turn ends`, async () => {
    const { task, session } = await rt.newTask(`hello ${marker('first')}`);
    const file = `${marker('rejected')}.txt`;
    const { turnId, waiting } = await rt.sendUntilAsked(task, session, `WRITE ${file} never`);
    await rt.sc.request(Requests.ReplyPermission.method, { sessionId: session.id, requestId: waiting.pendingPermission.requestId, optionId: spec.rejectOption });
    const end = await rt.turnEnd(task, session, turnId);
    assert.equal(end.kind, 'turn_ended');
    assert.equal(existsSync(join(task.worktreePath, file)), false, 'rejected: nothing written');
    assert.equal(rt.sc.session(task.id, session.id).pendingPermission, undefined);
  });

  for (const mode of ['accept_edits', ...(spec.fullAccess === false ? [] : ['full_access'])]) {
    test(`${spec.agent}: ${mode} writes the file with no permission request`, async () => {
      const { task, session } = await rt.newTask(`hello ${marker('first')}`, { mode });
      assert.equal(session.mode, mode);
      const file = `${marker(mode)}.txt`;
      const { end } = await rt.sc.turn(task.id, session.id, `WRITE ${file} ${mode} content`);
      assert.equal(end.stopReason, 'end_turn');
      assert.equal(readFileSync(join(task.worktreePath, file), 'utf8').trim(), `${mode} content`);
      const events = await rt.sc.transcript(session.id);
      assert.equal(events.filter((e) => e.payload?.method === 'session/request_permission').length, 0, 'nothing asked');
      const note = mode === 'full_access' && spec.fullAccessNote?.();
      if (note) assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'mode_changed' && note.test(e.payload.text)), `the session says ${note}`);
    });
  }
}

export function sessionTests(rt, spec) {
  test(`${spec.agent}: setSessionModel: the next request to the model names the new model`, async () => {
    const { task, session } = await rt.newTask(`hello ${marker('first')}`);
    const before = rt.model.requests.at(-1).model;
    const target = session.models.find((m) => m.id !== 'default' && !spec.modelMatches(before, m.id));
    assert.ok(target, `a model other than ${before} among ${session.models.map((m) => m.id)}`);
    const changed = await rt.sc.request(Requests.SetSessionModel.method, { sessionId: session.id, model: target.id });
    assert.equal(changed.model, target.id);
    const word = marker('model');
    const from = rt.model.requests.length;
    await rt.sc.turn(task.id, session.id, `which model ${word}`);
    const request = await rt.model.waitForRequest((r) => r.text.includes(word) && r.body?.tools?.length, 'the turn after the change', from);
    assert.ok(spec.modelMatches(request.model, target.id), `the request names ${target.id}: ${request.model}`);
    assert.match(rt.text(session), new RegExp(word));
  });

  test(`${spec.agent}: Stop mid-stream ends the turn cancelled; the next message gets a reply`, async () => {
    const { task, session } = await rt.newTask(`hello ${marker('first')}`);
    await rt.sc.request(Requests.SubscribeSession.method, { sessionId: session.id });
    const { turnId } = await rt.sc.request(Requests.SendMessage.method, { sessionId: session.id, text: 'SLOW please' });
    await rt.sc.waitFor(() => /slow chunk 2\./.test(rt.text(session)), 'the slow reply streaming', 60_000);
    await rt.sc.request(Requests.CancelTurn.method, { sessionId: session.id });
    const end = await rt.turnEnd(task, session, turnId);
    assert.equal(end.stopReason, 'cancelled');
    assert.doesNotMatch(rt.text(session), /slow chunk 60\./, 'the reply did not run to its end');
    const word = marker('after');
    await rt.sc.turn(task.id, session.id, `again ${word}`);
    assert.match(rt.text(session), new RegExp(`Echo:.*${word}`));
  });

  test(`${spec.agent}: an idle stop, then the next message resumes the conversation with session/load`, async () => {
    const first = marker('remember');
    const { task, session } = await rt.newTask(`please remember ${first}`);
    await rt.sc.waitForLog(new RegExp(`agent of session ${session.id} exited`), 60_000);
    const word = marker('resumed');
    const from = rt.model.requests.length;
    await rt.sc.turn(task.id, session.id, `what did I say ${word}`);
    const events = await rt.sc.transcript(session.id);
    assert.ok(events.some((e) => e.sender === 'foundry' && e.payload.kind === 'agent_restarted'), 'resumed, not replaced');
    const request = await rt.model.waitForRequest((r) => r.text.includes(word) && r.body?.tools?.length, 'the resumed turn', from);
    assert.ok(request.text.includes(first), 'the earlier turn reached the model as history');
  });
}
