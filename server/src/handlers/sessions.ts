import type { Handlers } from './define';
import { invalidState, notFound } from '../errors';
import { newId } from '../ids';
import { turnInProgress } from '../../../shared/protocol';
import { toSession } from '../store/summaries';
import { checkAgent, mustTask, retryProvisioning } from './tasks';
import type { SessionRow } from '../db/schema';
import type { Sidecar } from '../sidecar';

function mustSession(sc: Sidecar, sessionId: string): SessionRow {
  const s = sc.store.session(sessionId);
  if (!s) throw notFound('session', sessionId);
  return s;
}

const summary = (sc: Sidecar, sessionId: string) => toSession(sc.store.session(sessionId)!);
const provisioned = (status: string) => status === 'idle' || status === 'running';

export const sessionHandlers: Pick<
  Handlers,
  | 'CreateWorkbenchSession'
  | 'SendMessage'
  | 'CancelTurn'
  | 'ReplyPermission'
  | 'GetTranscript'
  | 'SubscribeSession'
  | 'UnsubscribeSession'
  | 'RetrySession'
  | 'CloseWorkbenchSession'
  | 'RenameWorkbenchSession'
  | 'MarkSessionRead'
> = {
  CreateWorkbenchSession(sc, { taskId, agent, model }) {
    const t = mustTask(sc, taskId);
    if (t.status === 'archived' || t.status === 'archive_remove_sandbox') throw invalidState('createWorkbenchSession', t.status);
    const sessionAgent = agent ?? t.agent;
    checkAgent(sc, sessionAgent);
    const siblings = sc.store.sessionsOf(taskId);
    const position = Math.max(0, ...siblings.map((s) => s.position)) + 1;
    const now = Date.now();
    const row: SessionRow = {
      id: newId('ses'),
      task_id: taskId,
      name: `Chat ${position}`,
      agent: sessionAgent,
      model: model ?? t.model,
      status: provisioned(t.status) ? 'pending_session_create' : 'pending_provision',
      unread: 0,
      error_message: null,
      acp_session_id: null,
      is_first: 0,
      first_prompt_sent: 0,
      turn_id: null,
      position,
      created_at: now,
      updated_at: now,
    };
    sc.db.tx(() => {
      sc.store.insertSession(row);
      if (provisioned(t.status)) sc.jobs.add('create_session', row.id, taskId);
    });
    sc.publisher.taskChanged(taskId);
    return toSession(row);
  },

  SendMessage(sc, { sessionId, text }) {
    const s = mustSession(sc, sessionId);
    if (s.status !== 'ready') throw invalidState('sendMessage', s.status, turnInProgress(s.status) ? 'wait for the turn to end or cancel it' : '');
    const turnId = newId('turn');
    sc.db.tx(() => {
      sc.store.updateSession(sessionId, { status: 'running', turn_id: turnId });
      sc.recomputeTaskStatus(s.task_id);
    });
    sc.publisher.taskChanged(s.task_id);
    void sc.turns.runTurn(sessionId, turnId, text);
    return { turnId };
  },

  async CancelTurn(sc, { sessionId }) {
    const s = mustSession(sc, sessionId);
    if (turnInProgress(s.status)) await sc.turns.cancel(sessionId);
    else if (s.status !== 'ready') throw invalidState('cancelTurn', s.status);
    return {};
  },

  ReplyPermission(sc, { sessionId, requestId, optionId }) {
    return sc.permissions.reply(mustSession(sc, sessionId), requestId, optionId);
  },

  GetTranscript(sc, { sessionId, after = 0, limit = 1000 }) {
    mustSession(sc, sessionId);
    const events = sc.store.transcript(sessionId, after, limit);
    return { events, next: events.at(-1)?.seq ?? after };
  },

  SubscribeSession(sc, { sessionId }, client) {
    mustSession(sc, sessionId);
    client.subscribe(sessionId);
    return {};
  },

  UnsubscribeSession(sc, { sessionId }, client) {
    mustSession(sc, sessionId);
    client.unsubscribe(sessionId);
    return {};
  },

  RetrySession(sc, { sessionId }) {
    const s = mustSession(sc, sessionId);
    if (s.status !== 'error') throw invalidState('retrySession', s.status, 'only a session in error can be retried');
    const t = mustTask(sc, s.task_id);
    if (t.status === 'error') {
      retryProvisioning(sc, t);
      return summary(sc, sessionId);
    }
    sc.db.tx(() => {
      sc.store.updateSession(sessionId, { status: provisioned(t.status) ? 'pending_session_create' : 'pending_provision', error_message: null });
      if (provisioned(t.status)) sc.jobs.add('create_session', sessionId, t.id);
    });
    sc.publisher.taskChanged(t.id);
    return summary(sc, sessionId);
  },

  async CloseWorkbenchSession(sc, { sessionId }) {
    const s = mustSession(sc, sessionId);
    if (s.status === 'closed') return toSession(s);
    sc.db.tx(() => {
      sc.store.updateSession(sessionId, { status: 'closed', turn_id: null, pending_permission: null, unread: 0 });
      sc.recomputeTaskStatus(s.task_id);
    });
    sc.publisher.taskChanged(s.task_id);
    await sc.turns.stop(sessionId);
    return summary(sc, sessionId);
  },

  RenameWorkbenchSession(sc, { sessionId, name }) {
    const s = mustSession(sc, sessionId);
    if (s.name !== name) {
      sc.store.updateSession(sessionId, { name });
      sc.publisher.taskChanged(s.task_id);
    }
    return summary(sc, sessionId);
  },

  MarkSessionRead(sc, { sessionId }) {
    const s = mustSession(sc, sessionId);
    if (s.unread) {
      sc.store.updateSession(sessionId, { unread: 0 });
      sc.publisher.taskChanged(s.task_id);
    }
    return summary(sc, sessionId);
  },
};
