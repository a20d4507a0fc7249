// The extension's agent model: the store the picker and views read, what each agent shows and
// which fix it offers, where an install stands, which failures deserve a notice (once), and how
// the `foundry.agents` setting becomes the sidecar's agentEnv.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentInfo } from '../../../shared/protocol';
import { agentFailures, FailureTracker } from '../../src/agents/agentFailures';
import { agentFix, agentPickRow, installOutcome, parseStoredEnv, pickerOrder } from '../../src/agents/agentPresentation';
import { agentEnvOf, withAgentVar } from '../../src/agents/agentSettings';
import { AgentStore } from '../../src/agents/agentStore';
import { session, task } from './fixtures';

function agent(overrides: Partial<AgentInfo> = {}): AgentInfo {
  return { id: 'claude', name: 'Claude Code', version: '0.16.2', installed: true, source: 'installed', ready: true, credentialVars: ['ANTHROPIC_API_KEY'], ...overrides };
}
const demo = agent({ id: 'demo', name: 'Demo (offline)', version: undefined, source: 'bundled', credentialVars: [] });
const missing = agent({ id: 'codex', name: 'Codex', installed: false, source: undefined, ready: false, action: 'install', reason: 'Codex is not installed' });
const noKey = agent({ ready: false, action: 'set_credentials', reason: 'Claude Code has no credentials: set ANTHROPIC_API_KEY' });

test('the store holds the latest list, takes a request answer over it, and tells listeners', () => {
  const store = new AgentStore();
  let changes = 0;
  store.onDidChange(() => changes++);
  assert.equal(store.loaded, false);
  store.reset([demo, noKey]);
  assert.equal(store.loaded, true);
  assert.equal(store.get('claude')?.ready, false);
  store.put(agent());
  assert.equal(store.get('claude')?.ready, true);
  assert.deepEqual(store.list.map((a) => a.id), ['demo', 'claude'], 'order kept');
  store.put(missing);
  assert.deepEqual(store.list.map((a) => a.id), ['demo', 'claude', 'codex']);
  assert.equal(changes, 3);
});

test('waitFor resolves when the agent reaches the state, and with undefined when the store goes', async () => {
  const store = new AgentStore();
  store.reset([missing]);
  const installed = store.waitFor('codex', (a) => a.installed);
  store.reset([{ ...missing, install: { status: 'installing', message: 'fetching' } }]);
  store.reset([{ ...missing, installed: true, ready: true, action: undefined }]);
  assert.equal((await installed)?.installed, true);
  const never = store.waitFor('codex', (a) => a.id === 'nope');
  store.dispose();
  assert.equal(await never, undefined);
});

test('the fix of an agent: install, set the key, or none when it is ready or the sidecar named none', () => {
  assert.deepEqual(agentFix(missing), { label: 'Install Codex', command: 'foundry.installAgent' });
  assert.deepEqual(agentFix(noKey), { label: 'Set API key', command: 'foundry.configureAgent' });
  assert.equal(agentFix(agent()), undefined);
  assert.equal(agentFix(agent({ ready: false, reason: "x cannot be launched: 'x' was not found" })), undefined);
});

test('the picker: the default first, then ready agents, then the rest with why', () => {
  const order = pickerOrder([demo, missing, noKey, agent({ id: 'gemini', name: 'Gemini CLI' })], 'claude');
  assert.deepEqual(order.map((a) => a.id), ['claude', 'demo', 'gemini', 'codex']);
  const row = agentPickRow(noKey, 'claude');
  assert.match(row.label, /Claude Code/);
  assert.match(row.description, /claude · 0\.16\.2 · default/);
  assert.equal(row.detail, noKey.reason);
  assert.equal(agentPickRow(agent()).detail, undefined, 'a ready agent needs no explanation');
  assert.match(agentPickRow({ ...missing, install: { status: 'installing', message: 'added 12 packages' } }).detail ?? '', /installing: added 12 packages/);
});

test('where an install stands', () => {
  assert.deepEqual(installOutcome({ ...missing, install: { status: 'queued' } }), { state: 'installing' });
  assert.deepEqual(installOutcome({ ...missing, install: { status: 'installing', message: 'fetching' } }), { state: 'installing', message: 'fetching' });
  assert.deepEqual(installOutcome({ ...missing, install: { status: 'failed', message: 'Could not install Codex 0.16.0: ENOTFOUND' } }), { state: 'failed', message: 'Could not install Codex 0.16.0: ENOTFOUND' });
  assert.deepEqual(installOutcome(noKey), { state: 'installed' }, 'installed, still without a key');
  // An agent on PATH being installed at its pinned version is done only once the install entry clears.
  assert.equal(installOutcome(agent({ source: 'path', install: { status: 'installing' } })).state, 'installing');
});

