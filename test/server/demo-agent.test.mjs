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
import { client, methods, ndJsonStream, PROTOCOL_VERSION, RequestError } from '@agentclientprotocol/sdk';
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
async function startAgent({ args = [], stateDir, chunkDelayMs, onPermission, fs = {}, env: extraEnv = {} } = {}) {
  const env = { ...process.env, FOUNDRY_DEMO_STATE_DIR: stateDir ?? folder('state'), ...extraEnv };
  if (chunkDelayMs !== undefined) env.FOUNDRY_DEMO_CHUNK_DELAY_MS = String(chunkDelayMs);
  const child = spawn(process.execPath, [AGENT, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  const stderrWaiters = new Set();
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of stderrWaiters) if (w.pattern.test(stderr)) (stderrWaiters.delete(w), w.resolve());
  });
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
    /** Resolves once the agent's stderr matches `pattern` (stderr is its own pipe, so it may lag). */
    waitForStderr(pattern) {
      if (pattern.test(stderr)) return Promise.resolve();
      return new Promise((resolve) => stderrWaiters.add({ pattern, resolve }));
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

// ---- Modes, models and config options ----

const MODES = [
  { id: 'default', name: 'Ask before edits', description: 'Asks for permission before every file write.' },
  { id: 'acceptEdits', name: 'Accept edits', description: 'Writes files without asking; other actions still ask.' },
  { id: 'bypassPermissions', name: 'Full access', description: 'Never asks: every action is allowed.' },
  { id: 'plan', name: 'Plan only', description: 'Reads and plans, but refuses every file write.' },
];
const MODELS = [
  { modelId: 'demo-standard', name: 'Demo Standard', description: 'The everyday model (200k context)' },
  { modelId: 'demo-large', name: 'Demo Large', description: 'The larger model (1M context)' },
];
/** The configOptions the agent reports for a session in `mode` with `model`. */
const configOptions = (mode, model) => [
  {
    id: 'mode',
    name: 'Mode',
    description: 'How much the agent asks before it acts',
    category: 'mode',
    type: 'select',
    currentValue: mode,
    options: MODES.map((m) => ({ value: m.id, name: m.name, description: m.description })),
  },
  {
    id: 'model',
    name: 'Model',
    description: 'The model that answers',
    category: 'model',
    type: 'select',
    currentValue: model,
    options: MODELS.map((m) => ({ value: m.modelId, name: m.name, description: m.description })),
  },
];
const settings = (mode, model) => ({
  modes: { currentModeId: mode, availableModes: MODES },
  models: { currentModelId: model, availableModels: MODELS },
  configOptions: configOptions(mode, model),
});
/** The text of the agent's last message (its chunks share a messageId). */
const lastMessage = (updates) => {
  const chunks = ofKind(updates, 'agent_message_chunk');
  const id = chunks.at(-1)?.update.messageId;
  return textOf(chunks.filter((n) => n.update.messageId === id));
};

it('session/new reports modes, models and config options; mode and model lines name them', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const answer = await a.openSession(folder('settings'));
    assert.match(answer.sessionId, /^demo-[0-9a-f-]{36}$/);
    assert.deepEqual({ ...answer, sessionId: undefined }, { sessionId: undefined, ...settings('default', 'demo-standard') });
    await a.prompt(answer.sessionId, 'mode');
    assert.equal(lastMessage(a.updates), 'mode: default');
    await a.prompt(answer.sessionId, 'model');
    assert.equal(lastMessage(a.updates), 'model: demo-standard');
  } finally {
    await a.stop();
  }
});

it('session/set_mode switches the mode and announces it; an unknown mode is invalid params', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('set-mode'));
    assert.deepEqual(await a.setMode(sessionId, 'plan'), {});
    const [modeUpdate] = ofKind(a.updates, 'current_mode_update', sessionId);
    assert.deepEqual(modeUpdate.update, { sessionUpdate: 'current_mode_update', currentModeId: 'plan' });
    const [optionsUpdate] = ofKind(a.updates, 'config_option_update', sessionId);
    assert.deepEqual(optionsUpdate.update.configOptions, configOptions('plan', 'demo-standard'));
    await a.prompt(sessionId, 'mode');
    assert.equal(lastMessage(a.updates), 'mode: plan');

    await assert.rejects(a.setMode(sessionId, 'yolo'), (e) => {
      assert.equal(e.code, -32602);
      assert.match(e.message, /unknown mode "yolo" \(modes: default, acceptEdits, bypassPermissions, plan\)/);
      return true;
    });
    await assert.rejects(a.setMode('demo-nope', 'plan'), (e) => e.code === -32002);
    await a.prompt(sessionId, 'mode');
    assert.equal(lastMessage(a.updates), 'mode: plan', 'a refused change changes nothing');
  } finally {
    await a.stop();
  }
});

