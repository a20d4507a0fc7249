// The protocol's documentation cannot drift from the contract (rust-analyzer's lsp-extensions.md
// check, made stronger): every request in shared/protocol.ts has a doc comment with Direction,
// Params, Result and Errors and an entry in RequestErrors that names the same codes;
// docs/protocol.md is exactly what scripts/protocol-doc.mjs generates; and the real sidecar
// answers the listed codes in the documented cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { ErrorCodes, Notifications, RequestErrors, Requests } from '../../shared/protocol.ts';
import { PROTOCOL_SOURCE, REGENERATE, generate, model } from '../../scripts/protocol-doc.mjs';
import { cleanup, makeRepo, root, serverJs, startSidecar, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';

const source = readFileSync(PROTOCOL_SOURCE, 'utf8');
const names = Object.keys(Requests);

/** The raw `/** … *\/` block right above `export const <name> =`, or undefined. */
function jsdocAbove(name) {
  const at = source.search(new RegExp(`^export const ${name} = `, 'm'));
  if (at < 0) return undefined;
  const before = source.slice(0, at).trimEnd();
  return before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : undefined;
}

// ---------------------------------------------------------------------------
// 1. Doc comments and the error table
// ---------------------------------------------------------------------------

test('every request has a doc comment with Direction, Params, Result and Errors, and its codes in RequestErrors', () => {
  const declared = [...source.matchAll(/^export const (\w+) = request\(/gm)].map((m) => m[1]);
  assert.deepEqual([...declared].sort(), [...names].sort(), 'every request is declared as `export const <Name> = request(` and listed in Requests');
  assert.deepEqual(Object.keys(RequestErrors).sort(), [...names].sort(), 'RequestErrors has one entry per request, no more');
  const known = new Set(Object.values(ErrorCodes));
  for (const name of names) {
    const doc = jsdocAbove(name);
    assert.ok(doc, `${name}: no doc comment right above \`export const ${name} = request(\``);
    for (const label of ['Direction', 'Params', 'Result', 'Errors']) {
      assert.match(doc, new RegExp(`^\\s*\\* ${label}:`, 'm'), `${name}: its doc comment has no "${label}:" section`);
    }
    assert.match(doc, /\* Direction: client -> sidecar\b/, `${name}: a request goes client -> sidecar`);
    const codes = RequestErrors[name];
    assert.ok(codes?.length, `${name}: RequestErrors lists no code`);
    for (const code of codes) assert.ok(known.has(code), `${name}: ${code} is not one of ErrorCodes`);
    const errorsSection = /^\s*\* Errors:[\s\S]*$/m.exec(doc)[0];
    const documented = [...new Set((errorsSection.match(/-32\d{3}/g) ?? []).map(Number))].sort();
    assert.deepEqual(documented, [...new Set(codes)].sort(), `${name}: the Errors section names ${documented}, RequestErrors lists ${codes}`);
  }
});

test('every notification says its Direction and Params; every field of every message has a doc comment', () => {
  for (const name of Object.keys(Notifications)) {
    const doc = jsdocAbove(name);
    assert.ok(doc, `${name}: no doc comment`);
    assert.match(doc, /\* Direction: sidecar -> client\b/, `${name}: a notification goes sidecar -> client`);
    assert.match(doc, /^\s*\* Params:/m, `${name}: no "Params:" section`);
  }
  const m = model();
  for (const def of [...m.requests, ...m.notifications]) {
    for (const part of ['params', 'result']) {
      for (const field of def[part]?.fields ?? []) assert.ok(field.doc, `${def.key} ${part}.${field.name} has no doc comment`);
    }
  }
  for (const named of [m.initialize, m.serverInfo, m.sidecarInfo]) {
    assert.ok(named.doc, `${named.name} has no doc comment`);
    for (const field of named.fields) assert.ok(field.doc, `${named.name}.${field.name} has no doc comment`);
  }
  const init = jsdocAbove('InitializationOptions');
  for (const label of ['Direction', 'Params', 'Result', 'Errors']) assert.match(init, new RegExp(`^\\s*\\* ${label}:`, 'm'), `initialize: no "${label}:"`);
  assert.ok(m.blocks.some((b) => b.title.startsWith('Lifecycle')), 'the "# Lifecycle" block documents shutdown and exit');
  assert.ok(m.blocks.some((b) => b.title.startsWith('Admission')), 'the "# Admission" block documents the errors of every request');
});

// ---------------------------------------------------------------------------
// 2. docs/protocol.md is generated
// ---------------------------------------------------------------------------

test('docs/protocol.md is what scripts/protocol-doc.mjs generates from shared/protocol.ts', () => {
  const file = join(root, 'docs', 'protocol.md');
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const generated = generate();
  if (committed === generated) return;
  const a = committed.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  assert.fail(
    `docs/protocol.md is out of date with shared/protocol.ts (first difference at line ${line + 1}:\n` +
      `  committed: ${JSON.stringify(a[line] ?? '<end>')}\n  generated: ${JSON.stringify(b[line] ?? '<end>')}).\n` +
      `Regenerate it from the repository root:\n  ${REGENERATE}`,
  );
});

// ---------------------------------------------------------------------------
// 3. The real sidecar answers the listed codes
// ---------------------------------------------------------------------------

/** Well-formed values by field name: ids name nothing that exists. A required field without one fails the test. */
const samples = {
  path: '/nonexistent/foundry-protocol-doc',
  repoId: 'repo_doc_unknown',
  taskId: 'task_doc_unknown',
  sessionId: 'ses_doc_unknown',
  requestId: 'perm_doc_unknown',
  optionId: 'allow_once',
  prompt: 'p',
  text: 't',
  title: 'T',
  name: 'N',
  version: '0.0.1', // older than any sidecar: a hand-over is refused, never started
  reason: 'restart',
  databases: ['/nonexistent/foundry.db'],
  mode: 'ask',
  model: 'm',
  messageId: 'msg_doc_unknown',
  agent: 'demo',
  agentId: 'agent_doc_unknown',
  env: {},
  revertId: 'rev_doc_unknown',
  kind: 'fetch',
  commentId: 'rc_doc_unknown',
  checkpointId: 'cp_doc_unknown',
  scope: 'deleted',
  taskIds: ['task_doc_unknown'],
  token: 'doc-token',
  line: 1,
  provider: 'daytona',
  apiKey: '',
};
/** Per request, where a field's sample differs (a worktree path is relative). */
const sampleOf = {
  GetFileDiff: { path: 'README.md' },
  RevertFile: { path: 'README.md' },
  AddReviewComment: { path: 'README.md' },
  // exactly one of taskId and repoId
  RunRepoAction: { taskId: 'task_doc_unknown' },
  // either id narrows the list; an unknown one is -32001
  ListRepoActions: { taskId: 'task_doc_unknown' },
  // the optional repoId narrows the inventory; an unknown one is -32001
  GetCleanupInventory: { repoId: 'repo_doc_unknown' },
};

const baseType = (schema) => (['optional', 'default'].includes(schema.def.type) ? baseType(schema.def.innerType) : schema.def.type);
const shapeOf = (name) => Requests[name].params.def.shape ?? {};
const isOptional = (schema) => ['optional', 'default'].includes(schema.def.type);

/** The request's required fields, each with its sample value (and the optional ones its own samples name). */
function validParams(name) {
  const params = {};
  for (const [field, schema] of Object.entries(shapeOf(name))) {
    const own = sampleOf[name] ?? {};
    if (isOptional(schema) && !(field in own)) continue;
    assert.ok(field in own || field in samples, `${name}.${field}: add a sample value to this test`);
    params[field] = field in own ? own[field] : samples[field];
  }
  return params;
}

const idFields = (name) => Object.keys(shapeOf(name)).filter((f) => /Id$/.test(f));

async function codeOf(promise) {
  return promise.then(
    (r) => ({ ok: r }),
    (e) => ({ code: e.code, message: e.message }),
  );
}

function assertError(got, code, re, what) {
  assert.ok(!('ok' in got), `${what}: succeeded (${JSON.stringify(got.ok)?.slice(0, 80)}), expected ${code}`);
  assert.equal(got.code, code, `${what}: ${got.message}`);
  if (re) assert.match(got.message, re, `${what}: the message names it`);
}

test('before initialize, every request answers -32002 not_initialized', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.resume();
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.listen();
  try {
    for (const name of names) {
      assert.ok(RequestErrors[name].includes(ErrorCodes.InvalidState), `${name}: every request can answer -32002 (admission)`);
      const got = await codeOf(conn.sendRequest(Requests[name].method, validParams(name)));
      assertError(got, ErrorCodes.InvalidState, /'not_initialized'/, `${name} before initialize`);
    }
    await conn.sendNotification('exit');
    assert.equal(await exited, 1, '`exit` without `shutdown` ends a --stdio sidecar with code 1');
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('the sidecar answers the documented codes: -32602 bad params, -32001 unknown ids, -32002 states', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const sc = await startSidecar({ dataDir: join(dir, 'data') });
  let stopped = false;
  try {
    // -32602 for params of the wrong type, naming the field, for every request.
    for (const name of names) {
      assert.ok(RequestErrors[name].includes(ErrorCodes.InvalidParams), `${name}: every request can answer -32602`);
      const shape = shapeOf(name);
      if (Object.keys(shape).length === 0) {
        assertError(await codeOf(sc.request(Requests[name].method, 42)), ErrorCodes.InvalidParams, /^Invalid params: params:/, `${name}(42)`);
        continue;
      }
      for (const [field, schema] of Object.entries(shape)) {
        const wrong = baseType(schema) === 'number' ? 'five' : 5;
        const params = { ...validParams(name), [field]: wrong };
        const got = await codeOf(sc.request(Requests[name].method, params));
        assertError(got, ErrorCodes.InvalidParams, new RegExp(`^Invalid params: ${field}: `), `${name}(${JSON.stringify(params)})`);
      }
    }

    // -32001 for an unknown id, naming it, for every request that takes one - and only those list it.
    for (const name of names) {
      const ids = idFields(name);
      assert.equal(RequestErrors[name].includes(ErrorCodes.NotFound), ids.length > 0, `${name}: lists -32001 exactly when it takes an id (${ids})`);
      if (!ids.length) continue;
      const params = validParams(name);
      const got = await codeOf(sc.request(Requests[name].method, params));
      assertError(got, ErrorCodes.NotFound, new RegExp(params[ids[0]]), `${name}(${JSON.stringify(params)})`);
    }

    // -32002 naming the state, in a sample of documented cases.
    const state = (name, params, re) => codeOf(sc.request(Requests[name].method, params)).then((got) => {
      assert.ok(RequestErrors[name].includes(ErrorCodes.InvalidState), `${name} lists -32002`);
      assertError(got, ErrorCodes.InvalidState, re, `${name}(${JSON.stringify(params)})`);
    });
    await state('HandOver', { version: '0.0.1', reason: 'restart' }, /'running_\d/);
    assertError(await codeOf(sc.request('initialize', { capabilities: {}, initializationOptions: { dataDir: sc.dataDir } })), ErrorCodes.InvalidState, /'initialized'/, 'a second initialize');

    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'documented errors' });
    const idle = await sc.waitTask(task.id, 'idle');
    const first = idle.sessions[0];
    await sc.waitSession(task.id, first.id, 'ready');
    await state('RetryTask', { taskId: task.id }, /'idle'/);
    await state('RetrySession', { sessionId: first.id }, /'ready'/);
    await state('RunRepoAction', { taskId: task.id, kind: 'merge_pull_request' }, /'no_pull_request'/);

    const second = await sc.request(Requests.CreateWorkbenchSession.method, { taskId: task.id });
    await sc.request(Requests.CloseWorkbenchSession.method, { sessionId: second.id });
    await state('SendMessage', { sessionId: second.id, text: 'hi' }, /'closed'/);
    await state('CancelTurn', { sessionId: second.id }, /'closed'/);
    await state('ReplyPermission', { sessionId: second.id, requestId: 'perm_doc_unknown', optionId: 'allow_once' }, /'closed'/);
    await state('RetrySession', { sessionId: second.id }, /'closed'/);
    await state('SetSessionMode', { sessionId: second.id, mode: 'accept_edits' }, /'closed'/);
    await state('SetSessionModel', { sessionId: second.id, model: 'm' }, /'closed'/);
    await state('SendQueued', { sessionId: second.id }, /'closed'/);
    await state('EditQueuedMessage', { sessionId: first.id, messageId: 'msg_doc_unknown', text: 't' }, /'gone'/);
    await state('RemoveQueuedMessage', { sessionId: first.id, messageId: 'msg_doc_unknown' }, /'gone'/);
    await state('InstallAgent', { agentId: 'demo' }, /'bundled'/);
    await state('UndoLastTurn', { sessionId: second.id }, /'no_checkpoint'/);

    await state('UnarchiveTask', { taskId: task.id }, /'idle'/);
    await state('UndoDeleteTask', { taskId: task.id }, /'idle'/);
    await state('RunCleanup', { taskIds: [task.id], scope: 'deleted' }, /'idle'/);
    // A dirty worktree archives (its snapshot keeps the work).
    writeFileSync(join(idle.worktreePath, 'uncommitted.txt'), 'work\n');
    await sc.request(Requests.ArchiveTask.method, { taskId: task.id });
    await sc.waitTask(task.id, 'archived');
    await state('CreateWorkbenchSession', { taskId: task.id }, /'archived'/);
    await state('UndoDeleteTask', { taskId: task.id }, /'archived'/);

    // --stdio `shutdown` drains: from then on every request answers -32002 shutting_down.
    assert.equal(await sc.conn.sendRequest('shutdown'), null);
    for (const name of names) {
      const got = await codeOf(sc.request(Requests[name].method, validParams(name)));
      assertError(got, ErrorCodes.InvalidState, /'shutting_down'/, `${name} after shutdown`);
    }
    await sc.conn.sendNotification('exit');
    assert.equal((await sc.exited).code, 0, '`exit` after `shutdown` ends a --stdio sidecar with code 0');
    stopped = true;
  } finally {
    if (!stopped) await sc.stop();
    cleanup(dir);
  }
});

test('--listen: initialize names other_data_dir; after its shutdown a connection answers -32002 shutdown, the sidecar serves on', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const sidecar = await startListening({ dataDir: join(dir, 'data') });
  try {
    assert.ok(sidecar.report.ready, JSON.stringify(sidecar.report));
    const other = await sidecar.connect({ dataDir: join(dir, 'elsewhere') }).then(() => null, (e) => e);
    assert.ok(other, 'initialize with another data folder is refused');
    assert.equal(other.code, ErrorCodes.InvalidState, other.message);
    assert.match(other.message, /'other_data_dir'/);

    const leaving = await sidecar.connect();
    const staying = await sidecar.connect();
    assert.equal(await leaving.conn.sendRequest('shutdown'), null);
    for (const name of names) {
      const got = await codeOf(leaving.request(Requests[name].method, validParams(name)));
      assertError(got, ErrorCodes.InvalidState, /'shutdown'/, `${name} after this connection's shutdown`);
    }
    assert.deepEqual(await staying.request(Requests.Ping.method, {}), {}, 'the other connection is served on');
    await leaving.disconnect();
    await staying.disconnect();
  } finally {
    sidecar.child.kill('SIGTERM');
    const timer = setTimeout(() => sidecar.kill(), 10_000);
    await sidecar.exited;
    clearTimeout(timer);
    cleanup(dir);
  }
});
