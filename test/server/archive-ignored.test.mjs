// Archive never deletes git-ignored work: `git worktree remove` takes ignored files with it, so
// archiveTask refuses while the worktree holds any outside regenerable folders (node_modules, …).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Requests, ErrorCodes } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';
import { writeFile } from '../gitRepo.mjs';

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

const refusal = (taskId) =>
  sc.request(Requests.ArchiveTask.method, { taskId }).then(
    () => assert.fail('archiveTask was accepted'),
    (e) => (assert.equal(e.code, ErrorCodes.InvalidState, e.message), e.message),
  );

test('a worktree whose only ignored files are in regenerable folders archives', async () => {
  const t = await idleTask('only dependencies');
  writeFile(t.worktreePath, 'node_modules/x/index.js', 'module.exports = 1;\n');
  writeFile(t.worktreePath, 'packages/a/node_modules/y/index.js', '\n');
  writeFile(t.worktreePath, 'build/out.o', '\n');
  const archiving = await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  assert.equal(archiving.status, 'archive_remove_sandbox');
  await sc.waitTask(t.id, 'archived');
  assert.equal(existsSync(t.worktreePath), false, 'worktree removed');
});

test('a worktree holding .env is refused, naming it, and kept; once it is gone, archive works', async () => {
  const t = await idleTask('with secrets');
  writeFile(t.worktreePath, 'node_modules/x/index.js', '\n');
  const env = writeFile(t.worktreePath, '.env', 'TOKEN=keep-me\n');
  const message = await refusal(t.id);
  assert.match(message, /'ignored_files'/);
  assert.match(message, /1 git-ignored file \(\.env\)/);
  assert.doesNotMatch(message, /node_modules/);
  assert.ok(existsSync(env), '.env is still there');
  assert.equal(sc.task(t.id).status, 'idle');

  rmSync(env);
  await sc.request(Requests.ArchiveTask.method, { taskId: t.id });
  await sc.waitTask(t.id, 'archived');
});

test('many ignored files: the refusal names the first few and counts the rest', async () => {
  const t = await idleTask('many notes');
  for (let i = 1; i <= 7; i++) writeFile(t.worktreePath, `notes/n${i}.local`, `note ${i}\n`);
  writeFile(t.worktreePath, 'deep/dir/.env', 'A=1\n');
  const message = await refusal(t.id);
  assert.match(message, /8 git-ignored files \(deep\/dir\/\.env, notes\/n1\.local, notes\/n2\.local, notes\/n3\.local, notes\/n4\.local and 3 more\)/);
  assert.ok(existsSync(join(t.worktreePath, 'notes/n7.local')));
});