it('session/set_model switches the model; an unknown model is invalid params', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('set-model'));
    // Not in the ACP 2.4 method table, but real agents serve it.
    assert.deepEqual(await a.agent.request('session/set_model', { sessionId, modelId: 'demo-large' }), {});
    const [optionsUpdate] = ofKind(a.updates, 'config_option_update', sessionId);
    assert.deepEqual(optionsUpdate.update.configOptions, configOptions('default', 'demo-large'));
    await a.prompt(sessionId, 'model');
    assert.equal(lastMessage(a.updates), 'model: demo-large');

    await assert.rejects(a.agent.request('session/set_model', { sessionId, modelId: 'gpt-9' }), (e) => {
      assert.equal(e.code, -32602);
      assert.match(e.message, /unknown model "gpt-9" \(models: demo-standard, demo-large\)/);
      return true;
    });
    await assert.rejects(a.agent.request('session/set_model', { sessionId }), (e) => e.code === -32602);
  } finally {
    await a.stop();
  }
});

it('session/set_config_option sets the mode or the model and answers with every option', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('config'));
    const set = (configId, value) =>
      a.agent.request(methods.agent.session.setConfigOption, { sessionId, configId, value });
    assert.deepEqual(await set('mode', 'acceptEdits'), { configOptions: configOptions('acceptEdits', 'demo-standard') });
    assert.deepEqual(ofKind(a.updates, 'current_mode_update').map((n) => n.update.currentModeId), ['acceptEdits']);
    assert.deepEqual(await set('model', 'demo-large'), { configOptions: configOptions('acceptEdits', 'demo-large') });
    await a.prompt(sessionId, 'mode\nmodel');
    assert.match(textOf(ofKind(a.updates, 'agent_message_chunk')), /mode: acceptEditsmodel: demo-large$/);

    for (const [configId, value, pattern] of [
      ['mode', 'yolo', /unknown mode "yolo"/],
      ['model', 'gpt-9', /unknown model "gpt-9"/],
      ['effort', 'high', /unknown config option "effort" \(options: mode, model\)/],
    ]) {
      await assert.rejects(set(configId, value), (e) => e.code === -32602 && pattern.test(e.message));
    }
    await assert.rejects(
      a.agent.request(methods.agent.session.setConfigOption, { sessionId, configId: 'mode', type: 'boolean', value: true }),
      (e) => e.code === -32602 && /not a boolean/.test(e.message),
    );
  } finally {
    await a.stop();
  }
});

it('a second process loads the mode and the model with the session', async () => {
  const stateDir = folder('settings-state');
  const cwd = folder('settings-load');
  const first = await startAgent({ stateDir, chunkDelayMs: 0 });
  const sessionId = await first.newSession(cwd, { mode: 'plan' });
  await first.agent.request('session/set_model', { sessionId, modelId: 'demo-large' });
  await first.stop();

  const second = await startAgent({ stateDir, chunkDelayMs: 0 });
  try {
    const answer = await second.agent.request(methods.agent.session.load, { sessionId, cwd, mcpServers: [] });
    assert.deepEqual(answer, settings('plan', 'demo-large'));
    await second.prompt(sessionId, 'mode\nmodel\nwrite x.txt\nx\nend');
    assert.equal(textOf(ofKind(second.updates, 'agent_message_chunk')), 'mode: planmodel: demo-large');
    assert.equal(ofKind(second.updates, 'tool_call_update')[0].update.status, 'failed');
    assert.equal(existsSync(join(cwd, 'x.txt')), false);
  } finally {
    await second.stop();
  }
});

