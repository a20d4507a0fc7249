// OpenCode (the pinned opencode-ai, `opencode acp`) through the sidecar's contract, against the
// loopback fake model (chat completions): a streamed reply, and approvals under each policy
// (OpenCode takes its permission rules as launch configuration, OPENCODE_CONFIG_CONTENT).
import { useRealAgent } from './realAgents.mjs';
import { policyTests, streamedReply } from './realAgentTests.mjs';

const rt = useRealAgent('opencode');
const spec = {
  agent: 'opencode',
  options: ['once', 'always', 'reject'],
  allowOption: 'once',
  rejectOption: 'reject',
};
streamedReply(rt, spec);
policyTests(rt, spec);
