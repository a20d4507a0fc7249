/** Create the agent session of a session opened after (or while) its task provisioned. */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';

export function createSessionJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const s = sc.store.session(job.subject);
    if (!s || (s.status !== 'pending_provision' && s.status !== 'pending_session_create')) return;
    const t = sc.store.task(s.task_id);
    if (!t || (t.status !== 'idle' && t.status !== 'running')) return; // provisioning enqueues it again when done
    sc.store.updateSession(s.id, { status: 'pending_session_create', error_message: null });
    sc.publisher.taskChanged(t.id);
    try {
      await sc.turns.createAgentSession(s.id);
      const now = sc.store.session(s.id);
      if (now?.status === 'pending_session_create') sc.store.updateSession(s.id, { status: 'ready' });
    } catch (e) {
      sc.store.updateSession(s.id, { status: 'error', error_message: `Could not start the agent session: ${errorMessage(e)}` });
      throw e;
    } finally {
      sc.publisher.taskChanged(t.id);
    }
  };
}
