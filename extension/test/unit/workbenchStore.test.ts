// The workbench store: what the tree, the status bar and the chat tabs see after a bootstrap and a
// stream of pushes, including pushes that arrive late, twice, or after a missed one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkbenchStore } from '../../src/workbenchStore';
import { repo, session, task, update, workbench } from './fixtures';

/** A store bootstrapped at `version` with `tasks`, and a count of its change events since then. */
function bootstrapped(version: number, tasks = [task()]) {
  const store = new WorkbenchStore();
  store.reset(workbench(version, tasks));
  const changes = { count: 0 };
  store.onDidChange(() => changes.count++);
  return { store, changes };
}

test('before the first bootstrap the store is empty, and a push cannot fill it', () => {
  const store = new WorkbenchStore();
  let changes = 0;
  store.onDidChange(() => changes++);
  assert.equal(store.loaded, false);
  assert.equal(store.apply(update(1, [task()])), 'stale');
  assert.equal(store.task('t1'), undefined);
  assert.deepEqual(store.activeTasks(), []);
  assert.equal(changes, 0);
});

test('reset shows the bootstrapped tasks, repositories and sessions, and tells the views once', () => {
  const store = new WorkbenchStore();
  let changes = 0;
  store.onDidChange(() => changes++);
  store.reset(workbench(7, [task({ id: 't1' }), task({ id: 't2', title: 'Second' })]));
  assert.equal(store.loaded, true);
  assert.equal(store.currentVersion, 7);
  assert.equal(changes, 1);
  assert.equal(store.repo('r1')?.name, 'demo-repo');
  assert.equal(store.task('t2')?.title, 'Second');
  assert.equal(store.session('t2-s1')?.task.id, 't2');
});

test('a second reset replaces everything: a task the sidecar no longer has disappears with its sessions', () => {
  const { store } = bootstrapped(3, [task({ id: 't1' }), task({ id: 't2' })]);
  store.reset(workbench(9, [task({ id: 't2' })]));
  assert.equal(store.currentVersion, 9);
  assert.equal(store.task('t1'), undefined);
  assert.equal(store.session('t1-s1'), undefined);
  assert.deepEqual(
    store.activeTasks().map((t) => t.id),
    ['t2'],
  );
});

test('the next version applies: changed tasks are replaced, new ones appear, the views are told', () => {
  const { store, changes } = bootstrapped(4);
  const result = store.apply(update(5, [task({ id: 't1', status: 'running' }), task({ id: 't2', title: 'New task' })]));
  assert.equal(result, 'applied');
  assert.equal(store.currentVersion, 5);
  assert.equal(store.task('t1')?.status, 'running');
  assert.equal(store.task('t2')?.title, 'New task');
  assert.equal(changes.count, 1);
});

test('a push at or below the current version is dropped: a late push never rolls a task back', () => {
  const { store, changes } = bootstrapped(4);
  assert.equal(store.apply(update(5, [task({ status: 'running' })])), 'applied');
  // The same version again, and an older one carrying an older state.
  assert.equal(store.apply(update(5, [task({ status: 'error' })])), 'stale');
  assert.equal(store.apply(update(3, [task({ status: 'init_create_sandbox' })], ['t1'])), 'stale');
  assert.equal(store.task('t1')?.status, 'running');
  assert.equal(store.currentVersion, 5);
  assert.equal(changes.count, 1, 'dropped pushes do not refresh the views');
});

test('a skipped version is a gap: nothing is applied, so the caller bootstraps again', () => {
  const { store, changes } = bootstrapped(4);
  assert.equal(store.apply(update(6, [task({ status: 'running' }), task({ id: 't2' })])), 'gap');
  assert.equal(store.currentVersion, 4, 'the version stays, so the missed one can still be detected');
  assert.equal(store.task('t1')?.status, 'idle');
  assert.equal(store.task('t2'), undefined);
  assert.equal(changes.count, 0);
  // The re-bootstrap at the sidecar's version, then the stream goes on from there.
  store.reset(workbench(6, [task({ status: 'running' }), task({ id: 't2' })]));
  assert.equal(store.apply(update(7, [task({ status: 'idle' })])), 'applied');
  assert.equal(store.task('t1')?.status, 'idle');
  assert.equal(store.task('t2')?.id, 't2');
});

