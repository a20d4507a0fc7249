// Archive and delete as a user meets them in a real VS Code: a dirty task archived from the
// explorer shows under Archived, Unarchive brings its uncommitted and git-ignored files back;
// Delete's notification offers Undo, which brings the task, its branch and its files back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { createTask, IDLE, notification, openFoundryView, pickQuickItem, runCommand, treeItem, waitForTreeDescription, waitForTreeItem } from '../harness/workbench.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';

const PROMPT = 'Archive me with my drafts';
const BRANCH = 'e2e/archive';

test('archive a dirty task from the explorer, unarchive it; delete it and undo', async (t) => {
  const f = await openFoundry(t, { files: { 'src/hello.txt': 'hello\n', '.gitignore': '.env\n' } });
  const { page } = f;
  let wt;

  await t.test('a dirty task archives and shows under Archived in the explorer', async () => {
    await openFoundryView(page);
    await createTask(page, PROMPT, { branch: BRANCH });
    wt = worktreeOf(f.repoPath, BRANCH);
    writeFileSync(join(wt, 'draft.md'), 'not committed yet\n');
    writeFileSync(join(wt, '.env'), 'TOKEN=keep-me\n');
    await waitForTreeItem(page, PROMPT);
    await runCommand(page, 'Foundry: Archive Task');
    await pickQuickItem(page, PROMPT);
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Archive' }).click();
    await waitForTreeItem(page, 'Archived');
    await treeItem(page, 'Archived').first().click();
    await waitForTreeDescription(page, PROMPT, 'Archived');
    assert.equal(existsSync(wt), false, 'the worktree is removed');
    await f.shot('explorer-archived');
  });

  await t.test('Unarchive brings the worktree back with its drafts', async () => {
    await runCommand(page, 'Foundry: Unarchive Task');
    await pickQuickItem(page, PROMPT);
    await waitForTreeDescription(page, PROMPT, IDLE);
    assert.equal(readFileSync(join(wt, 'draft.md'), 'utf8'), 'not committed yet\n');
    assert.equal(readFileSync(join(wt, '.env'), 'utf8'), 'TOKEN=keep-me\n');
  });

  await t.test('Delete offers Undo, which brings the task, its branch and its files back', async () => {
    await runCommand(page, 'Foundry: Delete Task');
    await pickQuickItem(page, PROMPT);
    const toast = notification(page, `Deleted "${PROMPT}"`);
    await toast.waitFor({ state: 'visible' });
    assert.equal(existsSync(wt), false, 'the worktree is removed');
    assert.equal(execFileSync('git', ['-C', f.repoPath, 'branch', '--list', BRANCH], { encoding: 'utf8' }).trim(), '', 'the branch is removed');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await waitForTreeDescription(page, PROMPT, IDLE);
    assert.ok(execFileSync('git', ['-C', f.repoPath, 'branch', '--list', BRANCH], { encoding: 'utf8' }).trim(), 'the branch is back');
    assert.equal(readFileSync(join(wt, 'draft.md'), 'utf8'), 'not committed yet\n');
  });
});
