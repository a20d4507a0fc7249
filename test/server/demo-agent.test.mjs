// The offline `demo` ACP agent, driven as a real child process over stdio with the
// ACP SDK's own client. Run after `npm run build`:
//   npx node --test test/server/demo-agent.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { client, methods, ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import { root } from './harness.mjs';

const AGENT = join(root, 'dist', 'demo-agent.js');
const scratch = mkdtempSync(join(tmpdir(), 'foundry-demo-agent-test-'));
const children = new Set();
after(() => {
  for (const child of children) child.kill(); // only agents a failed test left running
  rmSync(scratch, { recursive: true, force: true });
});

/** Every test has a time limit, so a broken agent fails the run instead of hanging it. */
const it = (name, fn) => test(name, { timeout: 20_000 }, fn);

let folders = 0;
/** A fresh empty folder under the test's scratch folder. */
function folder(name) {
  const dir = join(scratch, `${name}-${++folders}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Starts the built agent and connects an ACP client to it. `updates` collects every
 * session/update; `waitFor(predicate)` resolves on the first update list that satisfies it.
 * `onPermission` answers session/request_permission. `fs.read` / `fs.write`, when given,
 * are advertised at initialize and answer fs/read_text_file / fs/write_text_file; every
 * request the agent sends is in `requests`, in order.
 */
async function startAgent({ args = [], stateDir, chunkDelayMs, onPermission, fs = {} } = {}) {
  const env = { ...process.env, FOUNDRY_DEMO_STATE_DIR: stateDir ?? folder('state') };
  if (chunkDelayMs !== undefined) env.FOUNDRY_DEMO_CHUNK_DELAY_MS = String(chunkDelayMs);
  const child = spawn(process.execPath, [AGENT, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  children.add(child);
  const exited = once(child, 'exit').finally(() => children.delete(child));

  const updates = [];
  const waiters = new Set();
  const requests = [];
  const permissionRequests = [];
  const check = () => {
    for (const w of waiters) if (w.predicate(updates)) (waiters.delete(w), w.resolve());
  };
  const recorded = (method, handler) => async (cx) => {
    requests.push({ method, params: cx.params });
    check();
    return handler(cx.params, cx.signal);
  };
  let app = client({ name: 'demo-agent-test' })
    .onNotification(methods.client.session.update, ({ params }) => {
      updates.push(params);
      check();
    })
    .onRequest(
      methods.client.session.requestPermission,
      recorded(methods.client.session.requestPermission, (params, signal) => {
        permissionRequests.push(params);
        check();
        return onPermission ? onPermission(params, signal) : { outcome: { outcome: 'cancelled' } };
      }),
    );
  if (fs.read) app = app.onRequest(methods.client.fs.readTextFile, recorded(methods.client.fs.readTextFile, fs.read));
  if (fs.write) app = app.onRequest(methods.client.fs.writeTextFile, recorded(methods.client.fs.writeTextFile, fs.write));
  const connection = app.connect(
    ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout)),
  );
  const agent = connection.agent;
  const init = await agent.request(methods.agent.initialize, {
    protocolVersion: PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: Boolean(fs.read), writeTextFile: Boolean(fs.write) } },
  });

  const self = {
    agent,
    init,
    updates,
    requests,
    permissionRequests,
    /** Resolves with [exit code, signal] when the process ends. */
    exited,
    get stderr() {
      return stderr;
    },
    waitFor(predicate) {
      if (predicate(updates)) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    /**
     * session/new; resolves with the whole answer once the session's commands have been
     * announced (they follow the answer), so later updates come in script order.
     */
    async openSession(cwd) {
      const answer = await agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
      await self.waitFor((u) => ofKind(u, 'available_commands_update', answer.sessionId).length > 0);
      return answer;
    },
    /** A new session's id; with `mode`, the session is first switched to it (set_mode). */
    async newSession(cwd, { mode } = {}) {
      const { sessionId } = await self.openSession(cwd);
      if (mode) await self.setMode(sessionId, mode);
      return sessionId;
    },
    setMode(sessionId, modeId) {
      return agent.request(methods.agent.session.setMode, { sessionId, modeId });
    },
    prompt(sessionId, text) {
      return agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: 'text', text }] });
    },
    cancel(sessionId) {
      return agent.notify(methods.agent.session.cancel, { sessionId });
    },
    /** Closes the agent's stdin and resolves with its exit code. */
    async stop() {
      child.stdin.end();
      const [code] = await exited;
      connection.close();
      return code;
    },
  };
  return self;
}

const ofKind = (updates, kind, sessionId) =>
  updates.filter((n) => n.update.sessionUpdate === kind && (!sessionId || n.sessionId === sessionId));
const textOf = (notifications) => notifications.map((n) => n.update.content.text).join('');

it('echoes text as several chunks that arrive while the turn is still running', async () => {
  const a = await startAgent({ chunkDelayMs: 100 });
  try {
    const sessionId = await a.newSession(folder('echo'));
    const line = 'hello from the demo agent';
    let settled = false;
    const turn = a.prompt(sessionId, line).finally(() => (settled = true));

    await a.waitFor((u) => ofKind(u, 'agent_message_chunk').length >= 1);
    assert.equal(settled, false, 'the first chunk arrived before the turn ended');
    assert.ok(textOf(ofKind(a.updates, 'agent_message_chunk')).length < line.length, 'first text is partial');

    const chunksBeforeEnd = [];
    const { stopReason } = await turn.then((r) => (chunksBeforeEnd.push(...ofKind(a.updates, 'agent_message_chunk')), r));
    assert.equal(stopReason, 'end_turn');
    assert.ok(chunksBeforeEnd.length >= 3, `got ${chunksBeforeEnd.length} chunks`);
    assert.equal(textOf(chunksBeforeEnd), line);
  } finally {
    assert.equal(await a.stop(), 0);
  }
});

it('the same script gives the same updates in a second process (ids aside)', async () => {
  const run = async () => {
    const a = await startAgent({ chunkDelayMs: 0 });
    const cwd = folder('determinism');
    const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
    await a.prompt(sessionId, 'first line here\nwrite a.txt\nx\nend\nlast words');
    await a.stop();
    return JSON.stringify(a.updates.map((n) => n.update))
      .replaceAll(cwd, 'CWD')
      .replace(/"(messageId|toolCallId)":"[^"]+"/g, '"$1":"ID"');
  };
  assert.equal(await run(), await run());
});

it('write creates the file inside the session folder and reports an edit tool call', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('write');
    const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
    const { stopReason } = await a.prompt(sessionId, 'write src/deep/hello.txt\nHello\n  indented\nend\ndone');
    assert.equal(stopReason, 'end_turn');
    const file = join(cwd, 'src/deep/hello.txt');
    assert.equal(readFileSync(file, 'utf8'), 'Hello\n  indented\n');

    const [call] = ofKind(a.updates, 'tool_call');
    assert.equal(call.update.kind, 'edit');
    assert.equal(call.update.status, 'in_progress');
    assert.deepEqual(call.update.locations, [{ path: file }]);
    const [done] = ofKind(a.updates, 'tool_call_update');
    assert.equal(done.update.toolCallId, call.update.toolCallId);
    assert.equal(done.update.status, 'completed');
    assert.deepEqual(done.update.content, [{ type: 'diff', path: file, oldText: null, newText: 'Hello\n  indented\n' }]);
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'done');

    await a.prompt(sessionId, 'write src/deep/hello.txt\nBye\nend');
    const [, second] = ofKind(a.updates, 'tool_call_update');
    assert.equal(second.update.content[0].oldText, 'Hello\n  indented\n');
    assert.equal(readFileSync(file, 'utf8'), 'Bye\n');
  } finally {
    await a.stop();
  }
});

it('write to a path outside the session folder is refused as a failed tool call', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('escape');
    const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
    const { stopReason } = await a.prompt(sessionId, 'write ../escaped.txt\nnope\nend');
    assert.equal(stopReason, 'end_turn');
    assert.equal(existsSync(join(cwd, '../escaped.txt')), false);
    const [update] = ofKind(a.updates, 'tool_call_update');
    assert.equal(update.update.status, 'failed');
    assert.match(update.update.content[0].content.text, /outside the session folder/);

    // A symbolic link inside the folder that points out of it is no way out either.
    const outside = folder('outside');
    symlinkSync(outside, join(cwd, 'link'));
    await a.prompt(sessionId, 'write link/escaped.txt\nnope\nend');
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(ofKind(a.updates, 'tool_call_update')[1].update.status, 'failed');
  } finally {
    await a.stop();
  }
});

/** Runs `write PATH` in a fresh acceptEdits session and returns its tool_call_update (status, reason). */
async function writeOnce(a, cwd, path, text = 'x') {
  const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
  const before = ofKind(a.updates, 'tool_call_update').length;
  assert.equal((await a.prompt(sessionId, `write ${path}\n${text}\nend`)).stopReason, 'end_turn');
  const update = ofKind(a.updates, 'tool_call_update')[before].update;
  return { status: update.status, reason: update.content[0].content?.text };
}

it('write through a dangling symbolic link that points out of the folder is refused', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('dangling');
    const outside = folder('dangling-outside');
    symlinkSync(join(outside, 'created.txt'), join(cwd, 'absolute-link'));
    symlinkSync(`../${basename(outside)}/created.txt`, join(cwd, 'relative-link'));
    symlinkSync(join(outside, 'missing-dir'), join(cwd, 'dir-link'));
    for (const path of ['absolute-link', 'relative-link', 'dir-link/x.txt']) {
      const { status, reason } = await writeOnce(a, cwd, path);
      assert.equal(status, 'failed', path);
      assert.match(reason, /outside the session folder \(the symbolic link ".*-link" points to /, path);
    }
    assert.deepEqual(readdirSync(outside), [], 'nothing was created outside');

    // A link to an existing file outside is refused too, and the file keeps its text.
    writeFileSync(join(outside, 'kept.txt'), 'original\n');
    symlinkSync(join(outside, 'kept.txt'), join(cwd, 'file-link'));
    assert.equal((await writeOnce(a, cwd, 'file-link')).status, 'failed');
    assert.equal(readFileSync(join(outside, 'kept.txt'), 'utf8'), 'original\n');
  } finally {
    await a.stop();
  }
});

it('write through symbolic links that stay inside the folder still works', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('inner-links');
    mkdirSync(join(cwd, 'real'));
    symlinkSync('real', join(cwd, 'alias'));
    symlinkSync('real/new.txt', join(cwd, 'dangling-inside'));
    assert.equal((await writeOnce(a, cwd, 'alias/a.txt', 'A')).status, 'completed');
    assert.equal(readFileSync(join(cwd, 'real/a.txt'), 'utf8'), 'A\n');
    assert.equal((await writeOnce(a, cwd, 'dangling-inside', 'B')).status, 'completed');
    assert.equal(readFileSync(join(cwd, 'real/new.txt'), 'utf8'), 'B\n');

    symlinkSync('loop-b', join(cwd, 'loop-a'));
    symlinkSync('loop-a', join(cwd, 'loop-b'));
    const loop = await writeOnce(a, cwd, 'loop-a');
    assert.equal(loop.status, 'failed');
    assert.match(loop.reason, /more than 40 symbolic links/);
  } finally {
    await a.stop();
  }
});

it('write to a path with a .git component is refused and the worktree stays intact', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('dotgit');
    mkdirSync(join(cwd, '.git'));
    writeFileSync(join(cwd, '.git', 'config'), '[core]\n');
    mkdirSync(join(cwd, 'real'));
    symlinkSync('.git', join(cwd, 'git-alias'));
    for (const path of ['.git', '.git/config', '.git/hooks/pre-commit', 'sub/.git', 'sub/.git/HEAD', './.GIT/config', 'real/../.git/x', 'git-alias/config']) {
      const { status, reason } = await writeOnce(a, cwd, path);
      assert.equal(status, 'failed', path);
      assert.match(reason, /^refused: ".*" is inside a \.git folder/, path);
    }
    assert.equal(readFileSync(join(cwd, '.git', 'config'), 'utf8'), '[core]\n');
    assert.deepEqual(readdirSync(join(cwd, '.git')), ['config']);
    assert.equal(existsSync(join(cwd, 'sub')), false, 'no folder was made on the way to a refusal');
    // Names that merely contain ".git" are ordinary files.
    assert.equal((await writeOnce(a, cwd, '.gitignore', 'node_modules/')).status, 'completed');
    assert.equal((await writeOnce(a, cwd, 'docs/x.git/notes', 'n')).status, 'completed');
  } finally {
    await a.stop();
  }
});

it('fail ends the turn with a JSON-RPC error and the session stays usable', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('fail'));
    await assert.rejects(a.prompt(sessionId, 'about to fail\nfail\nnever said'), {
      message: 'demo agent: fail requested',
    });
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'about to fail');
    assert.equal((await a.prompt(sessionId, 'still here')).stopReason, 'end_turn');
  } finally {
    await a.stop();
  }
});

it('a write with no closing end is refused with invalid params naming the line', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('unclosed'));
    await assert.rejects(a.prompt(sessionId, 'hi\nwrite x.txt\ncontent'), (e) => {
      assert.equal(e.code, -32602);
      assert.match(e.message, /line 2.*no closing "end"/);
      return true;
    });
  } finally {
    await a.stop();
  }
});

it('session/cancel during sleep ends the turn promptly as cancelled', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('cancel-sleep'));
    const turn = a.prompt(sessionId, 'sleeping now\nsleep 60000\nnever said');
    await a.waitFor((u) => textOf(ofKind(u, 'agent_message_chunk')) === 'sleeping now');
    const started = performance.now();
    await a.cancel(sessionId);
    assert.equal((await turn).stopReason, 'cancelled');
    assert.ok(performance.now() - started < 2000, 'cancel took effect well before the sleep ended');
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'sleeping now');
    assert.equal((await a.prompt(sessionId, 'awake again')).stopReason, 'end_turn');
  } finally {
    await a.stop();
  }
});

it('session/cancel during streaming stops the message part way', async () => {
  const a = await startAgent({ chunkDelayMs: 5000 });
  try {
    const sessionId = await a.newSession(folder('cancel-stream'));
    const line = 'a long line that would take twenty seconds to stream';
    const turn = a.prompt(sessionId, line);
    await a.waitFor((u) => ofKind(u, 'agent_message_chunk').length === 1);
    const started = performance.now();
    await a.cancel(sessionId);
    assert.equal((await turn).stopReason, 'cancelled');
    assert.ok(performance.now() - started < 2000, 'cancel did not wait for the next 5 s chunk pause');
    const text = textOf(ofKind(a.updates, 'agent_message_chunk'));
    assert.ok(text.length > 0 && text.length < line.length, `partial text: "${text}"`);
  } finally {
    await a.stop();
  }
});

it('a new prompt while a turn runs cancels that turn first', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('overlap'));
    const first = a.prompt(sessionId, 'first\nsleep 60000\nnever said');
    await a.waitFor((u) => textOf(ofKind(u, 'agent_message_chunk')) === 'first');
    const second = a.prompt(sessionId, 'second');
    assert.equal((await first).stopReason, 'cancelled');
    assert.equal((await second).stopReason, 'end_turn');
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'firstsecond');
  } finally {
    await a.stop();
  }
});

it('permission asks the client and echoes the answer', async () => {
  const answers = ['allow_once', 'reject_once'];
  const a = await startAgent({
    chunkDelayMs: 0,
    onPermission: () => ({ outcome: { outcome: 'selected', optionId: answers.shift() } }),
  });
  try {
    const sessionId = await a.newSession(folder('permission'));
    assert.equal((await a.prompt(sessionId, 'permission Delete the build folder')).stopReason, 'end_turn');
    const [request] = a.permissionRequests;
    assert.equal(request.sessionId, sessionId);
    assert.equal(request.toolCall.title, 'Delete the build folder');
    assert.deepEqual(request.options, [
      { optionId: 'allow_once', name: 'Allow once', kind: 'allow_once' },
      { optionId: 'allow_always', name: 'Always allow', kind: 'allow_always' },
      { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
    ]);
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'permission: allow_once');

    await a.prompt(sessionId, 'permission Push to main');
    assert.equal(a.permissionRequests.length, 2);
    assert.match(textOf(ofKind(a.updates, 'agent_message_chunk')), /permission: reject_once$/);
  } finally {
    await a.stop();
  }
});

it('a cancelled permission request is echoed as cancelled', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('permission-cancelled'));
    await a.prompt(sessionId, 'permission Anything');
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'permission: cancelled');
  } finally {
    await a.stop();
  }
});

it('session/cancel while a permission request is open ends the turn as cancelled', async () => {
  let markAborted;
  const requestAborted = new Promise((resolve) => (markAborted = resolve));
  const a = await startAgent({
    chunkDelayMs: 0,
    // Like a user who never answers: the request stays open until it is cancelled.
    onPermission: (_params, signal) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => {
          markAborted();
          resolve({ outcome: { outcome: 'cancelled' } });
        }),
      ),
  });
  try {
    const sessionId = await a.newSession(folder('permission-cancel'));
    const turn = a.prompt(sessionId, 'permission Wait for me\nnever said');
    await a.waitFor(() => a.permissionRequests.length === 1);
    await a.cancel(sessionId);
    assert.equal((await turn).stopReason, 'cancelled');
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), '');
    await requestAborted; // the agent withdrew its request too
  } finally {
    await a.stop();
  }
});

it('a second process loads a session of the first, replaying its history', async () => {
  const stateDir = folder('shared-state');
  const cwd = folder('load');
  const first = await startAgent({ stateDir, chunkDelayMs: 0 });
  const sessionId = await first.newSession(cwd, { mode: 'acceptEdits' });
  await first.prompt(sessionId, 'remember this line');
  await first.prompt(sessionId, 'write notes.md\n# Notes\nend\nand this one');
  assert.equal(await first.stop(), 0, 'the agent exits cleanly when stdin closes');

  const second = await startAgent({ stateDir, chunkDelayMs: 0 });
  try {
    assert.equal(second.init.agentCapabilities.loadSession, true);
    await second.agent.request(methods.agent.session.load, { sessionId, cwd, mcpServers: [] });
    const replay = second.updates
      .filter((n) => n.update.sessionUpdate.endsWith('_message_chunk'))
      .map((n) => [n.sessionId, n.update.sessionUpdate, n.update.content.text]);
    assert.deepEqual(replay, [
      [sessionId, 'user_message_chunk', 'remember this line'],
      [sessionId, 'agent_message_chunk', 'remember this line'],
      [sessionId, 'user_message_chunk', 'write notes.md\n# Notes\nend\nand this one'],
      [sessionId, 'agent_message_chunk', 'and this one'],
    ]);
    assert.equal((await second.prompt(sessionId, 'after the load')).stopReason, 'end_turn');

    await assert.rejects(
      second.agent.request(methods.agent.session.load, { sessionId: 'demo-nope', cwd, mcpServers: [] }),
      (e) => e.code === -32002 && /unknown session "demo-nope"/.test(e.message),
    );
    await assert.rejects(second.prompt('never-created', 'hi'), (e) => e.code === -32002);
  } finally {
    await second.stop();
  }
});

it('--no-load hides loadSession and session/load is method-not-found', async () => {
  const a = await startAgent({ args: ['--no-load'] });
  try {
    assert.equal(a.init.agentCapabilities.loadSession, false);
    await assert.rejects(
      a.agent.request(methods.agent.session.load, { sessionId: 'demo-x', cwd: scratch, mcpServers: [] }),
      (e) => e.code === -32601,
    );
  } finally {
    await a.stop();
  }
});

it('exits cleanly and promptly when stdin closes in the middle of a turn', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  const sessionId = await a.newSession(folder('exit'));
  const turn = a.prompt(sessionId, 'busy\nsleep 60000');
  turn.catch(() => undefined); // the connection closes under it
  await a.waitFor((u) => textOf(ofKind(u, 'agent_message_chunk')) === 'busy');
  const started = performance.now();
  assert.equal(await a.stop(), 0);
  assert.ok(performance.now() - started < 2000, 'did not wait for the sleep');
  assert.doesNotMatch(a.stderr, /Unhandled|Error:/);
});

it('logs go to stderr and leave prompt text out', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  const sessionId = await a.newSession(folder('logs'));
  await a.prompt(sessionId, 'secret-ish prompt text');
  await a.stop();
  assert.match(a.stderr, /session\/prompt .*: end_turn/);
  assert.doesNotMatch(a.stderr, /secret-ish/, 'prompt text is not logged');
});
