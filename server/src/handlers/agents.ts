import type { Handlers } from './define';
import { invalidState, notFound } from '../errors';
import type { Sidecar } from '../sidecar';

function mustKnow(sc: Sidecar, agentId: string) {
  const info = sc.agents.info(agentId);
  if (!info) throw notFound('agent', agentId);
  return info;
}

export const agentHandlers: Pick<Handlers, 'ListAgents' | 'InstallAgent' | 'SetCredentials'> = {
  ListAgents: (sc) => ({ agents: sc.agents.list() }),

  InstallAgent(sc, { agentId }) {
    const info = mustKnow(sc, agentId);
    const c = sc.agents.catalog(agentId);
    if (!c || info.source === 'settings') throw invalidState('installAgent', info.source ?? 'bundled', `${info.name} is not an agent Foundry installs`);
    if (info.source === 'installed' || sc.store.openJobFor('install_agent', agentId)) return info;
    sc.agents.setInstall(agentId, { status: 'queued' });
    sc.jobs.add('install_agent', agentId, `agent:${agentId}`);
    sc.agentsChanged();
    return sc.agents.info(agentId)!;
  },

  SetCredentials(sc, { agentId, env }) {
    mustKnow(sc, agentId);
    sc.agents.setCredentials(agentId, env);
    sc.agentsChanged();
    sc.retryWaitingOn(agentId);
    return sc.agents.info(agentId)!;
  },
};
