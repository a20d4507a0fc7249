// Foundry serves the agent's fs/write_text_file and fs/read_text_file inside the session's
// worktree only: a write through the client lands in the worktree and is in the transcript; a
// path outside (.., a symbolic link out, .git) is refused, recorded, and writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup, agentText } from './harness.mjs';

let dir, sc, repo, outside;
before(async () => {
  dir = tempDir();
  outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'not for agents\n');
  const repoPath = makeRepo(join(dir, 'repo'));
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

const refusals = (events) => events.filter((e) => e.sender === 'foundry' && e.payload.kind === 'fs_refused').map((e) => e.payload.text);

test('writes and reads through the client stay inside the worktree; escapes are refused and recorded', async () => {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'ready', mode: 'accept_edits' });
  const idle = await sc.waitTask(t.id, 'idle');
  const s = idle.sessions[0];
  const wt = idle.worktreePath;
  symlinkSync(outside, join(wt, 'link-out'));

  await sc.turn(t.id, s.id, 'write notes/inside.txt\nhello\nend\nread notes/inside.txt');
  assert.equal(readFileSync(join(wt, 'notes', 'inside.txt'), 'utf8'), 'hello\n');
  let events = await sc.transcript(s.id);
  const write = events.find((e) => e.sender === 'agent' && e.payload.method === 'fs/write_text_file');
  assert.ok(write, 'the write came through Foundry and is in the transcript');
  assert.equal(write.payload.params.path, join(wt, 'notes', 'inside.txt'));
  assert.match(agentText(events), /hello/, 'the read answered from the worktree');

  await sc.turn(t.id, s.id, 'write ../escape.txt\nx\nend\nwrite link-out/planted.txt\nx\nend\nwrite .git/hooks/pre-commit\nx\nend\nread link-out/secret.txt');
  assert.equal(existsSync(join(wt, '..', 'escape.txt')), false);
  assert.equal(existsSync(join(outside, 'planted.txt')), false);
  assert.equal(existsSync(join(wt, '.git', 'hooks')), false);
  events = await sc.transcript(s.id);
  // (The demo agent reads a file's old text through Foundry before it writes: those are refused too.)
  const writes = refusals(events).filter((r) => r.startsWith('Refused to write'));
  assert.equal(writes.length, 3, writes.join('\n'));
  assert.match(writes[0], /escape\.txt: it is outside the task's worktree/);
  assert.match(writes[1], /planted\.txt: it is outside the task's worktree/);
  assert.match(writes[2], /pre-commit: git metadata is off limits/);
  assert.match(refusals(events).at(-1), /^Refused to read .*secret\.txt: it is outside the task's worktree/);
  assert.doesNotMatch(agentText(events), /not for agents/, 'nothing from outside reached the agent');
  const failedTools = events.filter((e) => e.payload?.params?.update?.sessionUpdate === 'tool_call_update' && e.payload.params.update.status === 'failed');
  assert.ok(failedTools.length >= 3, 'each refused write failed its tool call');
});
