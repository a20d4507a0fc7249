// Review comments as the extension shows them: which documents take comments (the `foundry:` diff
// sides and a task's worktree files, nothing else), the "2 review comments" row and the sessions
// they can go to, and (through package.json's menus) where Send Review Comments is offered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeDiffQuery } from '../../src/review/reviewPresentation';
import { commentTarget, lineTextOf, reviewCommentsLabel, reviewCommentsRow, sameTarget, sentMessage, sessionsForComments } from '../../src/review/reviewCommentsPresentation';
import { taskRow } from '../../src/views/taskPresentation';
import { session, task } from './fixtures';
import { menuActions } from './menus';

const tasks = [task({ id: 't1', worktreePath: '/data/worktrees/t1' }), task({ id: 't2', worktreePath: '/data/worktrees/t2-long' }), task({ id: 't3', worktreePath: '/data/worktrees/t3', status: 'archived' })];
const foundry = (query: Parameters<typeof encodeDiffQuery>[0]) => ({ scheme: 'foundry', fsPath: '/ignored', query: encodeDiffQuery(query) });
const file = (fsPath: string) => ({ scheme: 'file', fsPath, query: '' });

test('both sides of a foundry: diff take comments, named by their query', () => {
  assert.deepEqual(commentTarget(foundry({ taskId: 't1', path: 'src/a.ts', side: 'original', against: 'base' }), tasks), { taskId: 't1', path: 'src/a.ts', side: 'original' });
  assert.deepEqual(commentTarget(foundry({ taskId: 't2', path: 'b.md', side: 'modified', against: 'head' }), tasks), { taskId: 't2', path: 'b.md', side: 'modified' });
  assert.equal(commentTarget(foundry({ taskId: 'gone', path: 'a', side: 'original', against: 'base' }), tasks), undefined, 'a task the window does not know');
  assert.equal(commentTarget(foundry({ taskId: 't3', path: 'a', side: 'original', against: 'base' }), tasks), undefined, 'an archived task takes none');
  assert.equal(commentTarget({ scheme: 'foundry', fsPath: '/x', query: 'taskId=t1' }, tasks), undefined, 'a malformed query');
});

test("a file of a task's worktree is the modified side; other files, .git and other schemes take none", () => {
  assert.deepEqual(commentTarget(file('/data/worktrees/t1/src/deep/a.ts'), tasks), { taskId: 't1', path: 'src/deep/a.ts', side: 'modified' });
  assert.deepEqual(commentTarget(file('/data/worktrees/t2-long/x.txt'), tasks), { taskId: 't2', path: 'x.txt', side: 'modified' });
  assert.equal(commentTarget(file('/data/worktrees/t1-other/x.txt'), tasks), undefined, 'a folder whose name starts like a worktree');
  assert.equal(commentTarget(file('/data/worktrees/t1/.git/config'), tasks), undefined);
  assert.equal(commentTarget(file('/data/worktrees/t3/a.txt'), tasks), undefined, 'archived');
  assert.equal(commentTarget(file('/home/me/project/a.txt'), tasks), undefined);
  assert.equal(commentTarget({ scheme: 'untitled', fsPath: '/data/worktrees/t1/a.txt', query: '' }, tasks), undefined);
  assert.deepEqual(commentTarget(file('C:\\w\\t9\\src\\a.ts'), [task({ id: 't9', worktreePath: 'C:\\w\\t9' })], '\\'), { taskId: 't9', path: 'src/a.ts', side: 'modified' }, 'Windows paths');
  assert.ok(sameTarget({ taskId: 't1', path: 'a', side: 'modified' }, { taskId: 't1', path: 'a', side: 'modified' }));
  assert.ok(!sameTarget({ taskId: 't1', path: 'a', side: 'modified' }, { taskId: 't1', path: 'a', side: 'original' }));
});

test('the count row shows only while comments wait, and the task row then offers Send Review Comments', () => {
  assert.equal(reviewCommentsRow(task({ worktreePath: '/w' })), undefined);
  const row = reviewCommentsRow(task({ worktreePath: '/w', reviewComments: 2 }))!;
  assert.equal(row.label, '2 review comments');
  assert.equal(reviewCommentsLabel(1), '1 review comment');
  assert.deepEqual(menuActions('foundry.tasks', row.contextValue, 'inline'), ['sendReviewComments']);
  const withComments = taskRow(task({ worktreePath: '/w', reviewComments: 2 }), undefined);
  assert.equal(withComments.contextValue, 'task:idle:worktree:comments');
  assert.ok(menuActions('foundry.tasks', withComments.contextValue, 'menu').includes('sendReviewComments'));
  assert.ok(menuActions('foundry.tasks', withComments.contextValue, 'menu').includes('openWorktreeInNewWindow'), 'the other actions stay');
  assert.ok(!menuActions('foundry.tasks', taskRow(task({ worktreePath: '/w' }), undefined).contextValue, 'menu').includes('sendReviewComments'), 'none without comments');
});

test('comments go to open sessions only; the line text is cut to what the protocol takes', () => {
  const t = task({ sessions: [session({ id: 'a', status: 'ready' }), session({ id: 'b', status: 'closed' }), session({ id: 'c', status: 'running' }), session({ id: 'd', status: 'error' })] });
  assert.deepEqual(sessionsForComments(t).map((s) => s.id), ['a', 'c']);
  assert.equal(lineTextOf('x'.repeat(2500)).length, 2000);
  assert.equal(lineTextOf('  short  '), '  short  ');
  assert.equal(sentMessage(2, 'Chat 1', false), 'Foundry: sent 2 review comments to "Chat 1" as one message.');
  assert.match(sentMessage(1, 'Chat 2', true), /1 review comment to "Chat 2" .*queued/);
});
