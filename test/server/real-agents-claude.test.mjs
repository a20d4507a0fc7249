// Claude Code (the pinned claude-code-acp) through the sidecar's contract, against the loopback
// fake model: approvals under each policy, a model change, Stop mid-stream, and an idle stop whose
// next message resumes the conversation with session/load.
import { useRealAgent } from './realAgents.mjs';
import { policyTests, sessionTests, streamedReply } from './realAgentTests.mjs';

const rt = useRealAgent('claude', { options: { agentIdleStopMs: 4000 } });
const spec = {
  agent: 'claude',
  options: ['allow_always', 'allow', 'reject'],
  allowOption: 'allow',
  rejectOption: 'reject',
  modelMatches: (requested, id) => requested.includes(id),
  // As root outside a sandbox Claude Code has no bypassPermissions: Foundry runs it in acceptEdits and says so.
  fullAccessNote: () => (process.getuid?.() === 0 ? /Full access is not available here .*root.*'acceptEdits'/ : undefined),
};
streamedReply(rt, spec);
policyTests(rt, spec);
sessionTests(rt, spec);
