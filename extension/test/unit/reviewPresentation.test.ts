// What the review shows under a task: the Changes node, each changed file (mark, counts), the
// worktree's file tree, the branch's git state on the task's row, the `foundry:` diff documents'
// texts, and (through package.json's menus) which actions each row offers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileChange, TaskGitState } from '../../../shared/protocol';
import { gitDescription, gitTooltip, timeAgo } from '../../src/review/gitStatePresentation';
import {
  changeMark,
  changesKey,
  changesRow,
  decodeDiffQuery,
  diffSideText,
  diffTitle,
  encodeDiffQuery,
  fileChangeRow,
  filesRow,
  revertConfirmation,
  splitPath,
  treeEntryRow,
} from '../../src/review/reviewPresentation';
import { taskDescription, taskRow } from '../../src/views/taskPresentation';
import { task } from './fixtures';
import { menuActions } from './menus';

const change = (overrides: Partial<FileChange> = {}): FileChange => ({ path: 'src/app/main.ts', status: 'modified', added: 4, removed: 1, ...overrides });
const git = (overrides: Partial<TaskGitState> = {}): TaskGitState => ({ ahead: 0, behind: 0, refreshedAt: 5_000, ...overrides });

test('each change has the letter and colour of the Source Control view; an untracked new file is U', () => {
  assert.deepEqual(
    (['added', 'modified', 'deleted', 'renamed', 'typechange'] as const).map((s) => changeMark(s).letter),
    ['A', 'M', 'D', 'R', 'T'],
  );
  assert.equal(changeMark('added').color, 'gitDecoration.addedResourceForeground');
  assert.equal(changeMark('deleted').color, 'gitDecoration.deletedResourceForeground');
  assert.deepEqual(changeMark('added', true), { letter: 'U', color: 'gitDecoration.untrackedResourceForeground', title: 'Untracked' });
  // Only an added file can be untracked.
  assert.equal(changeMark('modified', true).letter, 'M');
});

test('the Changes node shows the counts, stays collapsed, and offers Open All Changes only when there are changes', () => {
  const some = changesRow(task({ changes: { files: 2, added: 12, removed: 3 } }), 'base');
  assert.equal(some.label, 'Changes');
  assert.equal(some.description, '+12 -3 · 2 files');
  assert.equal(some.collapsed, true, 'its files are fetched when the user expands it');
  assert.match(String(some.tooltip), /2 files changed against the base, \+12 -3/);
  assert.deepEqual(menuActions('foundry.tasks', some.contextValue, 'inline'), ['compareWithHead', 'openAllChanges']);

  const none = changesRow(task(), 'base');
  assert.equal(none.description, 'none');
  assert.deepEqual(menuActions('foundry.tasks', none.contextValue, 'inline'), ['compareWithHead']);

  // Comparing with HEAD: the toggle goes the other way, and the tooltip says what a diff shows.
  const head = changesRow(task({ changes: { files: 1, added: 1, removed: 0 } }), 'head');
  assert.deepEqual(menuActions('foundry.tasks', head.contextValue, 'inline'), ['compareWithBase', 'openAllChanges']);
  assert.match(String(head.tooltip), /against HEAD/);
  assert.equal(changesRow(task({ changes: { files: 1, added: 1, removed: 0 } }), 'base').description, '+1 -0 · 1 file');
});

test('a changed file shows its name, its folder and counts; binary files say so instead of counts', () => {
  const row = fileChangeRow('t1', change());
  assert.equal(row.label, 'main.ts');
  assert.equal(row.description, 'src/app · +4 -1');
  assert.equal(row.id, 'change:t1:src/app/main.ts');
  assert.match(String(row.tooltip), /^src\/app\/main\.ts\nModified, \+4 -1$/);
  assert.equal(fileChangeRow('t1', change({ path: 'README.md' })).description, '+4 -1', 'a file at the root has no folder part');
  const binary = fileChangeRow('t1', change({ path: 'logo.png', status: 'added', binary: true, added: 0, removed: 0, untracked: true }));
  assert.equal(binary.description, 'binary');
  assert.match(String(binary.tooltip), /Untracked, binary/);
  const renamed = fileChangeRow('t1', change({ path: 'src/new.ts', oldPath: 'src/old.ts', status: 'renamed' }));
  assert.match(String(renamed.tooltip), /^src\/old\.ts → src\/new\.ts\nRenamed/);
  assert.match(row.ariaLabel ?? '', /src\/app\/main\.ts, Modified, 4 lines added, 1 removed/);
});