it('FOUNDRY_DEMO_DEFAULT_MODE sets the mode new sessions start in', async () => {
  const a = await startAgent({ chunkDelayMs: 0, env: { FOUNDRY_DEMO_DEFAULT_MODE: 'acceptEdits' } });
  try {
    const cwd = folder('default-mode');
    const answer = await a.openSession(cwd);
    assert.deepEqual({ ...answer, sessionId: undefined }, { sessionId: undefined, ...settings('acceptEdits', 'demo-standard') });
    await a.prompt(answer.sessionId, 'write a.txt\nA\nend');
    assert.equal(a.permissionRequests.length, 0);
    assert.equal(readFileSync(join(cwd, 'a.txt'), 'utf8'), 'A\n');
  } finally {
    await a.stop();
  }

  const b = await startAgent({ chunkDelayMs: 0, env: { FOUNDRY_DEMO_DEFAULT_MODE: 'yolo' } });
  try {
    assert.equal((await b.openSession(folder('default-mode-bad'))).modes.currentModeId, 'default');
    await b.waitForStderr(/FOUNDRY_DEMO_DEFAULT_MODE "yolo" is not a mode; using "default"/);
  } finally {
    await b.stop();
  }
});

// ---- What each mode lets a write (and a permission line) do ----

/** A client that answers every permission request with the next of `answers`. */
const answering = (...answers) => ({
  chunkDelayMs: 0,
  onPermission: () => ({ outcome: { outcome: 'selected', optionId: answers.shift() } }),
});

it('default mode asks before each write: allow writes the file, reject writes nothing', async () => {
  const a = await startAgent(answering('allow_once', 'reject_once'));
  try {
    const cwd = folder('ask');
    const sessionId = await a.newSession(cwd);
    assert.equal((await a.prompt(sessionId, 'write a.txt\nA\nend')).stopReason, 'end_turn');
    const file = join(cwd, 'a.txt');
    const [call] = ofKind(a.updates, 'tool_call');
    assert.equal(call.update.status, 'pending');
    assert.equal(call.update.kind, 'edit');
    assert.deepEqual(call.update.locations, [{ path: file }]);
    assert.deepEqual(call.update.rawInput, { path: 'a.txt', content: 'A\n' });
    const [request] = a.permissionRequests;
    assert.equal(request.sessionId, sessionId);
    assert.deepEqual(
      { ...request.toolCall },
      { toolCallId: call.update.toolCallId, title: 'Write a.txt', kind: 'edit', status: 'pending', locations: [{ path: file }], rawInput: { path: 'a.txt', content: 'A\n' } },
    );
    assert.deepEqual(request.options.map((o) => o.optionId), ['allow_once', 'allow_always', 'reject_once']);
    const [done] = ofKind(a.updates, 'tool_call_update');
    assert.equal(done.update.status, 'completed');
    assert.deepEqual(done.update.content, [{ type: 'diff', path: file, oldText: null, newText: 'A\n' }]);
    assert.equal(readFileSync(file, 'utf8'), 'A\n');

    await a.prompt(sessionId, 'write a.txt\nB\nend');
    assert.equal(a.permissionRequests.length, 2, 'allow_once allows one write only');
    const rejected = ofKind(a.updates, 'tool_call_update')[1].update;
    assert.equal(rejected.status, 'failed');
    assert.equal(rejected.content[0].content.text, 'not written: permission reject_once');
    assert.equal(readFileSync(file, 'utf8'), 'A\n');
  } finally {
    await a.stop();
  }
});

it('allow_always lets the later writes of that session go through without asking', async () => {
  const a = await startAgent(answering('allow_always', 'reject_once'));
  try {
    const cwd = folder('always');
    const sessionId = await a.newSession(cwd);
    await a.prompt(sessionId, 'write a.txt\nA\nend\nwrite b.txt\nB\nend');
    await a.prompt(sessionId, 'write c.txt\nC\nend');
    assert.equal(a.permissionRequests.length, 1);
    assert.deepEqual(ofKind(a.updates, 'tool_call').map((n) => n.update.status), ['pending', 'in_progress', 'in_progress']);
    assert.deepEqual(readdirSync(cwd).sort(), ['a.txt', 'b.txt', 'c.txt']);

    const other = await a.newSession(cwd);
    await a.prompt(other, 'write d.txt\nD\nend');
    assert.equal(a.permissionRequests.length, 2, 'another session still asks');
    assert.equal(existsSync(join(cwd, 'd.txt')), false);
  } finally {
    await a.stop();
  }
});

