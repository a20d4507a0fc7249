// Which paths a chat tab may open in the editor: files inside the task's worktree, nothing else.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileInWorktree } from '../../src/chat/worktreeFile';

const dir = mkdtempSync(join(tmpdir(), 'foundry-worktree-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const worktree = join(dir, 'wt');
mkdirSync(join(worktree, 'src'), { recursive: true });
writeFileSync(join(worktree, 'src', 'a.ts'), 'a\n');
writeFileSync(join(dir, 'secret.txt'), 'outside\n');
mkdirSync(join(dir, 'wt-other'));
writeFileSync(join(dir, 'wt-other', 'b.ts'), 'b\n');
symlinkSync(join(dir, 'secret.txt'), join(worktree, 'link.txt'));
symlinkSync(join(worktree, 'src', 'a.ts'), join(worktree, 'inner-link.ts'));

test('a file inside the worktree opens, by its path as given', async () => {
  assert.equal(await fileInWorktree(worktree, join(worktree, 'src', 'a.ts')), join(worktree, 'src', 'a.ts'));
  assert.equal(await fileInWorktree(`${worktree}/`, join(worktree, 'src', '..', 'src', 'a.ts')), join(worktree, 'src', 'a.ts'));
  assert.equal(await fileInWorktree(worktree, join(worktree, 'inner-link.ts')), join(worktree, 'inner-link.ts'), 'a link to a file inside is fine');
});

test('paths outside the worktree are refused, however they are spelled', async () => {
  const outside = [
    join(dir, 'secret.txt'),
    join(worktree, '..', 'secret.txt'),
    join(worktree, 'link.txt'), // a symlink inside pointing out
    join(dir, 'wt-other', 'b.ts'), // a sibling whose name starts like the worktree's
  ];
  for (const path of outside) await assert.rejects(fileInWorktree(worktree, path), /outside the task's worktree/, path);
});

test('relative paths, missing files, folders and a missing worktree are refused with a reason', async () => {
  await assert.rejects(fileInWorktree(worktree, 'src/a.ts'), /not an absolute path/);
  await assert.rejects(fileInWorktree(worktree, join(worktree, 'nope.ts')), /no such file/);
  await assert.rejects(fileInWorktree(worktree, join(worktree, 'src')), /not a file/);
  await assert.rejects(fileInWorktree(worktree, worktree), /not a file/, 'the worktree itself');
  await assert.rejects(fileInWorktree(join(dir, 'gone'), join(worktree, 'src', 'a.ts')), /worktree .* is missing/);
});
