// What the task explorer shows for a repository, a task and a session: labels, descriptions, icons,
// tooltips, the badge, and (through package.json's menus) which actions a row offers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProvisionStages, statusLabel } from '../../../shared/protocol';
import {
  changesLabel,
  formatBytes,
  repoRow,
  sessionRow,
  shelfRow,
  sortRepos,
  SpinnerIcon,
  taskDescription,
  taskRow,
  taskTooltip,
  type Row,
} from '../../src/views/taskPresentation';
import { repo, session, task } from './fixtures';
import { menuActions } from './menus';

const markdown = (row: Row): string => {
  assert.equal(typeof row.tooltip, 'object', `${row.id} has a markdown tooltip`);
  return (row.tooltip as { markdown: string }).markdown;
};

test('an idle task shows its change count, or Idle when it has none', () => {
  assert.equal(taskRow(task({ changes: { files: 2, added: 12, removed: 3 } }), 'demo-repo').description, '+12 -3');
  assert.equal(taskRow(task(), 'demo-repo').description, 'Idle');
  // A changed file with no line counted (a binary or an empty file) still counts as a change.
  assert.equal(changesLabel(task({ changes: { files: 1, added: 0, removed: 0 } })), '+0 -0');
  const row = taskRow(task({ changes: { files: 2, added: 12, removed: 3 } }), 'demo-repo');
  assert.deepEqual(row.icon, { id: 'git-branch' });
  assert.match(markdown(row), /2 files changed, \+12 -3/);
});

test('a provisioning task spins and names its stage, and its tooltip says what the stage is doing', () => {
  for (const stage of ProvisionStages) {
    const row = taskRow(task({ status: stage, changes: { files: 5, added: 1, removed: 1 } }), 'demo-repo');
    assert.deepEqual(row.icon, SpinnerIcon, stage);
    assert.equal(row.description, statusLabel[stage], 'the stage name, not the change count');
  }
  const row = taskRow(task({ status: 'init_create_sandbox', statusMessage: 'git worktree add' }), 'demo-repo');
  assert.equal(row.description, 'Creating worktree');
  assert.match(markdown(row), /Status: Creating worktree - git worktree add/);
});

test('running and archiving tasks spin; an archived task shows the archive icon', () => {
  assert.deepEqual(taskRow(task({ status: 'running' }), undefined).icon, SpinnerIcon);
  assert.equal(taskDescription(task({ status: 'running' })), 'Running');
  assert.deepEqual(taskRow(task({ status: 'archive_remove_sandbox' }), undefined).icon, SpinnerIcon);
  assert.deepEqual(taskRow(task({ status: 'archived' }), undefined).icon, { id: 'archive' });
});

test('a failed task shows the error icon, and its error message on hover', () => {
  const row = taskRow(task({ status: 'error', errorMessage: 'setup script exited with code 3', statusMessage: 'running setup' }), 'demo-repo');
  assert.deepEqual(row.icon, { id: 'error', color: 'list.errorForeground' });
  assert.equal(row.description, 'Error');
  const tooltip = markdown(row);
  assert.match(tooltip, /\$\(error\) setup script exited with code 3/);
  assert.doesNotMatch(tooltip, /running setup/, 'a stale stage message is not shown next to the error');
  assert.match(markdown(taskRow(task({ status: 'error' }), undefined)), /\$\(error\) Provisioning failed\\\./);
});

test('text from the task is escaped in tooltips: markdown in a title or an error shows as written', () => {
  const tooltip = markdown(
    taskRow(task({ status: 'error', title: '*bold* [link](command:foundry.restartSidecar)', errorMessage: 'bad `x` $(zap)' }), 'demo-repo'),
  );
  assert.ok(tooltip.includes('\\*bold\\* \\[link\\]\\(command:foundry\\.restartSidecar\\)'), tooltip);
  assert.ok(tooltip.includes('bad \\`x\\` \\$\\(zap\\)'), tooltip);
  assert.ok(!tooltip.includes('](command:'), 'no command link survives');
});

