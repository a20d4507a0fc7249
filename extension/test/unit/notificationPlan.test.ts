// Which notifications a workbench change calls for: a session that starts waiting on permission,
// a long turn that finished while its tab was hidden; never twice, never in an unfocused window,
// never on the first look, and as the setting says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionSummary, TaskSummary } from '../../../shared/protocol';
import { formatDuration, LongTurnMs, parseLevel, planNotifications, type NotifyContext, type NotifyState } from '../../src/notifications/notificationPlan';
import { session, task } from './fixtures';

const cx = (o: Partial<NotifyContext> = {}): NotifyContext => ({
  now: 100_000,
  focused: true,
  level: 'all',
  longTurnMs: LongTurnMs,
  isTabVisible: () => false,
  agentName: (id) => (id === 'demo' ? 'Demo' : id),
  ...o,
});

const asking = (requestId: string, o: Partial<SessionSummary> = {}) =>
  session({
    status: 'needs_input',
    pendingPermission: { requestId, title: 'Write src/secret-plan.txt', options: [{ optionId: 'allow_once', name: 'Allow once', kind: 'allow_once' }] },
    ...o,
  });

const oneTask = (s: SessionSummary, o: Partial<TaskSummary> = {}) => [task({ id: 't1', title: 'Add a greeting', sessions: [{ ...s, id: 's1', taskId: 't1', name: 'Chat 1' }], ...o })];

/** Feed the states one after the other (at the given times); returns every notice and the last state. */
function run(steps: { tasks: TaskSummary[]; at?: number; o?: Partial<NotifyContext> }[]): { notices: string[]; state: NotifyState | undefined } {
  let state: NotifyState | undefined;
  const notices: string[] = [];
  for (const step of steps) {
    const plan = planNotifications(state, step.tasks, cx({ ...(step.at === undefined ? {} : { now: step.at }), ...step.o }));
    state = plan.state;
    notices.push(...plan.notices.map((n) => `${n.kind} ${n.sessionId}: ${n.message}`));
  }
  return { notices, state };
}

test('a session that starts asking for permission notifies once, naming the session, task and agent but not the request', () => {
  const { notices } = run([{ tasks: oneTask(session({ status: 'running' })) }, { tasks: oneTask(asking('perm_1')) }, { tasks: oneTask(asking('perm_1')) }]);
  assert.deepEqual(notices, ['needs_input s1: Foundry: "Chat 1" in "Add a greeting" (Demo) needs your input.']);
  assert.ok(!notices[0]?.includes('secret-plan'), 'what the agent asks may hold anything: it stays out of the toast');
});

test('a second request in the same session notifies again; the same request seen after a gap or a re-bootstrap does not', () => {
  const { notices } = run([
    { tasks: oneTask(session({ status: 'running' })) },
    { tasks: oneTask(asking('perm_1')) },
    { tasks: oneTask(session({ status: 'running' })) },
    { tasks: oneTask(asking('perm_1')) },
    { tasks: oneTask(asking('perm_2')) },
  ]);
  assert.deepEqual(
    notices.map((n) => n.split(':')[0]),
    ['needs_input s1', 'needs_input s1'],
  );
});

test('the first look only records: a reload with a request already pending does not notify', () => {
  const { notices, state } = run([{ tasks: oneTask(asking('perm_1')) }]);
  assert.deepEqual(notices, []);
  assert.equal(state?.sessions.get('s1')?.requestId, 'perm_1');
});

test('an unfocused window, a visible tab, or the setting off shows nothing, and the request is not shown later either', () => {
  for (const o of [{ focused: false }, { isTabVisible: (id: string) => id === 's1' }, { level: 'off' as const }]) {
    const { notices } = run([
      { tasks: oneTask(session({ status: 'running' })) },
      { tasks: oneTask(asking('perm_1')), o },
      { tasks: oneTask(asking('perm_1')) },
    ]);
    assert.deepEqual(notices, [], JSON.stringify(Object.keys(o)));
  }
  // `needsInput` still asks.
  const { notices } = run([{ tasks: oneTask(session({ status: 'running' })) }, { tasks: oneTask(asking('perm_1')), o: { level: 'needsInput' } }]);
  assert.equal(notices.length, 1);
});

test('a turn seen start that ends after the threshold with its tab hidden notifies once; a short one does not', () => {
  const long = run([
    { tasks: oneTask(session({ status: 'ready' })), at: 0 },
    { tasks: oneTask(session({ status: 'running' })), at: 1_000 },
    { tasks: oneTask(asking('perm_1')), at: 5_000 },
    { tasks: oneTask(session({ status: 'running' })), at: 20_000 },
    { tasks: oneTask(session({ status: 'ready', unread: true })), at: 1_000 + LongTurnMs + 14_000 },
    { tasks: oneTask(session({ status: 'ready' })), at: 200_000 },
  ]);
  assert.deepEqual(long.notices.slice(1), ['turn_finished s1: Foundry: "Chat 1" in "Add a greeting" (Demo) finished after 44 s.'], 'measured from when the turn was seen to start');
  const short = run([
    { tasks: oneTask(session({ status: 'ready' })), at: 0 },
    { tasks: oneTask(session({ status: 'running' })), at: 1_000 },
    { tasks: oneTask(session({ status: 'ready' })), at: LongTurnMs },
  ]);
  assert.deepEqual(short.notices, []);
});

test('a long turn that fails says so; one whose tab is visible, or with the level needsInput, stays quiet', () => {
  const steps = (o: Partial<NotifyContext>, end: SessionSummary) => [
    { tasks: oneTask(session({ status: 'running' })), at: 0 },
    { tasks: oneTask(end), at: LongTurnMs, o },
  ];
  assert.deepEqual(run(steps({}, session({ status: 'error', errorMessage: 'the agent exited' }))).notices, [
    'turn_finished s1: Foundry: "Chat 1" in "Add a greeting" (Demo) stopped with an error.',
  ]);
  assert.deepEqual(run(steps({ isTabVisible: () => true }, session({ status: 'ready' }))).notices, []);
  assert.deepEqual(run(steps({ level: 'needsInput' }, session({ status: 'ready' }))).notices, []);
  // A turn already running at the first look counts from then.
  assert.equal(run(steps({}, session({ status: 'ready' }))).notices.length, 1);
});

test('a long task title is clipped, and closed sessions and archived tasks never notify', () => {
  const title = `Please ${'do this very long thing '.repeat(20)}`;
  const { notices } = run([{ tasks: oneTask(session({ status: 'running' }), { title }) }, { tasks: oneTask(asking('perm_1'), { title }) }]);
  assert.equal(notices.length, 1);
  assert.ok(notices[0]!.length < 160, notices[0]);
  assert.match(notices[0]!, /…" \(Demo\)/);
  assert.deepEqual(run([{ tasks: oneTask(session({ status: 'running' }), { status: 'archived' }) }, { tasks: oneTask(asking('perm_1'), { status: 'archived' }) }]).notices, []);
});

test('the setting falls back to all, and durations read as a person would say them', () => {
  assert.equal(parseLevel('needsInput'), 'needsInput');
  assert.equal(parseLevel('off'), 'off');
  assert.equal(parseLevel('sometimes'), 'all');
  assert.equal(parseLevel(undefined), 'all');
  assert.equal(formatDuration(44_400), '44 s');
  assert.equal(formatDuration(180_000), '3 min');
  assert.equal(formatDuration(65 * 60_000), '1 h 5 min');
});
