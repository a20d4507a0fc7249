// Junk params to every method: a clear -32602 naming the field, the sidecar stays up, and
// every table is byte-for-byte unchanged afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';
import { dumpTables } from './files.mjs';

const junkValues = [42, 'text', true, [1, 2], null];
const junkFields = [42, '', null, {}, [], true, 'x'.repeat(300_000), -1, 1.5];

/** Every field optional (listRepoActions): no params, or only unknown ones, is a well-formed request. */
function optionalOnly(def) {
  const shape = def.params.shape ?? {};
  const keys = Object.keys(shape);
  return keys.length > 0 && keys.every((k) => ['optional', 'default'].includes(shape[k].def.type));
}

/** Objects whose every field of the method's schema gets a junk value of the wrong kind. */
function junkObjects(def) {
  const shape = def.params.shape ?? {};
  const keys = Object.keys(shape);
  if (keys.length === 0) return [];
  const out = [];
  for (const v of junkFields) {
    const junk = Object.fromEntries(keys.map((k) => [k, v]));
    // Not junk where the contract allows the value (setGitHubToken's `token: null` forgets it).
    if (!def.params.safeParse(junk).success) out.push(junk);
  }
  if (!optionalOnly(def)) out.push({ unrelated: 'field' });
  return out;
}

test('junk params to every method get a clear error and change nothing stored', async () => {
  const dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'));
  const dataDir = join(dir, 'data');
  const sc = await startSidecar({ dataDir });
  try {
    const repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
    const task = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'existing work' });
    await sc.waitTask(task.id, 'idle');
    await sc.request(Requests.MarkSessionRead.method, { sessionId: task.sessions[0].id });
    await sc.waitFor(() => sc.task(task.id).sessions[0].unread === false, 'read');
    await sc.settle();
    const before = dumpTables(join(dataDir, 'foundry.db'));
    let checked = 0;
    for (const [name, def] of Object.entries(Requests)) {
      const hasFields = Object.keys(def.params.shape ?? {}).length > 0;
      for (const junk of [...junkValues, ...junkObjects(def)]) {
        if ((!hasFields || optionalOnly(def)) && junk === null) continue; // no params at all is valid for ping/getWorkbench/listRepoActions
        const result = await sc.request(def.method, junk).then(
          (r) => ({ ok: r }),
          (e) => ({ error: e }),
        );
        assert.ok(result.error, `${name} accepted junk ${JSON.stringify(junk)?.slice(0, 60)}`);
        assert.equal(result.error.code, ErrorCodes.InvalidParams, `${name}: ${result.error.message}`);
        assert.match(result.error.message, /^Invalid params: \w+/, `${name}: the message names the field`);
        checked++;
      }
    }
    // Well-formed requests whose branch git would refuse or misread.
    for (const branch of ['HEAD', 'a.lock/b', 'refs/heads/x', '-x', 'x..y']) {
      const error = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt: 'p', branch }).then(() => null, (e) => e);
      assert.ok(error, `createTask accepted branch ${branch}`);
      assert.equal(error.code, ErrorCodes.InvalidParams, error.message);
      assert.match(error.message, /^Invalid params: branch: /, 'the message names the field');
      checked++;
    }
    assert.ok(checked > 150, `checked ${checked} junk requests`);
    assert.deepEqual(await sc.request(Requests.Ping.method, {}), {}, 'still serving');
    assert.equal(sc.child.exitCode, null, 'no crash');
    assert.deepEqual(dumpTables(join(dataDir, 'foundry.db')), before, 'no table changed');
  } finally {
    await sc.stop();
    cleanup(dir);
  }
});