test('the task tooltip names the branch, the repository and the agent', () => {
  const tooltip = markdown(taskRow(task({ branch: 'foundry/fix', agent: 'demo' }), 'demo-repo'));
  assert.match(tooltip, /^\*\*Fix the bug\*\*/);
  assert.match(tooltip, /\$\(git-branch\) `foundry\/fix` in demo\\-repo/);
  assert.match(tooltip, /Agent: demo$/);
  assert.match(tooltip, /0 files changed, \+0 -0/);
});

test('an unread session shows the dot and says unread; reading it clears both', () => {
  const unread = sessionRow(session({ unread: true }), task());
  assert.deepEqual(unread.icon, { id: 'circle-filled', color: 'notificationsInfoIcon.foreground' });
  assert.equal(unread.description, 'Ready · unread');
  assert.match(markdown(unread), /Status: Ready - unread/);
  const read = sessionRow(session({ unread: false }), task());
  assert.deepEqual(read.icon, { id: 'comment-discussion' });
  assert.equal(read.description, 'Ready');
});

test('a session spins while it waits on provisioning or runs a turn, but not behind a failed task', () => {
  assert.deepEqual(sessionRow(session({ status: 'pending_provision' }), task({ status: 'init_ensure_agent' })).icon, SpinnerIcon);
  assert.deepEqual(sessionRow(session({ status: 'pending_session_create' }), task()).icon, SpinnerIcon);
  assert.deepEqual(sessionRow(session({ status: 'running' }), task({ status: 'running' })).icon, SpinnerIcon);
  const blocked = sessionRow(session({ status: 'pending_provision' }), task({ status: 'error' }));
  assert.deepEqual(blocked.icon, { id: 'circle-large-outline' });
  assert.equal(blocked.description, 'Preparing environment');
});

test('a failed session shows the error icon and its message; a closed one the closed icon', () => {
  const failed = sessionRow(session({ status: 'error', errorMessage: 'agent exited' }), task());
  assert.deepEqual(failed.icon, { id: 'error', color: 'list.errorForeground' });
  assert.match(markdown(failed), /\$\(error\) agent exited/);
  assert.match(markdown(sessionRow(session({ status: 'error' }), task())), /The agent session failed\\\./);
  assert.deepEqual(sessionRow(session({ status: 'closed' }), task()).icon, { id: 'circle-slash' });
  assert.match(markdown(sessionRow(session({ agent: 'demo', model: 'm-1' }), task())), /^\*\*Session 1\*\* \(demo, m\\-1\)/);
});

test('repositories are sorted by name; one without active tasks is collapsed and says so', () => {
  assert.deepEqual(
    sortRepos([repo({ id: 'b', name: 'zeta' }), repo({ id: 'a', name: 'alpha' })]).map((r) => r.name),
    ['alpha', 'zeta'],
  );
  const empty = repoRow(repo({ setupScript: 'npm ci' }), 0);
  assert.equal(empty.description, 'no tasks');
  assert.equal(empty.expanded, false);
  assert.equal(empty.tooltip, '/work/demo-repo\nDefault branch: main\nHas a setup script');
  const busy = repoRow(repo(), 2);
  assert.equal(busy.description, undefined);
  assert.equal(busy.expanded, true);
});

test('a repository row shows its instant sandbox pool; its tooltip, a failed pool setup', () => {
  const filling = repoRow(repo({ pool: { size: 2, ready: 1, creating: 1, failed: 0 } }), 1);
  assert.equal(filling.description, 'pool 1/2 ready, 1 creating');
  const empty = repoRow(repo({ pool: { size: 1, ready: 1, creating: 0, failed: 0 } }), 0);
  assert.equal(empty.description, 'no tasks · pool 1/1 ready');
  const failed = repoRow(repo({ pool: { size: 1, ready: 0, creating: 0, failed: 1, error: 'Setup script exited with code 4' } }), 1);
  assert.equal(failed.description, 'pool 0/1 ready, setup failed');
  assert.match(String(failed.tooltip), /Last pool setup failure: Setup script exited with code 4/);
  // The pool off: nothing about it.
  assert.equal(repoRow(repo({ pool: { size: 0, ready: 0, creating: 0, failed: 0 } }), 1).description, undefined);
});

