// What the explorer shows for a task in a remote sandbox: the provider's stage labels, Waking
// sandbox…, the sandbox's state and how long it has run, its trouble, and the actions its row offers
// (Bring Changes Local in place of Open Worktree in New Window).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SandboxInfo, StageInfo, TaskSummary } from '../../../shared/protocol';
import { SecretValues } from '../../src/agents/redaction';
import { worktreeWindow } from '../../src/commands/worktreeWindow';
import { DaytonaKey, DaytonaKeyName } from '../../src/sandboxes/daytonaKey';
import { daytonaSidecarSettings, readDaytonaConfig } from '../../src/sandboxes/daytonaSettings';
import { formatDuration, hasSandbox } from '../../src/sandboxes/sandboxPresentation';
import { filesRootOf } from '../../src/review/filesRoot';
import { countTasks, statusText } from '../../src/views/statusText';
import { SpinnerIcon, taskDescription, taskRow, taskTooltip } from '../../src/views/taskPresentation';
import { WorkbenchStore } from '../../src/workbenchStore';
import { task, workbench } from './fixtures';
import { menuActions } from './menus';

const NOW = 10_000_000;
const MIN = 60_000;

/** The daytona stages as the sidecar declares them (server/src/providers/stages.ts), with labels of its own. */
const DaytonaStages: StageInfo[] = [
  { id: 'init_ensure_name', label: 'Naming branch' },
  { id: 'init_allocate_sandbox', label: 'Allocating Daytona sandbox' },
  { id: 'init_prepare_repo', label: 'Uploading repository' },
  { id: 'init_check_agent', label: 'Checking sandbox-agent' },
  { id: 'init_create_session', label: 'Starting session' },
];

function remote(sandbox: Partial<SandboxInfo> | undefined, overrides: Partial<TaskSummary> = {}): TaskSummary {
  return task({
    provider: 'daytona',
    stages: DaytonaStages,
    ...(sandbox ? { sandbox: { provider: 'daytona', id: 'sbx-42', state: 'started', uptimeMs: 0, ...sandbox } } : {}),
    ...overrides,
  });
}

const markdown = (t: TaskSummary) => taskTooltip(t, 'demo-repo', NOW);
const actions = (t: TaskSummary) => menuActions('foundry.tasks', taskRow(t, 'demo-repo').contextValue, 'menu');

test("a provisioning task names its stage with its provider's label, and falls back to the protocol's", () => {
  const allocating = remote(undefined, { status: 'init_allocate_sandbox' });
  assert.equal(taskDescription(allocating, NOW), 'Allocating Daytona sandbox · Daytona');
  assert.deepEqual(taskRow(allocating, 'demo-repo').icon, SpinnerIcon);
  assert.match(markdown(allocating), /Status: Allocating Daytona sandbox/);
  assert.match(markdown(allocating), /Daytona sandbox: not allocated yet/);
  // A stage the provider did not label (an older sidecar): the protocol's label.
  assert.equal(taskDescription(remote(undefined, { status: 'init_run_setup' }), NOW), 'Running setup script · Daytona');
  // A local task: its own stages, no provider suffix.
  assert.equal(taskDescription(task({ status: 'init_create_sandbox', stages: [{ id: 'init_create_sandbox', label: 'Making the worktree' }] }), NOW), 'Making the worktree');
});

test('a task whose stopped sandbox starts again for a message spins and says Waking sandbox…', () => {
  const waking = remote({ state: 'starting', uptimeMs: 5 * MIN }, { status: 'waking' });
  const row = taskRow(waking, 'demo-repo');
  assert.deepEqual(row.icon, SpinnerIcon);
  assert.match(row.description ?? '', /^Waking sandbox… · Daytona · starting/);
  assert.match(markdown(waking), /Status: Waking sandbox…/);
  // The status bar counts it as busy, not as nothing.
  const store = new WorkbenchStore();
  store.reset(workbench(1, [waking]));
  assert.equal(statusText('running', countTasks(store)), '$(loading~spin) Foundry: 1 running');
});

