/**
 * Install an agent's pinned version into the agents folder (agents/install/installer.ts runs on
 * the effects worker's side, as its own process). Not tied to a task: its job row's task is
 * `agent:<id>`, so two installs of one agent never run at once. Progress and the result are pushed
 * as `foundry/agentsUpdated`; tasks that failed waiting on this agent are retried once it is ready.
 */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';

export function installAgentJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const id = job.subject;
    const c = sc.agents.catalog(id);
    if (!c) return;
    sc.agents.setInstall(id, { status: 'installing', message: 'starting' });
    sc.agentsChanged();
    try {
      await sc.effects.call('installAgent', { key: `agent:${id}`, target: sc.agents.installDir(c), spec: `${c.package}@${c.version}` });
      sc.agents.setInstall(id, undefined);
      sc.log(`installed ${c.package}@${c.version} into ${sc.agents.installDir(c)}`);
      sc.retryWaitingOn(id);
    } catch (e) {
      if (sc.draining) throw new Interrupted(`installing ${c.name}`);
      sc.agents.setInstall(id, { status: 'failed', message: `Could not install ${c.name} ${c.version}: ${errorMessage(e)}` });
      throw e;
    } finally {
      sc.agentsChanged();
    }
  };
}