test('disk use shows on the repository row and in a task tooltip; archived tasks keep the repository expandable under their group', () => {
  const measured = repoRow(repo({ diskBytes: 5 * 1024 * 1024 }), 1);
  assert.equal(measured.description, '5.0 MB');
  assert.match(String(measured.tooltip), /Disk: 5\.0 MB in its task worktrees/);
  assert.match(taskTooltip(task({ diskBytes: 2048 }), 'demo'), /Disk: 2\.0 KB/);
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(15 * 1024), '15 KB');
  const onlyArchived = repoRow(repo(), 0, 1);
  assert.equal(onlyArchived.expanded, true, 'the Archived group is reachable');
  const shelf = shelfRow('r1', 'archived', 3);
  assert.equal(shelf.label, 'Archived');
  assert.equal(shelf.description, '3');
  assert.equal(shelf.collapsed, true);
  assert.deepEqual(actions(shelfRow('r1', 'deleted', 1), 'inline'), ['purgeDeletedTasks']);
  assert.deepEqual(actions(shelf, 'menu'), ['cleanUp']);
});

// ---------------------------------------------------------------------------
// Actions: a row's contextValue against the `view/item/context` menus in package.json
// ---------------------------------------------------------------------------

/** The commands a row offers, inline (the buttons on hover) or in its context menu. */
const actions = (row: Row, where: 'inline' | 'menu'): string[] => menuActions('foundry.tasks', row.contextValue, where);

test('a failed task offers Retry inline; an idle one offers a new session, and Open Worktree and Open All Changes once it has one', () => {
  assert.deepEqual(actions(taskRow(task({ status: 'error' }), undefined), 'inline'), ['newSession', 'retryTask']);
  assert.deepEqual(actions(taskRow(task({ worktreePath: '/w/t1' }), undefined), 'inline'), ['newSession']);
  assert.deepEqual(actions(taskRow(task({ worktreePath: '/w/t1' }), undefined), 'menu'), [
    'applyToCheckout',
    'archiveTask',
    'commit',
    'createPullRequest',
    'deleteTask',
    'fetch',
    'mergeBaseIn',
    'newSession',
    'openAllChanges',
    'openWorktreeInNewWindow',
    'push',
    'rebaseOnBase',
    'renameTask',
    'showTaskLog',
  ]);
  assert.ok(!actions(taskRow(task(), undefined), 'menu').includes('openWorktreeInNewWindow'), 'no worktree yet, nothing to open');
});

test('an archived task offers Unarchive, Delete and its log; a deleted one Undo Delete; a closed session can still be opened but not closed again', () => {
  const archived = taskRow(task({ status: 'archived' }), undefined);
  assert.deepEqual(actions(archived, 'inline'), ['unarchiveTask']);
  assert.deepEqual(actions(archived, 'menu'), ['deleteTask', 'showTaskLog', 'unarchiveTask']);
  const deleted = taskRow(task({ status: 'deleted' }), undefined);
  assert.deepEqual(actions(deleted, 'inline'), ['undoDeleteTask']);
  assert.deepEqual(actions(deleted, 'menu'), ['showTaskLog', 'undoDeleteTask']);
  const archiving = taskRow(task({ status: 'archive_snapshot' }), undefined);
  assert.deepEqual(actions(archiving, 'menu'), ['showTaskLog'], 'nothing but the log while it archives');
  assert.deepEqual(actions(sessionRow(session({ status: 'closed' }), task()), 'menu'), ['openSession']);
  assert.deepEqual(actions(sessionRow(session({ status: 'error' }), task()), 'inline'), ['openSession', 'retrySession']);
  assert.deepEqual(actions(sessionRow(session({ unread: true }), task()), 'menu'), ['closeSession', 'openSession', 'renameSession']);
});