it('acceptEdits writes without asking, but permission lines still ask', async () => {
  const a = await startAgent(answering('allow_once'));
  try {
    const cwd = folder('accept');
    const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
    await a.prompt(sessionId, 'write a.txt\nA\nend\npermission Run the tests');
    assert.equal(readFileSync(join(cwd, 'a.txt'), 'utf8'), 'A\n');
    assert.deepEqual(a.permissionRequests.map((r) => r.toolCall.title), ['Run the tests']);
    assert.equal(lastMessage(a.updates), 'permission: allow_once');
  } finally {
    await a.stop();
  }
});

it('bypassPermissions asks nothing: writes go through and permission lines are allowed', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('bypass');
    const sessionId = await a.newSession(cwd, { mode: 'bypassPermissions' });
    assert.equal((await a.prompt(sessionId, 'write a.txt\nA\nend\npermission Push to main')).stopReason, 'end_turn');
    assert.equal(a.permissionRequests.length, 0);
    assert.equal(readFileSync(join(cwd, 'a.txt'), 'utf8'), 'A\n');
    const permission = ofKind(a.updates, 'tool_call').find((n) => n.update.title === 'Push to main');
    assert.equal(permission.update.status, 'in_progress');
    const updates = ofKind(a.updates, 'tool_call_update').map((n) => n.update.status);
    assert.deepEqual(updates, ['completed', 'completed']);
    assert.equal(lastMessage(a.updates), 'permission: allowed (bypassPermissions)');
  } finally {
    await a.stop();
  }
});

it('plan mode refuses every write as a failed tool call', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('plan-mode');
    const sessionId = await a.newSession(cwd, { mode: 'plan' });
    assert.equal((await a.prompt(sessionId, 'write a.txt\nA\nend\nstill talking')).stopReason, 'end_turn');
    assert.equal(a.permissionRequests.length, 0);
    assert.deepEqual(readdirSync(cwd), []);
    const [failed] = ofKind(a.updates, 'tool_call_update');
    assert.equal(failed.update.status, 'failed');
    assert.equal(failed.update.content[0].content.text, 'plan mode: no edits');
    assert.equal(lastMessage(a.updates), 'still talking');
  } finally {
    await a.stop();
  }
});

it('a mode set while a turn runs applies to its later writes', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('mode-mid-turn');
    const sessionId = await a.newSession(cwd);
    const turn = a.prompt(sessionId, 'waiting\nsleep 60000');
    await a.waitFor((u) => textOf(ofKind(u, 'agent_message_chunk')) === 'waiting');
    await a.setMode(sessionId, 'acceptEdits');
    await a.cancel(sessionId);
    assert.equal((await turn).stopReason, 'cancelled');
    await a.prompt(sessionId, 'write a.txt\nA\nend');
    assert.equal(a.permissionRequests.length, 0);
    assert.equal(readFileSync(join(cwd, 'a.txt'), 'utf8'), 'A\n');
  } finally {
    await a.stop();
  }
});

// ---- Files through the client (fs/read_text_file, fs/write_text_file) ----

/** An in-memory client file system: `files` by absolute path; `failWrites` makes writes fail. */
function clientFiles(initial = {}, { failWrites } = {}) {
  const files = new Map(Object.entries(initial));
  return {
    files,
    read: ({ path }) => {
      if (!files.has(path)) throw new RequestError(-32002, `Resource not found: ${path}`);
      return { content: files.get(path) };
    },
    write: ({ path, content }) => {
      if (failWrites) throw new RequestError(-32000, failWrites);
      files.set(path, content);
      return {};
    },
  };
}