test('a changed file offers Open File and Revert inline; a deleted one only Revert, and Open Changes in its menu', () => {
  const modified = fileChangeRow('t1', change()).contextValue;
  assert.deepEqual(menuActions('foundry.tasks', modified, 'inline'), ['openFile', 'revertFile']);
  assert.deepEqual(menuActions('foundry.tasks', modified, 'menu'), ['openFile', 'openFileDiff', 'revertFile']);
  const deleted = fileChangeRow('t1', change({ status: 'deleted' })).contextValue;
  assert.deepEqual(menuActions('foundry.tasks', deleted, 'inline'), ['revertFile']);
  assert.deepEqual(menuActions('foundry.tasks', deleted, 'menu'), ['openFileDiff', 'revertFile']);
});

test('the Files node and the worktree tree: folders collapse, changed files offer their diff and revert', () => {
  const files = filesRow(task({ worktreePath: '/wt/t1' }));
  assert.equal(files.collapsed, true);
  assert.match(String(files.tooltip), /\/wt\/t1/);
  const dir = treeEntryRow('t1', { name: 'src', path: 'src', type: 'directory' });
  assert.equal(dir.collapsed, true);
  assert.deepEqual(menuActions('foundry.tasks', dir.contextValue, 'inline'), []);
  const plain = treeEntryRow('t1', { name: 'a.txt', path: 'src/a.txt', type: 'file' });
  assert.equal(plain.collapsed, false);
  assert.deepEqual(menuActions('foundry.tasks', plain.contextValue, 'menu'), ['openFile']);
  const changed = treeEntryRow('t1', { name: 'b.txt', path: 'src/b.txt', type: 'file', change: 'added' });
  assert.match(String(changed.tooltip), /src\/b\.txt\nAdded/);
  assert.deepEqual(menuActions('foundry.tasks', changed.contextValue, 'inline'), ['openFileDiff']);
  assert.deepEqual(menuActions('foundry.tasks', changed.contextValue, 'menu'), ['openFile', 'openFileDiff', 'revertFile']);
  assert.equal(treeEntryRow('t1', { name: 'l', path: 'l', type: 'symlink' }).description, 'symlink');
});

test('a task with a worktree offers Open All Changes in its menu', () => {
  assert.ok(menuActions('foundry.tasks', taskRow(task({ worktreePath: '/wt/t1' }), 'r').contextValue, 'menu').includes('openAllChanges'));
  assert.ok(!menuActions('foundry.tasks', taskRow(task({ status: 'init_create_sandbox' }), 'r').contextValue, 'menu').includes('openAllChanges'));
});

test('the change lists go stale when the changes, the git state or the worktree move on, not otherwise', () => {
  const base = task({ worktreePath: '/wt/t1', changes: { files: 1, added: 2, removed: 0 }, git: git() });
  assert.equal(changesKey(base), changesKey({ ...base, title: 'Renamed', status: 'running', updatedAt: 9_999 }), 'a rename or a turn is no reason to fetch again');
  assert.notEqual(changesKey(base), changesKey({ ...base, changes: { files: 1, added: 3, removed: 0 } }));
  assert.notEqual(changesKey(base), changesKey({ ...base, git: git({ refreshedAt: 6_000 }) }));
  assert.notEqual(changesKey(base), changesKey({ ...base, git: undefined }));
  assert.notEqual(changesKey(base), changesKey({ ...base, worktreePath: undefined }));
});

