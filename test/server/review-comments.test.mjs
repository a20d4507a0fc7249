// Review comments: added on lines of a task's diff, kept in the sidecar until sent (they survive a
// sidecar restart), then sent to one session as ONE message quoting each file:line, the line and
// the comment, which the demo agent echoes. Real sidecar, real git worktree, the demo agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { agentText, startSidecar } from './harness.mjs';
import { useSidecar } from './useSidecar.mjs';

const ctx = useSidecar();
const rq = (method, params) => ctx.sc.request(method, params);

async function newTask(title) {
  const t = await rq(Requests.CreateTask.method, { repoId: ctx.repo.id, title, prompt: 'ready', mode: 'accept_edits' });
  const idle = await ctx.sc.waitTask(t.id, 'idle');
  return { id: t.id, session: idle.sessions[0].id };
}

async function rejects(promise, code, re) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

/** The prompts Foundry sent the agent in a session (the user's messages, as the agent got them). */
const prompts = (events) =>
  events.filter((e) => e.sender === 'client' && e.payload?.method === 'session/prompt').map((e) => e.payload.params.prompt.map((b) => b.text ?? '').join(''));

test('two comments survive a sidecar restart and go to the agent as one message, which it echoes; the count drops to 0', async () => {
  const t = await newTask('Greeting review');
  await ctx.sc.turn(t.id, t.session, 'write src/hello.ts\nconst greeting = "hi";\nexport default greeting;\nend');

  const second = await rq(Requests.AddReviewComment.method, { taskId: t.id, path: 'src/hello.ts', line: 2, text: 'Export it by name.', lineText: 'export default greeting;' });
  const first = await rq(Requests.AddReviewComment.method, { taskId: t.id, path: 'src/hello.ts', line: 1, side: 'modified', text: 'Say hello in full.', lineText: 'const greeting = "hi";' });
  assert.match(first.id, /^rc_[0-9a-f]{12}$/);
  assert.equal(second.side, 'modified', 'side defaults to modified');
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).reviewComments === 2, 'count 2 pushed');

  // A restart: the comments are the sidecar's, not the window's.
  await ctx.sc.stop();
  ctx.sc = await startSidecar({ dataDir: ctx.dataDir });
  const listed = await rq(Requests.ListReviewComments.method, { taskId: t.id });
  assert.deepEqual(listed.comments.map((c) => [c.path, c.line, c.text, c.lineText]), [
    ['src/hello.ts', 1, 'Say hello in full.', 'const greeting = "hi";'],
    ['src/hello.ts', 2, 'Export it by name.', 'export default greeting;'],
  ], 'by path, then line');
  const wb = await rq(Requests.GetWorkbench.method, {});
  assert.equal(wb.tasks.find((x) => x.id === t.id).reviewComments, 2, 'the summary counts the unsent comments');
  // The new connection's mirror starts from the bootstrap, as a window's does.
  for (const x of wb.tasks) ctx.sc.state.tasks.set(x.id, x);
  assert.equal(ctx.sc.session(t.id, t.session).status, 'ready');

  await rq('foundry/subscribeSession', { sessionId: t.session });
  const before = prompts(await ctx.sc.transcript(t.session)).length;
  const sent = await rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: t.session });
  assert.equal(sent.sent, 2);
  assert.equal(sent.queued, false, 'the session was ready: the turn starts at once');
  assert.equal(
    sent.text,
    'Review comments on Greeting review:\n\nsrc/hello.ts:1\n> const greeting = "hi";\nSay hello in full.\n\nsrc/hello.ts:2\n> export default greeting;\nExport it by name.',
  );
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).reviewComments === undefined, 'count 0 pushed (a task with none leaves the field out)');

  const end = await ctx.sc.waitFor(
    () => (ctx.sc.transcripts.get(t.session) ?? []).find((e) => e.sender === 'foundry' && e.payload.turnId === sent.turnId && /turn_(ended|failed)/.test(e.payload.kind)),
    'the turn of the message ends',
  );
  assert.equal(end.payload.kind, 'turn_ended');
  const events = await ctx.sc.transcript(t.session);
  const after = prompts(events).slice(before);
  assert.deepEqual(after, [sent.text], 'ONE user message, one turn');
  const started = events.findIndex((e) => e.sender === 'client' && e.payload?.method === 'session/prompt' && prompts([e])[0] === sent.text);
  const echo = agentText(events.slice(started));
  for (const part of ['src/hello.ts:1', '> const greeting = "hi";', 'Say hello in full.', 'src/hello.ts:2', '> export default greeting;', 'Export it by name.']) {
    assert.ok(echo.includes(part), `the agent's echo quotes ${part}: ${echo}`);
  }
  assert.deepEqual((await rq(Requests.ListReviewComments.method, { taskId: t.id })).comments, [], 'sent comments leave the list');
  await rejects(rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: t.session }), ErrorCodes.InvalidState, /no_comments/);
  await rejects(rq(Requests.EditReviewComment.method, { commentId: first.id, text: 'too late' }), ErrorCodes.NotFound, new RegExp(first.id));
});