it('a client with fs.writeTextFile gets each write as fs/write_text_file, after the permission', async () => {
  const cwd = folder('client-write');
  const fs = clientFiles({ [join(cwd, 'a.txt')]: 'old\n' });
  const a = await startAgent({ ...answering('allow_once'), fs });
  try {
    const sessionId = await a.newSession(cwd);
    assert.equal((await a.prompt(sessionId, 'write a.txt\nnew\nend')).stopReason, 'end_turn');
    assert.deepEqual(
      a.requests.map((r) => r.method),
      ['session/request_permission', 'fs/read_text_file', 'fs/write_text_file'],
    );
    assert.deepEqual(a.requests[1].params, { sessionId, path: join(cwd, 'a.txt') });
    assert.deepEqual(a.requests[2].params, { sessionId, path: join(cwd, 'a.txt'), content: 'new\n' });
    assert.equal(fs.files.get(join(cwd, 'a.txt')), 'new\n');
    assert.deepEqual(readdirSync(cwd), [], 'the agent wrote nothing itself');
    const [done] = ofKind(a.updates, 'tool_call_update');
    assert.equal(done.update.status, 'completed');
    assert.deepEqual(done.update.content, [{ type: 'diff', path: join(cwd, 'a.txt'), oldText: 'old\n', newText: 'new\n' }]);
  } finally {
    await a.stop();
  }
});

it('a write the client refuses fails the tool call with the client\'s message', async () => {
  const cwd = folder('client-write-fails');
  const a = await startAgent({ chunkDelayMs: 0, fs: clientFiles({}, { failWrites: 'the worktree is read-only' }) });
  try {
    const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
    assert.equal((await a.prompt(sessionId, 'write a.txt\nx\nend\nafter')).stopReason, 'end_turn');
    const [failed] = ofKind(a.updates, 'tool_call_update');
    assert.equal(failed.update.status, 'failed');
    assert.equal(failed.update.content[0].content.text, 'the worktree is read-only');
    assert.equal(lastMessage(a.updates), 'after');
  } finally {
    await a.stop();
  }
});

it('with fs.writeTextFile only, the old text comes from the disk and the write from the client', async () => {
  const cwd = folder('client-write-only');
  writeFileSync(join(cwd, 'a.txt'), 'on disk\n');
  const written = [];
  const a = await startAgent({ chunkDelayMs: 0, fs: { write: (params) => (written.push(params), {}) } });
  try {
    const sessionId = await a.newSession(cwd, { mode: 'acceptEdits' });
    await a.prompt(sessionId, 'write a.txt\nnew\nend');
    assert.deepEqual(a.requests.map((r) => r.method), ['fs/write_text_file']);
    assert.deepEqual(written, [{ sessionId, path: join(cwd, 'a.txt'), content: 'new\n' }]);
    assert.equal(readFileSync(join(cwd, 'a.txt'), 'utf8'), 'on disk\n');
    assert.equal(ofKind(a.updates, 'tool_call_update')[0].update.content[0].oldText, 'on disk\n');
  } finally {
    await a.stop();
  }
});

it('read goes through fs/read_text_file when the client offers it and replies in a fenced block', async () => {
  const cwd = folder('client-read');
  const fs = clientFiles({ [join(cwd, 'src/a.ts')]: 'const two = 2;\n' });
  const a = await startAgent({ chunkDelayMs: 0, fs: { read: fs.read } });
  try {
    const sessionId = await a.newSession(cwd);
    assert.equal((await a.prompt(sessionId, 'read src/a.ts 2 1')).stopReason, 'end_turn');
    assert.deepEqual(a.requests.map((r) => r.params), [{ sessionId, path: join(cwd, 'src/a.ts'), line: 2, limit: 1 }]);
    const [call] = ofKind(a.updates, 'tool_call');
    assert.equal(call.update.kind, 'read');
    assert.deepEqual(call.update.locations, [{ path: join(cwd, 'src/a.ts'), line: 2 }]);
    assert.equal(ofKind(a.updates, 'tool_call_update')[0].update.status, 'completed');
    assert.equal(lastMessage(a.updates), '```ts\nconst two = 2;\n```');

    await a.prompt(sessionId, 'read missing.md');
    const failed = ofKind(a.updates, 'tool_call_update')[1].update;
    assert.equal(failed.status, 'failed');
    assert.match(failed.content[0].content.text, /Resource not found: .*missing\.md/);
  } finally {
    await a.stop();
  }
});

