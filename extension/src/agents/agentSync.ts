/**
 * On every connection to a sidecar (first start, reconnect after a crash or a restart, hand-over
 * to a newer one), before the workbench bootstrap: listen to `foundry/agentsUpdated`, list the
 * agents, and give the sidecar the stored credentials of each (it keeps them in memory only, so
 * a new sidecar has none). Only then can a command or a view reach that sidecar.
 */
import { AgentsUpdated, ListAgents, SetCredentials, type AgentInfo, type AgentsUpdatedParams } from '../../../shared/protocol';
import type { ConnectionHook, Controller } from '../controller';
import { errorMessage } from '../errors';
import type { AgentCredentials } from './credentials';

export function agentSyncHook(controller: Controller, credentials: AgentCredentials): ConnectionHook {
  return async (session) => {
    // A push is the whole list and newer than anything this hook read before it arrived.
    let pushed = false;
    session.onNotification<AgentsUpdatedParams>(AgentsUpdated, (params) => {
      pushed = true;
      controller.agents.reset(params.agents);
    });
    const { agents } = await session.request(ListAgents, {});
    const updated: AgentInfo[] = [];
    let sent = 0;
    for (const agent of agents) {
      const env = await credentials.get(agent.id);
      if (Object.keys(env).length === 0) {
        updated.push(agent);
        continue;
      }
      try {
        updated.push(await session.request(SetCredentials, { agentId: agent.id, env }));
        sent++;
      } catch (error) {
        // The sidecar's message names the field, never a value.
        controller.log.warn(`Could not give the sidecar the stored credentials of ${agent.id} (${Object.keys(env).join(', ')}): ${errorMessage(error)}`);
        updated.push(agent);
      }
    }
    if (!pushed) controller.agents.reset(updated);
    if (sent) controller.log.info(`Credentials of ${sent} agent(s) given to the sidecar`);
  };
}
