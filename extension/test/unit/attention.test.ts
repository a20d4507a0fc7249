// What the Attention view lists and counts: which sessions need the user and why, in which order,
// how an item and a permission's options look, and which actions an item offers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PendingPermission } from '../../../shared/protocol';
import { attentionBadge, attentionItems, attentionSummary, clip } from '../../src/views/attention';
import { attentionRow, permissionOptionRow } from '../../src/views/attentionRows';
import { session, task } from './fixtures';
import { menuActions } from './menus';

const permission: PendingPermission = {
  requestId: 'perm_1',
  title: 'Write src/hello.txt',
  options: [
    { optionId: 'allow_once', name: 'Allow once', kind: 'allow_once' },
    { optionId: 'allow_always', name: 'Always allow', kind: 'allow_always' },
    { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
  ],
};

test('a session waiting on permission, a failed one, a stalled one and an unread one each need the user, most urgent first', () => {
  const tasks = [
    task({
      id: 'old',
      title: 'Old task',
      createdAt: 1,
      sessions: [
        session({ id: 'unread', taskId: 'old', name: 'Chat 1', unread: true }),
        session({ id: 'fine', taskId: 'old', name: 'Chat 2' }),
      ],
    }),
    task({
      id: 'new',
      title: 'New task',
      createdAt: 2,
      status: 'running',
      sessions: [
        session({ id: 'stalled', taskId: 'new', name: 'Chat 1', status: 'running', stalled: true }),
        session({ id: 'asks', taskId: 'new', name: 'Chat 2', status: 'needs_input', pendingPermission: permission }),
        session({ id: 'failed', taskId: 'new', name: 'Chat 3', status: 'error', errorMessage: 'Claude Code is not installed', agent: 'claude' }),
        session({ id: 'busy', taskId: 'new', name: 'Chat 4', status: 'running' }),
      ],
    }),
  ];
  const items = attentionItems(tasks);
  assert.deepEqual(
    items.map((i) => [i.sessionId, i.kind, i.reason]),
    [
      ['asks', 'needs_input', 'Write src/hello.txt'],
      ['failed', 'error', 'Claude Code is not installed'],
      ['stalled', 'stalled', 'No output from the agent for a while'],
      ['unread', 'unread', 'Finished while you were away'],
    ],
  );
  assert.deepEqual(items[0]?.permission, permission, 'the request travels with its item, for the options');
  assert.equal(items[1]?.taskTitle, 'New task');
});

test('a session counts once, for its most urgent reason; closed sessions and archived tasks never count', () => {
  const tasks = [
    task({ id: 't1', sessions: [session({ id: 'both', taskId: 't1', status: 'error', unread: true, errorMessage: 'boom' })] }),
    task({ id: 't2', sessions: [session({ id: 'closed', taskId: 't2', status: 'closed', unread: true })] }),
    task({ id: 't3', status: 'archived', sessions: [session({ id: 'archived', taskId: 't3', unread: true })] }),
  ];
  assert.deepEqual(
    attentionItems(tasks).map((i) => [i.sessionId, i.kind]),
    [['both', 'error']],
  );
  // Waiting on the user with no request to answer is not something the view can act on.
  assert.deepEqual(attentionItems([task({ sessions: [session({ status: 'needs_input' })] })]), []);
  assert.deepEqual(attentionItems([task()]), [], 'a ready, read session needs nothing');
});

test('a session waiting on a task whose provisioning failed needs the user, with the task error as its reason', () => {
  const failed = task({ status: 'error', errorMessage: 'Claude Code is not installed', agent: 'claude', sessions: [session({ status: 'pending_provision', agent: 'claude' })] });
  const [item] = attentionItems([failed]);
  assert.equal(item?.kind, 'error');
  assert.equal(item?.reason, 'Claude Code is not installed');
  assert.equal(item?.taskFailed, true);
  // Still provisioning is not a failure.
  assert.deepEqual(attentionItems([task({ status: 'init_create_sandbox', sessions: [session({ status: 'pending_provision' })] })]), []);
});

test('the badge and the status bar count what needs the user, and say nothing when nothing does', () => {
  assert.deepEqual(attentionBadge(2), { value: 2, tooltip: '2 sessions need you' });
  assert.deepEqual(attentionBadge(1), { value: 1, tooltip: '1 session needs you' });
  assert.equal(attentionBadge(0), undefined);
  assert.equal(attentionSummary(2), '2 need you');
  assert.equal(attentionSummary(1), '1 needs you');
  assert.equal(attentionSummary(0), '');
});

test('an item names the task, the session, the agent and why; a permission item expands to the agent own options', () => {
  const [item] = attentionItems([task({ title: 'Add a greeting', sessions: [session({ status: 'needs_input', pendingPermission: permission, name: 'Chat 2' })] })]);
  assert.ok(item);
  const row = attentionRow(item, { name: 'Demo' });
  assert.equal(row.label, 'Chat 2 — Add a greeting');
  assert.equal(row.description, 'Demo · Needs input: Write src/hello.txt');
  assert.equal(row.expanded, true);
  assert.equal(row.icon.id, 'question');
  assert.match(row.id, /perm_1/, 'a new request is a new row, shown expanded again');
  assert.deepEqual(
    permissionOptionRow(item, permission.options[0]!),
    {
      id: `attention:${item.sessionId}:perm_1:option:allow_once`,
      label: 'Allow once',
      icon: { id: 'check', color: 'testing.iconPassed' },
      tooltip: 'Answer "Write src/hello.txt" with "Allow once"',
      contextValue: 'attention:option:allow_once',
      expanded: false,
      ariaLabel: 'Allow once: answer Chat 2 of Add a greeting',
    },
  );
  assert.equal(permissionOptionRow(item, permission.options[2]!).icon.id, 'close');
  // Without the agent list (the sidecar not answered yet) the agent's id stands in.
  assert.equal(attentionRow(item, undefined).description, 'demo · Needs input: Write src/hello.txt');
});

test('a long task title and a long error are clipped to one line in the row, and kept whole in the tooltip', () => {
  const title = `Rewrite ${'the whole module '.repeat(10)}`;
  const error = `The agent process exited:\n${'stack line\n'.repeat(30)}`;
  const [item] = attentionItems([task({ title, sessions: [session({ status: 'error', errorMessage: error })] })]);
  assert.ok(item);
  const row = attentionRow(item, { name: 'Demo' });
  assert.ok(row.label.length <= 'Session 1 — '.length + 60, row.label);
  assert.ok(!row.description?.includes('\n'));
  assert.match(row.description ?? '', /…$/);
  assert.match((row.tooltip as { markdown: string }).markdown, /stack line/);
  assert.equal(clip('  a\n b  ', 10), 'a b');
  assert.equal(clip('abcdefghij', 5), 'abcd…');
});

test('a failed session whose agent is missing offers Install inline, one lacking credentials Configure; every failed one Retry', () => {
  const [item] = attentionItems([task({ sessions: [session({ status: 'error', agent: 'claude', errorMessage: 'Claude Code is not installed' })] })]);
  assert.ok(item);
  const install = attentionRow(item, { name: 'Claude Code', action: 'install' });
  assert.equal(install.contextValue, 'attention:error:install');
  assert.deepEqual(menuActions('foundry.attention', install.contextValue, 'inline'), ['attention.installAgent', 'openSession', 'retrySession']);
  const credentials = attentionRow(item, { name: 'Claude Code', action: 'set_credentials' });
  assert.deepEqual(menuActions('foundry.attention', credentials.contextValue, 'inline'), ['attention.configureAgent', 'openSession', 'retrySession']);
  assert.match((credentials.tooltip as { markdown: string }).markdown, /Configure Claude Code/);
  // A task whose provisioning failed on the missing agent: Install, then Retry Task (the session has nothing to retry).
  const [waiting] = attentionItems([task({ status: 'error', errorMessage: 'Claude Code is not installed', sessions: [session({ status: 'pending_provision', agent: 'claude' })] })]);
  assert.ok(waiting);
  const taskRow = attentionRow(waiting, { name: 'Claude Code', action: 'install' });
  assert.equal(taskRow.contextValue, 'attention:error:task:install');
  assert.deepEqual(menuActions('foundry.attention', taskRow.contextValue, 'inline'), ['attention.installAgent', 'openSession', 'retryTask']);
  assert.deepEqual(menuActions('foundry.attention', attentionRow(waiting, undefined).contextValue, 'inline'), ['openSession', 'retryTask']);
  const plain = attentionRow(item, { name: 'Claude Code' });
  assert.deepEqual(menuActions('foundry.attention', plain.contextValue, 'inline'), ['openSession', 'retrySession']);
  // An unread item only opens; an option row offers nothing but its click.
  const [unread] = attentionItems([task({ sessions: [session({ unread: true })] })]);
  assert.ok(unread);
  assert.deepEqual(menuActions('foundry.attention', attentionRow(unread, undefined).contextValue, 'inline'), ['openSession']);
  assert.deepEqual(menuActions('foundry.attention', 'attention:option:allow_once', 'inline'), []);
  assert.deepEqual(menuActions('foundry.attention', 'attention:option:allow_once', 'menu'), []);
});