it('read without client fs reads the disk inside the session folder, with line and limit', async () => {
  const cwd = folder('disk-read');
  writeFileSync(join(cwd, 'notes.txt'), 'one\ntwo\nthree\nfour\n');
  writeFileSync(join(cwd, 'ticks.md'), 'a ``` fence\n');
  const outside = folder('disk-read-outside');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  symlinkSync(join(outside, 'secret.txt'), join(cwd, 'link.txt'));
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(cwd);
    await a.prompt(sessionId, 'read notes.txt');
    assert.equal(lastMessage(a.updates), '```txt\none\ntwo\nthree\nfour\n```');
    await a.prompt(sessionId, 'read notes.txt 2 2');
    assert.equal(lastMessage(a.updates), '```txt\ntwo\nthree\n```');
    await a.prompt(sessionId, 'read notes.txt 4');
    assert.equal(lastMessage(a.updates), '```txt\nfour\n```');
    await a.prompt(sessionId, 'read ticks.md');
    assert.equal(lastMessage(a.updates), '````md\na ``` fence\n````', 'the fence outlasts the backticks inside');

    for (const path of [`../${basename(outside)}/secret.txt`, 'link.txt']) {
      const before = ofKind(a.updates, 'tool_call_update').length;
      await a.prompt(sessionId, `read ${path}`);
      const update = ofKind(a.updates, 'tool_call_update')[before].update;
      assert.equal(update.status, 'failed', path);
      assert.match(update.content[0].content.text, /outside the session folder/, path);
    }
    assert.doesNotMatch(textOf(ofKind(a.updates, 'agent_message_chunk')), /secret/);
    await assert.rejects(a.prompt(sessionId, 'read notes.txt 0'), (e) => e.code === -32602 && /line 1: read/.test(e.message));
  } finally {
    await a.stop();
  }
});

// ---- Plans, thoughts, code, commands and usage ----

it('plan lines send the whole plan, the first entry in progress; a later plan replaces it', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('plan'));
    await a.prompt(sessionId, 'plan Read the code | Fix the bug | Run the tests\nworking\nplan Run the tests');
    const plans = ofKind(a.updates, 'plan').map((n) => n.update.entries);
    assert.deepEqual(plans, [
      [
        { content: 'Read the code', priority: 'medium', status: 'in_progress' },
        { content: 'Fix the bug', priority: 'medium', status: 'pending' },
        { content: 'Run the tests', priority: 'medium', status: 'pending' },
      ],
      [{ content: 'Run the tests', priority: 'medium', status: 'in_progress' }],
    ]);
  } finally {
    await a.stop();
  }
});

it('think streams agent_thought_chunk, and a load replays the thought', async () => {
  const stateDir = folder('think-state');
  const cwd = folder('think');
  const first = await startAgent({ stateDir, chunkDelayMs: 0 });
  const sessionId = await first.newSession(cwd);
  await first.prompt(sessionId, 'think The user wants a greeting.\nHello!');
  const thought = ofKind(first.updates, 'agent_thought_chunk');
  assert.ok(thought.length > 1, 'the thought is streamed in pieces');
  assert.equal(textOf(thought), 'The user wants a greeting.');
  assert.equal(textOf(ofKind(first.updates, 'agent_message_chunk')), 'Hello!');
  await first.stop();

  const second = await startAgent({ stateDir, chunkDelayMs: 0 });
  try {
    await second.agent.request(methods.agent.session.load, { sessionId, cwd, mcpServers: [] });
    const replay = second.updates
      .filter((n) => n.update.sessionUpdate.endsWith('_chunk'))
      .map((n) => [n.update.sessionUpdate, n.update.content.text]);
    assert.deepEqual(replay, [
      ['user_message_chunk', 'think The user wants a greeting.\nHello!'],
      ['agent_thought_chunk', 'The user wants a greeting.'],
      ['agent_message_chunk', 'Hello!'],
    ]);
  } finally {
    await second.stop();
  }
});

it('code LANG … end replies with that fenced block inside the message', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('code'));
    await a.prompt(sessionId, 'Here is the fix:\ncode ts\nfunction f() {\n\n  return 1;\n}\nend\nDone.');
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'Here is the fix:\n```ts\nfunction f() {\n\n  return 1;\n}\n```\nDone.');
    assert.equal(new Set(ofKind(a.updates, 'agent_message_chunk').map((n) => n.update.messageId)).size, 1, 'one message');
    await assert.rejects(a.prompt(sessionId, 'code py\nprint(1)'), (e) => e.code === -32602 && /line 1.*"code py" has no closing "end"/.test(e.message));
  } finally {
    await a.stop();
  }
});

