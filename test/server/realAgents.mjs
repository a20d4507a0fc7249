// Shared setup for the real-agent tests (real-agents-*.test.mjs): one sidecar per file, one pinned
// real agent, pointed at a loopback fake model (test/fixtures/fakeModel) through the agent's
// non-secret settings (SidecarSettings.agentEnv, from test/fixtures/realAgentSetup.mjs) and a key
// through foundry/setCredentials, as the extension gives them.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { agentsDir, agentText } from './harness.mjs';
import { useSidecar } from './useSidecar.mjs';
import { startFakeModel } from '../fixtures/fakeModel/server.mjs';
import { fakeModelSetup } from '../fixtures/realAgentSetup.mjs';

/**
 * One sidecar with `agent` (its default) for this test file. Returns a context filled in before
 * the tests: `sc`, `repo`, `model` (the fake model), `home`, `key`, `trafficLog` (the sidecar's
 * FOUNDRY_TRAFFIC_LOG), and helpers bound to them.
 */
export function useRealAgent(agent, { options = {}, env = {}, key = `fake-key-${agent}-0123456789` } = {}) {
  const settings = { defaultAgent: agent, ...options };
  const rt = { key, env, timings: [] };
  const prepare = async (c) => {
    rt.model = await startFakeModel();
    rt.home = join(c.dir, 'home');
    env.FOUNDRY_TRAFFIC_LOG = rt.trafficLog = join(c.dir, 'traffic.log');
    const setup = fakeModelSetup(agent, rt.model.url, rt.home);
    rt.keyVar = setup.keyVar;
    settings.agentEnv = { [agent]: setup.env };
  };
  const ready = async () => {
    Object.assign(rt, { sc: ctx.sc, repo: ctx.repo, dataDir: ctx.dataDir, dir: ctx.dir });
    // A missing agent fails the file: these tests exist to run the real one.
    const listed = (await ctx.sc.request(Requests.ListAgents.method, {})).agents.find((a) => a.id === agent);
    assert.ok(listed?.installed && listed.source === 'installed', `the pinned ${agent} is installed in ${agentsDir} (scripts/setup.sh --install-agents): ${JSON.stringify(listed)}`);
    rt.version = listed.version;
    const info = await ctx.sc.request(Requests.SetCredentials.method, { agentId: agent, env: { [rt.keyVar]: key } });
    assert.equal(info.ready, true, info.reason);
  };
  const ctx = useSidecar({ options: settings, env, prepare }, ready);
  after(async () => {
    await rt.model?.close();
    // Figures for the report, never asserted (timing is the bench's business).
    for (const line of rt.timings) console.log(`# timing ${line}`);
  });
  Object.assign(rt, helpers(rt, ctx));
  return rt;
}

const foundryEvent = (events, kind, turnId) => events.find((e) => e.sender === 'foundry' && e.payload.kind === kind && (!turnId || e.payload.turnId === turnId));

function helpers(rt, ctx) {
  const sc = () => ctx.sc;
  return {
    /** A task whose first turn (`prompt`) ended; its first session. */
    async newTask(prompt, extra = {}) {
      const t = await sc().request(Requests.CreateTask.method, { repoId: ctx.repo.id, prompt, ...extra });
      await sc().request(Requests.SubscribeSession.method, { sessionId: t.sessions[0].id }).catch(() => {});
      const idle = await sc().waitTask(t.id, ['idle', 'error'], 120_000);
      assert.equal(idle.status, 'idle', idle.errorMessage ?? idle.sessions[0]?.errorMessage);
      return { task: idle, session: idle.sessions[0] };
    },
    /** Send `text`; resolves when the session waits on a permission request (the pushed summary). */
    async sendUntilAsked(task, s, text) {
      await sc().request(Requests.SubscribeSession.method, { sessionId: s.id });
      const { turnId } = await sc().request(Requests.SendMessage.method, { sessionId: s.id, text });
      const waiting = await sc().waitFor(
        () => {
          const now = sc().session(task.id, s.id);
          if (foundryEvent(sc().transcripts.get(s.id) ?? [], 'turn_ended', turnId)) throw new Error(`the turn ended without asking: ${agentText(sc().transcripts.get(s.id) ?? [])}`);
          return now?.status === 'needs_input' && now.pendingPermission && now;
        },
        'a permission request',
        90_000,
      );
      return { turnId, waiting };
    },
    /** Resolves with the foundry turn_ended/turn_failed payload of `turnId`, once the session is ready again. */
    async turnEnd(task, s, turnId) {
      const end = await sc().waitFor(
        () => (sc().transcripts.get(s.id) ?? []).find((e) => e.sender === 'foundry' && e.payload.turnId === turnId && /turn_(ended|failed)/.test(e.payload.kind)),
        `end of turn ${turnId}`,
        90_000,
      );
      await sc().waitSession(task.id, s.id, 'ready', 30_000);
      return end.payload;
    },
    /** The agent's text of the session so far (pushed transcript). */
    text: (s) => agentText(sc().transcripts.get(s.id) ?? []),
    /** The fake model's requests whose body mentions `needle`. */
    requestsWith: (needle) => rt.model.requests.filter((r) => r.text.includes(needle)),
  };
}
