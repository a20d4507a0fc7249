// The status bar's words: work in progress (provisioning, running turns, and now repository
// actions: "Pushing…" for one, a count for several), errors, and what needs the user.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RepoAction } from '../../../shared/protocol';
import { WorkbenchStore } from '../../src/workbenchStore';
import { countTasks, statusText } from '../../src/views/statusText';
import { task, workbench } from './fixtures';

const action = (overrides: Partial<RepoAction>): RepoAction => ({ id: 'act_1', kind: 'push', status: 'running', repoId: 'repo_1', createdAt: 1, updatedAt: 1, ...overrides });

function storeOf(...tasks: ReturnType<typeof task>[]) {
  const store = new WorkbenchStore();
  store.reset(workbench(1, tasks));
  return store;
}

test('a push under way spins in the status bar as "Pushing…"; once it ended the bar settles', () => {
  const pushing = storeOf(task({ id: 't1', status: 'idle', lastAction: action({ taskId: 't1' }) }));
  assert.equal(statusText('running', countTasks(pushing)), '$(loading~spin) Foundry: Pushing…');
  const done = storeOf(task({ id: 't1', status: 'idle', lastAction: action({ taskId: 't1', status: 'succeeded' }) }));
  assert.equal(statusText('running', countTasks(done)), '$(check) Foundry');
});

test('several actions are counted beside running turns; a queued one counts too', () => {
  const store = storeOf(
    task({ id: 't1', status: 'running', lastAction: action({ id: 'a1', taskId: 't1', kind: 'commit', status: 'queued' }) }),
    task({ id: 't2', status: 'idle', lastAction: action({ id: 'a2', taskId: 't2', kind: 'create_pull_request' }) }),
  );
  assert.equal(statusText('running', countTasks(store)), '$(loading~spin) Foundry: 1 running, 2 repository actions');
});