it('available_commands_update follows the answer to session/new and to session/load', async () => {
  const stateDir = folder('commands-state');
  const cwd = folder('commands');
  const commands = [
    { name: 'review', description: 'Review the changes' },
    { name: 'test', description: 'Run the tests', input: { hint: 'which tests to run' } },
  ];
  const first = await startAgent({ stateDir });
  const sessionId = await first.newSession(cwd); // waits for the update
  assert.deepEqual(ofKind(first.updates, 'available_commands_update', sessionId)[0].update.availableCommands, commands);
  await first.stop();

  const second = await startAgent({ stateDir });
  try {
    await second.agent.request(methods.agent.session.load, { sessionId, cwd, mcpServers: [] });
    await second.waitFor((u) => ofKind(u, 'available_commands_update', sessionId).length === 1);
    assert.deepEqual(ofKind(second.updates, 'available_commands_update')[0].update.availableCommands, commands);
  } finally {
    await second.stop();
  }
});

it('each turn ends with a usage_update and the answer\'s usage, from the text lengths and the model', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('usage'));
    // 11 characters in, 11 out: 3 tokens each (4 characters a token, rounded up).
    const first = await a.prompt(sessionId, 'hello world');
    assert.deepEqual(first, { stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 3, totalTokens: 6 } });
    const [usage] = ofKind(a.updates, 'usage_update');
    // demo-standard: 200k context, $3 / $15 per million tokens in / out.
    assert.deepEqual(usage.update, { sessionUpdate: 'usage_update', used: 6, size: 200_000, cost: { amount: 0.000054, currency: 'USD' } });
    assert.equal(a.updates.at(-1).update.sessionUpdate, 'usage_update', 'it is the last update of the turn');

    await a.agent.request('session/set_model', { sessionId, modelId: 'demo-large' });
    // 8 characters in, 8 out: 2 tokens each at $15 / $75 per million, added to the session's cost.
    assert.deepEqual((await a.prompt(sessionId, 'abcdefgh')).usage, { inputTokens: 2, outputTokens: 2, totalTokens: 4 });
    const second = ofKind(a.updates, 'usage_update')[1].update;
    assert.deepEqual(second, { sessionUpdate: 'usage_update', used: 10, size: 1_000_000, cost: { amount: 0.000234, currency: 'USD' } });

    await assert.rejects(a.prompt(sessionId, 'fail'));
    assert.equal(ofKind(a.updates, 'usage_update').length, 3, 'a failed turn reports usage too');
  } finally {
    await a.stop();
  }
});

// ---- Crashes and stuck turns ----

it('exit CODE ends the process at once with that code, after what came before it', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  const sessionId = await a.newSession(folder('exit-code'));
  const turn = a.prompt(sessionId, 'going down\nexit 3\nnever said');
  await assert.rejects(turn); // the connection closes under it
  const [code] = await a.exited;
  assert.equal(code, 3);
  assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk')), 'going down');
  await a.waitForStderr(/exit 3 requested by the script/);
});

it('an exit code over 255 is invalid params', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const sessionId = await a.newSession(folder('exit-big'));
    await assert.rejects(a.prompt(sessionId, 'exit 256'), (e) => e.code === -32602 && /exit code 256/.test(e.message));
  } finally {
    assert.equal(await a.stop(), 0);
  }
});

it('hang never ends the turn, while the agent still answers; session/cancel ends it cancelled', async () => {
  const a = await startAgent({ chunkDelayMs: 0 });
  try {
    const cwd = folder('hang');
    const sessionId = await a.newSession(cwd);
    let settled = false;
    const turn = a.prompt(sessionId, 'stuck now\nhang\nnever said').finally(() => (settled = true));
    await a.waitFor((u) => textOf(ofKind(u, 'agent_message_chunk', sessionId)) === 'stuck now');
    const other = await a.newSession(cwd);
    assert.equal((await a.prompt(other, 'still answering')).stopReason, 'end_turn');
    assert.equal(settled, false, 'the hung turn is still running');
    await a.cancel(sessionId);
    assert.equal((await turn).stopReason, 'cancelled');
    assert.equal(textOf(ofKind(a.updates, 'agent_message_chunk', sessionId)), 'stuck now');
  } finally {
    await a.stop();
  }
});