test("the task's description and tooltip show the branch's git state", () => {
  const now = 10 * 3_600_000;
  assert.equal(gitDescription(undefined), '');
  assert.equal(gitDescription(git()), '', 'nothing to say when even with the base');
  assert.equal(gitDescription(git({ ahead: 2, behind: 1, mergesCleanly: false })), '↑2 ↓1 conflicts');
  const idle = task({ changes: { files: 1, added: 5, removed: 2 }, git: git({ ahead: 3 }) });
  assert.equal(taskDescription(idle), '+5 -2 · ↑3');
  assert.equal(taskDescription(task({ changes: { files: 1, added: 5, removed: 2 }, git: git() })), '+5 -2', 'unchanged without ahead/behind');
  assert.equal(taskDescription({ ...idle, status: 'running' }), 'Running');

  const tip = gitTooltip(
    git({ ahead: 1, behind: 4, mergesCleanly: true, upstream: { ref: 'origin/foundry/x', ahead: 0, behind: 2 }, lastCommit: { sha: '0123456789abcdef', subject: 'Add *greeting*', at: now - 2 * 3_600_000 } }),
    now,
  );
  assert.match(tip, /1 commit ahead of the base, 4 behind/);
  assert.match(tip, /`origin\/foundry\/x`: 0 ahead, 2 behind/);
  assert.match(tip, /Merges cleanly into the base/);
  assert.match(tip, /Last commit: `0123456` Add \\\*greeting\\\* \(2 hours ago\)/);
  assert.match(gitTooltip(git({ mergesCleanly: false }), now), /Does not merge cleanly into the base/);
  const row = taskRow(idle, 'r');
  assert.match((row.tooltip as { markdown: string }).markdown, /3 commits ahead of the base, 0 behind/);
});

test('time ago reads in words', () => {
  assert.equal(timeAgo(1_000, 30_000), 'just now');
  assert.equal(timeAgo(0, 60_000), '1 minute ago');
  assert.equal(timeAgo(0, 5 * 60_000 + 59_000), '5 minutes ago');
  assert.equal(timeAgo(0, 3_600_000), '1 hour ago');
  assert.equal(timeAgo(0, 3 * 86_400_000), '3 days ago');
  assert.equal(timeAgo(10_000, 0), 'just now', 'a clock a little behind is not a negative time');
});

test('a foundry: document names its task, side and comparison; anything else is refused with the reason', () => {
  const query = encodeDiffQuery({ taskId: 'task_1&x', path: 'src/a b&c.ts', side: 'original', against: 'head' });
  assert.deepEqual(decodeDiffQuery(query), { taskId: 'task_1&x', path: 'src/a b&c.ts', side: 'original', against: 'head' });
  assert.equal(decodeDiffQuery(''), 'the document names no task');
  assert.equal(decodeDiffQuery('taskId=t&side=original&against=base'), 'the document names no file');
  assert.match(String(decodeDiffQuery('taskId=t&path=a&side=left&against=base')), /side must be 'original' or 'modified', not "left"/);
  assert.match(String(decodeDiffQuery('taskId=t&path=a&side=original')), /against must be 'base' or 'head', not null/);
  assert.deepEqual(splitPath('a/b/c.ts'), { name: 'c.ts', dir: 'a/b' });
  assert.equal(diffTitle('src/hello.txt', 'base'), 'hello.txt (Base ↔ Worktree)');
  assert.equal(diffTitle('src/hello.txt', 'head'), 'hello.txt (HEAD ↔ Worktree)');
  assert.equal(diffTitle('src/hello.txt', 'base', false), 'hello.txt (Base ↔ Sandbox)', "a remote sandbox's file");
});

test('each side of a diff reads as the file, empty where it does not exist, or a notice for binary and large files', () => {
  assert.equal(diffSideText({ path: 'a', original: 'one\n', modified: 'two\n' }, 'original'), 'one\n');
  assert.equal(diffSideText({ path: 'a', original: 'one\n', modified: 'two\n' }, 'modified'), 'two\n');
  assert.equal(diffSideText({ path: 'a', original: null, modified: 'new\n' }, 'original'), '', 'an added file diffs against an empty side');
  assert.equal(diffSideText({ path: 'a', original: 'old\n', modified: null }, 'modified'), '', 'a deleted one too');
  const binary = { path: 'logo.png', original: null, modified: null, binary: true };
  assert.match(diffSideText(binary, 'original'), /logo\.png is a binary file: there is no text diff/);
  assert.equal(diffSideText(binary, 'original'), diffSideText(binary, 'modified'));
  assert.match(diffSideText({ path: 'big.log', original: null, modified: null, tooLarge: true }, 'modified'), /big\.log is larger than 5 MB/);
});

test('the revert confirmation says what happens to the file and that it can be undone', () => {
  for (const status of ['added', 'modified', 'deleted', undefined] as const) {
    const { message, detail } = revertConfirmation('src/a.txt', status);
    assert.equal(message, 'Revert src/a.txt?');
    assert.match(detail, /"Undo" in the notification that follows restores it/);
  }
  assert.match(revertConfirmation('a', 'added').detail, /reverting removes it/);
  assert.match(revertConfirmation('a', 'deleted').detail, /brings back its version on the base/);
});
