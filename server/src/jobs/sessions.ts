/** Create the agent session of a session opened after (or while) its task provisioned. */
import type { JobRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { Interrupted } from '../interrupted';
import { collectDigest, renderDigest } from '../agents/handoff';
import type { TranscriptEvent } from '../../../shared/protocol';

/** A handoff session's first message: the digest of the session it continues (once). */
function queueDigest(sc: Sidecar, sessionId: string, fromId: string, worktree: string): void {
  const from = sc.store.session(fromId);
  const name = from ? (sc.agents.info(from.agent)?.name ?? from.agent) : 'another agent';
  function* events(): Generator<TranscriptEvent> {
    let after = 0;
    for (;;) {
      const page = sc.transcripts.read(fromId, after, 1000);
      if (!page.length) return;
      yield* page;
      after = page.at(-1)!.seq;
    }
  }
  const digest = renderDigest(collectDigest(events(), worktree), name);
  sc.db.tx(() => {
    sc.queue.enqueue(sessionId, digest);
    sc.store.updateSession(sessionId, { handoff_from: null });
  });
  sc.transcripts.foundry(sessionId, { kind: 'handoff', otherSessionId: fromId, text: `Continues ${from?.name ?? fromId} (${name}); its digest is the first message.` });
  const to = sc.store.session(sessionId);
  if (from && to) sc.transcripts.foundry(fromId, { kind: 'handoff', otherSessionId: sessionId, text: `Continued in ${to.name} (${sc.agents.info(to.agent)?.name ?? to.agent}).` });
}

export function createSessionJob(sc: Sidecar) {
  return async (job: JobRow): Promise<void> => {
    const s = sc.store.session(job.subject);
    if (!s || (s.status !== 'pending_provision' && s.status !== 'pending_session_create')) return;
    const t = sc.store.task(s.task_id);
    if (!t || (t.status !== 'idle' && t.status !== 'running')) return; // provisioning enqueues it again when done
    sc.store.updateSession(s.id, { status: 'pending_session_create', error_message: null });
    sc.publisher.taskChanged(t.id);
    if (s.handoff_from) queueDigest(sc, s.id, s.handoff_from, t.worktree_path ?? '');
    try {
      await sc.turns.createAgentSession(s.id);
      const now = sc.store.session(s.id);
      if (now?.status === 'pending_session_create') sc.store.updateSession(s.id, { status: 'ready' });
      sc.queue.dispatch(s.id);
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