test('a running sandbox shows how long it has run in all, a stopped one how long it ran', () => {
  // 50 minutes of earlier runs, and the current run started 12 minutes ago.
  const running = remote({ state: 'started', startedAt: NOW - 12 * MIN, uptimeMs: 50 * MIN }, { changes: { files: 1, added: 4, removed: 0 } });
  assert.equal(taskDescription(running, NOW), '+4 -0 · Daytona · up 1h 2m');
  assert.match(markdown(running), /\$\(cloud\) Daytona sandbox `sbx\\-42`: up 1h 2m/);
  const stopped = remote({ state: 'stopped', uptimeMs: 63 * MIN });
  assert.equal(taskDescription(stopped, NOW), 'Idle · Daytona · stopped (ran 1h 3m)');
  assert.match(markdown(stopped), /stopped \\\(ran 1h 3m\\\)/);
  assert.match(markdown(stopped), /the next message starts it again/);
  assert.equal(taskDescription(remote({ state: 'stopped', uptimeMs: 0 }), NOW), 'Idle · Daytona · stopped');
  // A local task says nothing about sandboxes.
  assert.equal(taskDescription(task(), NOW), 'Idle');
  assert.doesNotMatch(taskTooltip(task(), 'demo-repo', NOW), /sandbox/i);
});

test('durations read roughly: seconds, minutes, hours and minutes, days and hours', () => {
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(12 * MIN + 59_000), '12m');
  assert.equal(formatDuration(60 * MIN), '1h');
  assert.equal(formatDuration(63 * MIN), '1h 3m');
  assert.equal(formatDuration(26 * 60 * MIN), '1d 2h');
  assert.equal(formatDuration(-5), '0s');
});

test('a sandbox in error or lost says so in the row, with a warning icon and its reason on hover', () => {
  const lost = remote({ state: 'lost', uptimeMs: 3 * MIN, error: 'Daytona has no sandbox sbx-42 any more' });
  const row = taskRow(lost, 'demo-repo');
  assert.equal(taskDescription(lost, NOW), 'Idle · Daytona · sandbox lost');
  assert.deepEqual(row.icon, { id: 'warning', color: 'list.warningForeground' });
  assert.match(markdown(lost), /\$\(error\) Daytona has no sandbox sbx\\-42 any more/);
  const failed = remote({ state: 'error' });
  assert.equal(taskDescription(failed, NOW), 'Idle · Daytona · sandbox error');
  assert.match(markdown(failed), /\$\(error\) The sandbox failed\\\./);
  // A failed task keeps its error icon; the sandbox's trouble is still in the description.
  assert.deepEqual(taskRow(remote({ state: 'error' }, { status: 'error' }), 'demo-repo').icon, { id: 'error', color: 'list.errorForeground' });
});

test("a remote task's row offers Bring Changes Local in place of Open Worktree in New Window", () => {
  const local = task({ worktreePath: '/tmp/wt/t1' });
  assert.ok(actions(local).includes('openWorktreeInNewWindow'));
  assert.ok(!actions(local).includes('bringChangesLocal'));
  const idle = remote({ state: 'stopped', uptimeMs: MIN });
  assert.match(taskRow(idle, 'demo-repo').contextValue, /^task:idle:remote$/);
  assert.ok(actions(idle).includes('bringChangesLocal'));
  assert.ok(!actions(idle).includes('openWorktreeInNewWindow'), 'no worktree here to open');
  assert.ok(!actions(idle).includes('commit'), 'the worktree-only ship actions are not offered');
  assert.ok(actions(remote({ state: 'started' }, { status: 'running' })).includes('bringChangesLocal'));
  // Nothing to bring while the sandbox is being made, or once the task is archived.
  assert.ok(!actions(remote(undefined, { status: 'init_prepare_repo' })).includes('bringChangesLocal'));
  assert.ok(!actions(remote({ state: 'deleted' }, { status: 'archived' })).includes('bringChangesLocal'));
  // Review comments still add their flag after it.
  assert.ok(menuActions('foundry.tasks', taskRow(remote({}, { reviewComments: 2 }), 'r').contextValue, 'menu').includes('sendReviewComments'));
});

