// Archive keeps git-ignored work: `git worktree remove` takes ignored files with it, so the
// archive's snapshot holds them (a `.env` is work) and unarchive brings them back; only the
// regenerable folders (node_modules, build, …) are left out, and the history names them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';
import { treeHashes } from './treeHashes.mjs';

let dir, sc, repo;
before(async () => {
  dir = tempDir();
  const repoPath = makeRepo(join(dir, 'repo'), {
    'README.md': '# ignored\n',
    '.gitignore': '.env\nnode_modules/\n*.local\nbuild/\n',
  });
  sc = await startSidecar({ dataDir: join(dir, 'data') });
  repo = await sc.request(Requests.AddRepo.method, { path: repoPath });
});
after(async () => {
  await sc.stop();
  cleanup(dir);
});

async function idleTask(prompt) {
  const t = await sc.request(Requests.CreateTask.method, { repoId: repo.id, prompt });
  return sc.waitTask(t.id, 'idle');
}

async function archiveAndBack(t) {
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'archived');
  assert.equal(existsSync(t.worktreePath), false, 'worktree removed');
  await sc.request(Requests.UnarchiveTask.method, { taskId: t.id });
  return sc.waitTask(t.id, 'idle');
}

test('.env and other ignored files come back on unarchive, byte for byte', async () => {
  const t = await idleTask('with secrets');
  writeFile(t.worktreePath, '.env', 'TOKEN=keep-me\n');
  for (let i = 1; i <= 7; i++) writeFile(t.worktreePath, `notes/n${i}.local`, `note ${i}\n`);
  writeFile(t.worktreePath, 'deep/dir/.env', 'A=1\n');
  const before = treeHashes(t.worktreePath);
  await archiveAndBack(t);
  assert.equal(readFileSync(join(t.worktreePath, '.env'), 'utf8'), 'TOKEN=keep-me\n');
  assert.deepEqual(treeHashes(t.worktreePath), before);
});

test('regenerable folders are left out of the snapshot, and the history names them', async () => {
  const t = await idleTask('only dependencies');
  writeFile(t.worktreePath, 'node_modules/x/index.js', 'module.exports = 1;\n');
  writeFile(t.worktreePath, 'packages/a/node_modules/y/index.js', '\n');
  writeFile(t.worktreePath, 'build/out.o', '\n');
  writeFile(t.worktreePath, 'keep.local', 'mine\n');
  await archiveAndBack(t);
  assert.ok(existsSync(join(t.worktreePath, 'keep.local')), 'the ignored file is back');
  assert.equal(existsSync(join(t.worktreePath, 'node_modules')), false, 'node_modules is regenerated, not kept');
  assert.equal(existsSync(join(t.worktreePath, 'build')), false);
  const log = await sc.request(Requests.GetTaskLog.method, { taskId: t.id });
  const line = log.history.find((h) => /left out \(regenerable\)/.test(h.message ?? ''));
  assert.ok(line, 'the snapshot line names what was left out');
  for (const folder of ['build', 'node_modules', 'packages/a/node_modules']) assert.ok(line.message.includes(folder), `${folder} in ${line.message}`);
});
