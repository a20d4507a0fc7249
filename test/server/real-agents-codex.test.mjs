// Codex (the pinned codex-acp) through the sidecar's contract, against the loopback fake model
// (OpenAI Responses; its apply_patch is a custom grammar tool): approvals under each policy, a
// model change, Stop mid-stream, and an idle stop whose next message resumes with session/load.
import { useRealAgent } from './realAgents.mjs';
import { policyTests, sessionTests, streamedReply } from './realAgentTests.mjs';

const rt = useRealAgent('codex', { options: { agentIdleStopMs: 4000 } });
const spec = {
  agent: 'codex',
  options: ['approved', 'abort'],
  allowOption: 'approved',
  rejectOption: 'abort',
  modelMatches: (requested, id) => requested === id,
};
streamedReply(rt, spec);
policyTests(rt, spec);
sessionTests(rt, spec);