test('edit and delete change the list and push; only the chosen comments are sent; a note leads the message', async () => {
  const t = await newTask('Edits');
  const a = await rq(Requests.AddReviewComment.method, { taskId: t.id, path: 'README.md', line: 1, text: 'first' });
  const b = await rq(Requests.AddReviewComment.method, { taskId: t.id, path: 'README.md', line: 1, side: 'original', text: 'gone soon', lineText: '# demo' });
  const c = await rq(Requests.AddReviewComment.method, { taskId: t.id, path: 'a.txt', line: 3, text: 'kept for later' });
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).reviewComments === 3, 'count 3');
  const edited = await rq(Requests.EditReviewComment.method, { commentId: a.id, text: '  Make the title longer.  ' });
  assert.equal(edited.text, 'Make the title longer.', 'trimmed');
  assert.deepEqual(await rq(Requests.DeleteReviewComment.method, { commentId: b.id }), {});
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).reviewComments === 2, 'count 2 after the delete');
  await rejects(rq(Requests.DeleteReviewComment.method, { commentId: b.id }), ErrorCodes.NotFound, new RegExp(b.id));

  const sent = await rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: t.session, commentIds: [a.id], note: 'Please address these.' });
  assert.equal(sent.sent, 1);
  assert.equal(sent.text, 'Please address these.\n\nReview comments on Edits:\n\nREADME.md:1\nMake the title longer.');
  await ctx.sc.waitFor(() => ctx.sc.task(t.id).reviewComments === 1, 'count 1: the other waits');
  assert.deepEqual((await rq(Requests.ListReviewComments.method, { taskId: t.id })).comments.map((x) => x.id), [c.id]);
  await rejects(rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: t.session, commentIds: [a.id] }), ErrorCodes.NotFound, new RegExp(a.id));
  await ctx.sc.settle();
});

test('bad input names the field; a session of another task is -32001; unknown ids are named', async () => {
  const t = await newTask('Bad input');
  const other = await newTask('Other task');
  const add = (p) => rq(Requests.AddReviewComment.method, { taskId: t.id, path: 'README.md', line: 1, text: 'x', ...p });
  await rejects(add({ line: 0 }), ErrorCodes.InvalidParams, /^Invalid params: line: /);
  await rejects(add({ line: 1.5 }), ErrorCodes.InvalidParams, /^Invalid params: line: /);
  await rejects(add({ side: 'left' }), ErrorCodes.InvalidParams, /^Invalid params: side: /);
  await rejects(add({ text: '   ' }), ErrorCodes.InvalidParams, /^Invalid params: text: .*empty/);
  await rejects(add({ path: '../outside.txt' }), ErrorCodes.InvalidParams, /^Invalid params: path: /);
  await rejects(add({ lineText: 'x'.repeat(2001) }), ErrorCodes.InvalidParams, /^Invalid params: lineText: /);
  await rejects(add({ taskId: 'task_000000000000' }), ErrorCodes.NotFound, /task_000000000000/);
  await rejects(rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: t.session, commentIds: [] }), ErrorCodes.InvalidParams, /^Invalid params: commentIds: /);

  const mine = await add({ text: 'for this task only' });
  await rejects(rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: other.session }), ErrorCodes.NotFound, /another task/);
  await rejects(rq(Requests.SendReviewComments.method, { taskId: t.id, sessionId: 'ses_000000000000' }), ErrorCodes.NotFound, /ses_000000000000/);
  await rejects(rq(Requests.SendReviewComments.method, { taskId: other.id, sessionId: other.session, commentIds: [mine.id] }), ErrorCodes.NotFound, new RegExp(mine.id));
  assert.equal((await rq(Requests.ListReviewComments.method, { taskId: t.id })).comments.length, 1, 'nothing was marked sent');
  assert.equal(ctx.sc.task(other.id).reviewComments, undefined, 'the other task has none');
});
