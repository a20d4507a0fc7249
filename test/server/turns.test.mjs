// Sessions and turns with the real demo agent: streaming, cancel, failures, file writes and
// the changes projection, idle agent stop and resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, agentText, serverJs } from './harness.mjs';

let dir, sc, repo;
before(async () => {
  dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({
    dataDir: join(dir, 'data'),
    options: {
      agentIdleStopMs: 400,
      agents: {
        'demo-noload': {
          command: process.execPath,
          args: [join(serverJs, '..', 'demo-agent.js'), '--no-load'],
          env: { FOUNDRY_DEMO_STATE_DIR: join(dir, 'demo-noload-state') }, // only the built-in demo gets one of its own
        },
      },
    },
  });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

async function readySession(prompt = 'ready', agent) {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt, ...(agent ? { agent } : {}) });
  const idle = await sc.waitTask(t.id, 'idle');
  return { task: idle, session: idle.sessions[0] };
}

const foundryEvents = (events, kind) => events.filter((e) => e.sender === 'foundry' && e.payload.kind === kind);

test('agent text streams to a subscriber before the turn ends', async () => {
  const { task, session } = await readySession();
  assert.equal(session.unread, true, 'the first turn ended while nobody was subscribed');
  await sc.request(Requests.MarkSessionRead.method, { sessionId: session.id });
  await sc.request(Requests.SubscribeSession.method, { sessionId: session.id });
  const before = (sc.transcripts.get(session.id) ?? []).length;
  const line = 'The quick brown fox jumps over the lazy dog';
  const { turnId } = await sc.request(Requests.SendMessage.method, { sessionId: session.id, text: line });
  assert.match(turnId, /^turn_/);
  // Partial text while the session is still running.
  const partial = await sc.waitFor(() => {
    const text = agentText((sc.transcripts.get(session.id) ?? []).slice(before));
    const running = sc.task(task.id).sessions[0].status === 'running';
    return running && text.length > 0 && text.length < line.length && text;
  }, 'partial agent text during the turn');
  assert.ok(line.startsWith(partial));
  await sc.waitSession(task.id, session.id, 'ready');
  const pushed = (sc.transcripts.get(session.id) ?? []).slice(before);
  assert.equal(agentText(pushed), line);
  assert.equal(foundryEvents(pushed, 'turn_ended').at(-1).payload.stopReason, 'end_turn');
  // The pushed events are exactly what getTranscript returns, in order, seq from 1.
  const stored = await sc.transcript(session.id);
  assert.deepEqual(stored.map((e) => e.seq), stored.map((_, i) => i + 1));
  assert.deepEqual(stored.slice(-pushed.length), pushed);
  assert.equal(sc.task(task.id).sessions[0].unread, false, 'subscribed: not unread');
  await sc.request(Requests.UnsubscribeSession.method, { sessionId: session.id });
});

test('cancel ends a long turn as cancelled and the session stays usable', async () => {
  const { task, session } = await readySession();
  await sc.request(Requests.SubscribeSession.method, { sessionId: session.id });
  const { turnId } = await sc.request(Requests.SendMessage.method, { sessionId: session.id, text: 'sleep 30000\nnever said' });
  await sc.waitFor(() => (sc.transcripts.get(session.id) ?? []).some((e) => e.payload?.method === 'session/prompt'), 'prompt sent');
  assert.equal(sc.task(task.id).status, 'running');
  await sc.request(Requests.CancelTurn.method, { sessionId: session.id });
  await sc.waitFor(() => (sc.transcripts.get(session.id) ?? []).some((e) => e.payload?.turnId === turnId && e.payload.kind === 'turn_ended'), 'turn end', 5000);
  await sc.waitSession(task.id, session.id, 'ready', 5000);
  assert.equal(sc.task(task.id).status, 'idle');
  let events = await sc.transcript(session.id);
  assert.equal(foundryEvents(events, 'turn_ended').at(-1).payload.stopReason, 'cancelled');
  assert.ok(!agentText(events).includes('never said'));
  await sc.turn(task.id, session.id, 'after cancel');
  events = await sc.transcript(session.id);
  assert.ok(agentText(events).endsWith('after cancel'));
});

test('a failing turn leaves the session ready with the error in the transcript', async () => {
  const { task, session } = await readySession();
  const { end } = await sc.turn(task.id, session.id, 'fail');
  assert.equal(end.kind, 'turn_failed');
  const events = await sc.transcript(session.id);
  const failed = foundryEvents(events, 'turn_failed').at(-1);
  assert.match(failed.payload.text, /fail requested/);
  await sc.turn(task.id, session.id, 'still works');
  assert.ok(agentText(await sc.transcript(session.id)).endsWith('still works'));
});

test('files the agent writes show up in the changes projection', async () => {
  const { task, session } = await readySession();
  assert.deepEqual(task.changes, { files: 0, added: 0, removed: 0 });
  await sc.request(Requests.SetSessionMode.method, { sessionId: session.id, mode: 'accept_edits' });
  await sc.request(Requests.SendMessage.method, {
    sessionId: session.id,
    text: 'write src/new.txt\none\ntwo\nthree\nend\nwrite README.md\n# changed\nend',
  });
  const changed = await sc.waitFor(() => sc.task(task.id).changes.files === 2 && sc.task(task.id), 'changes: 2 files');
  assert.equal(changed.changes.added, 4);
  assert.equal(changed.changes.removed, 1);
  const events = await sc.transcript(session.id);
  const tool = events.find((e) => e.payload?.params?.update?.sessionUpdate === 'tool_call');
  assert.ok(tool, 'tool call recorded');
});

test('an idle agent process stops; the next message restarts it and resumes with session/load', async () => {
  const { task, session } = await readySession('remember me');
  // The agent stops after 400 ms idle: wait for the sidecar to log its exit.
  await sc.waitForLog(new RegExp(`agent of session ${session.id} exited`));
  await sc.turn(task.id, session.id, 'second message');
  const events = await sc.transcript(session.id);
  assert.equal(foundryEvents(events, 'agent_restarted').length, 1, 'restart recorded once');
  assert.equal(foundryEvents(events, 'session_replaced').length, 0);
  // History replayed by session/load is not duplicated into the transcript.
  assert.equal(agentText(events), 'remember mesecond message');
});

test('an agent without session/load gets a new agent session, and the transcript says so', async () => {
  const { task, session } = await readySession('first', 'demo-noload');
  await sc.waitForLog(new RegExp(`agent of session ${session.id} exited`));
  await sc.turn(task.id, session.id, 'after restart');
  const events = await sc.transcript(session.id);
  assert.equal(foundryEvents(events, 'session_replaced').length, 1);
  assert.ok(agentText(events).endsWith('after restart'));
});

test('a second session on a provisioned task gets its own agent session', async () => {
  const { task } = await readySession();
  const s2 = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: task.id });
  assert.equal(s2.status, 'pending_session_create');
  await sc.waitSession(task.id, s2.id, 'ready');
  await sc.turn(task.id, s2.id, 'from tab two');
  assert.equal(agentText(await sc.transcript(s2.id)), 'from tab two');
});
