// Gemini CLI (the pinned @google/gemini-cli, `gemini --acp`) through the sidecar's contract, against the
// loopback fake model (Gemini generateContent): a streamed reply, and approvals under each policy
// (its own modes: default asks, autoEdit, yolo).
import { useRealAgent } from './realAgents.mjs';
import { policyTests, streamedReply } from './realAgentTests.mjs';

const rt = useRealAgent('gemini');
const spec = {
  agent: 'gemini',
  options: ['proceed_always', 'proceed_once', 'cancel'],
  allowOption: 'proceed_once',
  rejectOption: 'cancel',
};
streamedReply(rt, spec);
policyTests(rt, spec);