test('a stored credentials entry keeps only plain variables with string values', () => {
  assert.deepEqual(parseStoredEnv('{"ANTHROPIC_API_KEY":"sk-1","bad name":"x","N":3,"E":""}'), { ANTHROPIC_API_KEY: 'sk-1' });
  assert.deepEqual(parseStoredEnv('not json'), {});
  assert.deepEqual(parseStoredEnv('[1]'), {});
  assert.deepEqual(parseStoredEnv(undefined), {});
});

test('failures because of an agent get one notice each; others and ones already on screen get none', () => {
  const agents = new Map([noKey, missing, demo].map((a) => [a.id, a]));
  const of = (id: string) => agents.get(id);
  const failedTask = task({ id: 't1', title: 'Fix it', agent: 'claude', status: 'error', errorMessage: noKey.reason, sessions: [] });
  const setupFailed = task({ id: 't2', title: 'Other', agent: 'claude', status: 'error', errorMessage: 'setup script exited with 1', sessions: [] });
  const failedSession = task({ id: 't3', title: 'Third', status: 'idle', sessions: [session({ id: 's3', taskId: 't3', name: 'Chat 2', agent: 'codex', status: 'error', errorMessage: 'Codex is not installed' })] });
  const fine = task({ id: 't4', agent: 'demo', status: 'error', errorMessage: 'Demo (offline) crashed', sessions: [] });
  const failures = agentFailures([failedTask, setupFailed, failedSession, fine], of);
  assert.deepEqual(failures.map((f) => [f.key, f.subject, f.agent.id]), [
    ['task:t1', 'Fix it', 'claude'],
    ['session:s3', 'Chat 2 of Third', 'codex'],
  ]);
  // While the agent installs, its waiting tasks are not failures to report.
  agents.set('codex', { ...missing, install: { status: 'installing' } });
  assert.deepEqual(agentFailures([failedSession], of), []);

  const tracker = new FailureTracker();
  tracker.seed(agentFailures([failedTask], of));
  assert.deepEqual(tracker.fresh(agentFailures([failedTask], of)), [], 'on screen when the window connected');
  agents.set('codex', missing);
  assert.deepEqual(tracker.fresh(agentFailures([failedTask, failedSession], of)).map((f) => f.key), ['session:s3'], 'a new failure');
  assert.deepEqual(tracker.fresh(agentFailures([failedTask, failedSession], of)), [], 'told once');
  assert.deepEqual(tracker.fresh(agentFailures([failedTask], of)), [], 'it cleared');
  assert.deepEqual(tracker.fresh(agentFailures([failedTask, failedSession], of)).map((f) => f.key), ['session:s3'], 'failed again: told again');
});

test('foundry.agents becomes agentEnv: plain ids and variable names with string values only', () => {
  assert.deepEqual(
    agentEnvOf({ claude: { env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', N: 3, 'bad name': 'x' } }, 'bad id!': { env: { A: 'b' } }, codex: { other: 1 }, gemini: 'x' }),
    { claude: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } },
  );
  assert.deepEqual(agentEnvOf(undefined), {});
  assert.deepEqual(agentEnvOf([1]), {});
});

test('setting one agent variable keeps the rest of the setting; an undefined value removes it', () => {
  const before = { claude: { env: { A: '1' }, note: 'kept' }, codex: { env: { B: '2' } } };
  const set = withAgentVar(before, 'claude', 'ANTHROPIC_BASE_URL', 'https://gw');
  assert.deepEqual(set, { claude: { env: { A: '1', ANTHROPIC_BASE_URL: 'https://gw' }, note: 'kept' }, codex: { env: { B: '2' } } });
  assert.deepEqual(before.claude.env, { A: '1' }, 'the setting read is not changed in place');
  assert.deepEqual(withAgentVar(set, 'claude', 'A', undefined), { claude: { env: { ANTHROPIC_BASE_URL: 'https://gw' }, note: 'kept' }, codex: { env: { B: '2' } } });
  assert.deepEqual(withAgentVar(undefined, 'gemini', 'GOOGLE_GEMINI_BASE_URL', 'https://g'), { gemini: { env: { GOOGLE_GEMINI_BASE_URL: 'https://g' } } });
});
