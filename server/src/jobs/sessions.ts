/** Create the agent session of a session opened after (or while) its task provisioned. */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';

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
      // Interrupted by a drain: the session stays pending and the job resumes on the next start.
      if (sc.draining) throw new Interrupted('creating the agent session');
      sc.store.updateSession(s.id, { status: 'error', error_message: `Could not start the agent session: ${errorMessage(e)}` });
      throw e;
    } finally {
      sc.publisher.taskChanged(t.id);
    }
  };
}