test('removedTaskIds takes a task out of the tree, the pickers, the unread count and the session lookup', () => {
  const unreadTask = task({ id: 't2', sessions: [session({ id: 't2-s1', taskId: 't2', unread: true })] });
  const { store, changes } = bootstrapped(1, [task({ id: 't1' }), unreadTask]);
  assert.equal(store.unreadSessionCount(), 1);
  assert.equal(store.apply(update(2, [], ['t2'])), 'applied');
  assert.equal(store.task('t2'), undefined);
  assert.equal(store.session('t2-s1'), undefined);
  assert.equal(store.unreadSessionCount(), 0);
  assert.deepEqual(
    store.activeTasks().map((t) => t.id),
    ['t1'],
  );
  assert.equal(changes.count, 1);
  // Removing an id the store does not know is harmless.
  assert.equal(store.apply(update(3, [], ['unknown'])), 'applied');
  assert.equal(store.task('t1')?.id, 't1');
});

test('a session moved or dropped by a push is found under its new task only', () => {
  const { store } = bootstrapped(1, [task({ id: 't1', sessions: [session({ id: 'a', taskId: 't1' }), session({ id: 'b', taskId: 't1' })] })]);
  store.apply(update(2, [task({ id: 't1', sessions: [session({ id: 'a', taskId: 't1', name: 'Renamed' })] })]));
  assert.equal(store.session('a')?.session.name, 'Renamed');
  assert.equal(store.session('b'), undefined, 'a session the task no longer lists is gone');
});

test('active tasks: archived ones are left out, newest first, per repository', () => {
  const { store } = bootstrapped(1, [
    task({ id: 'old', createdAt: 1 }),
    task({ id: 'new', createdAt: 3 }),
    task({ id: 'archived', createdAt: 2, status: 'archived' }),
    task({ id: 'other', repoId: 'r2', createdAt: 4 }),
  ]);
  assert.deepEqual(
    store.activeTasks().map((t) => t.id),
    ['other', 'new', 'old'],
  );
  assert.deepEqual(
    store.activeTasks('r1').map((t) => t.id),
    ['new', 'old'],
  );
});

test('the unread count leaves out closed sessions and archived tasks', () => {
  const { store } = bootstrapped(1, [
    task({
      id: 't1',
      sessions: [session({ id: 'a', unread: true }), session({ id: 'b', unread: true, status: 'closed' }), session({ id: 'c', unread: false })],
    }),
    task({ id: 't2', status: 'archived', sessions: [session({ id: 'd', taskId: 't2', unread: true })] }),
  ]);
  assert.equal(store.unreadSessionCount(), 1);
});

test('a repository from AddRepo shows at once, and a later push updates it', () => {
  const { store, changes } = bootstrapped(1);
  store.upsertRepo(repo({ id: 'r2', name: 'second' }));
  assert.equal(store.repo('r2')?.name, 'second');
  assert.equal(changes.count, 1);
  store.apply({ ...update(2, []), repos: [repo({ id: 'r2', name: 'renamed' })] });
  assert.equal(store.repo('r2')?.name, 'renamed');
});

test('a listener that unsubscribed, or a disposed store, is not called again', () => {
  const store = new WorkbenchStore();
  let calls = 0;
  const subscription = store.onDidChange(() => calls++);
  store.reset(workbench(1, []));
  subscription.dispose();
  store.reset(workbench(2, []));
  assert.equal(calls, 1);
  store.onDidChange(() => calls++);
  store.dispose();
  store.reset(workbench(3, []));
  assert.equal(calls, 1);
});