test('Open Worktree on a remote task points to Bring Changes Local instead of "not created yet"', () => {
  const opened = worktreeWindow(remote({ state: 'started' }));
  assert.ok('notice' in opened);
  assert.match(opened.notice, /runs in a Daytona sandbox: it has no worktree on this machine\. "Bring Changes Local"/);
});

test('the Daytona settings reach the sidecar only when valid; the auto-stop default is 15 minutes', () => {
  const reader = (values: Record<string, unknown>) => ({ get: <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback) });
  assert.deepEqual(daytonaSidecarSettings(readDaytonaConfig(reader({}))), { daytona: { autoStopMinutes: 15 } });
  assert.deepEqual(
    daytonaSidecarSettings(readDaytonaConfig(reader({ 'daytona.apiUrl': ' https://daytona.example.com/api/ ', 'daytona.target': 'eu', 'daytona.autoStopMinutes': 0 }))),
    { daytona: { apiUrl: 'https://daytona.example.com/api', target: 'eu', autoStopMinutes: 0 } },
  );
  // Not a URL, a negative minute count: left out, so the sidecar's defaults apply and the others still go.
  assert.deepEqual(daytonaSidecarSettings(readDaytonaConfig(reader({ 'daytona.apiUrl': 'daytona', 'daytona.target': 'us', 'daytona.autoStopMinutes': -3 }))), { daytona: { target: 'us' } });
});

test('the Daytona API key is redacted from whatever the log writes, once stored or read', async () => {
  // VS Code's SecretStorage cannot run in plain Node: a Map holds the entries here (e2e runs the real one).
  const entries = new Map<string, string>();
  const secrets = {
    get: async (k: string) => entries.get(k),
    store: async (k: string, v: string) => void entries.set(k, v),
    delete: async (k: string) => void entries.delete(k),
  } as unknown as import('vscode').SecretStorage;
  const values = new SecretValues();
  await new DaytonaKey(secrets, values).set('dtn_0123456789abcdef');
  assert.equal(entries.get(DaytonaKeyName), 'dtn_0123456789abcdef');
  const traced = 'Sending request foundry/setProviderCredentials {"provider":"daytona","apiKey":"dtn_0123456789abcdef"}';
  assert.equal(values.redact(traced), 'Sending request foundry/setProviderCredentials {"provider":"daytona","apiKey":"***"}');
  // A later window reads it back: redacted there too.
  const fresh = new SecretValues();
  assert.equal(await new DaytonaKey(secrets, fresh).get(), 'dtn_0123456789abcdef');
  assert.doesNotMatch(fresh.redact(traced), /dtn_/);
  // An empty box clears it.
  await new DaytonaKey(secrets, values).set('');
  assert.equal(entries.has(DaytonaKeyName), false);
  assert.equal(await new DaytonaKey(secrets, values).get(), '');
});

test('a remote sandbox that is allocated and not gone has a ship row, changes and files shown through foundry: documents; one not yet allocated, lost or deleted has none', () => {
  const up = remote({ id: 'sbx-1', state: 'started', startedAt: NOW - MIN });
  assert.equal(hasSandbox(up), true);
  assert.deepEqual(filesRootOf(up), { root: `/foundry-sandbox/${up.id}`, local: false });
  assert.equal(hasSandbox(remote({ id: 'sbx-1', state: 'stopped' })), true, 'a stopped one wakes for the request');
  for (const gone of [remote(undefined), remote({ state: 'creating' }), remote({ id: 'sbx-1', state: 'lost' }), remote({ id: 'sbx-1', state: 'deleted' })]) {
    assert.equal(hasSandbox(gone), false, JSON.stringify(gone.sandbox));
    assert.equal(filesRootOf(gone), undefined);
  }
  const local = task({ worktreePath: '/work/wt' });
  assert.deepEqual(filesRootOf(local), { root: '/work/wt', local: true });
});
