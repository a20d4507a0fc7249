import type { Handlers } from './define';
import { invalidState, notFound } from '../errors';
import { newId } from '../ids';
import { isShelved, turnInProgress } from '../../../shared/protocol';
import { checkAgent, checkMode, mustTask, retryProvisioning } from './tasks';
import type { SessionRow } from '../db/schema';
import type { Sidecar } from '../sidecar';

function mustSession(sc: Sidecar, sessionId: string): SessionRow {
  const s = sc.store.session(sessionId);
  if (!s) throw notFound('session', sessionId);
  return s;
}

const summary = (sc: Sidecar, sessionId: string) => sc.store.sessionSummary(sessionId)!;
const provisioned = (status: string) => status === 'idle' || status === 'running';

interface NewSession {
  taskId: string;
  agent?: string;
  model?: string;
  mode?: string;
  /** The session a handoff continues: its digest becomes the new session's first message. */
  handoffFrom?: string;
}

/** A new session row on a task, and its create-session job once the task is provisioned. */
function openSession(sc: Sidecar, { taskId, agent, model, mode, handoffFrom }: NewSession) {
  const t = mustTask(sc, taskId);
  if (isShelved(t.status)) throw invalidState('createWorkbenchSession', t.status);
  const sessionAgent = agent ?? t.agent;
  checkAgent(sc, sessionAgent);
  checkMode(mode);
  const siblings = sc.store.sessionsOf(taskId);
  const position = Math.max(0, ...siblings.map((s) => s.position)) + 1;
  const now = Date.now();
  const row: SessionRow = {
    id: newId('ses'),
    task_id: taskId,
    name: `Chat ${position}`,
    agent: sessionAgent,
    // A handoff's agent is another: the task's model is not its model.
    model: model ?? (handoffFrom ? null : t.model),
    status: provisioned(t.status) ? 'pending_session_create' : 'pending_provision',
    unread: 0,
    error_message: null,
    acp_session_id: null,
    is_first: 0,
    first_prompt_sent: 0,
    turn_id: null,
    mode: mode ?? 'ask',
    handoff_from: handoffFrom ?? null,
    position,
    created_at: now,
    updated_at: now,
  };
  sc.db.tx(() => {
    sc.store.insertSession(row);
    if (provisioned(t.status)) sc.jobs.add('create_session', row.id, taskId);
  });
  sc.publisher.taskChanged(taskId);
  return summary(sc, row.id);
}

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
  | 'SetSessionMode'
  | 'SetSessionModel'
  | 'EditQueuedMessage'
  | 'RemoveQueuedMessage'
  | 'SendQueued'
  | 'HandoffSession'
> = {
  CreateWorkbenchSession: (sc, p) => openSession(sc, p),

  HandoffSession(sc, { sessionId, agent, mode, model }) {
    const from = mustSession(sc, sessionId);
    return openSession(sc, { taskId: from.task_id, agent, mode, model, handoffFrom: from.id });
  },

  SendMessage(sc, { sessionId, text }) {
    return sc.queue.send(mustSession(sc, sessionId), text);
  },

  async SetSessionMode(sc, { sessionId, mode }) {
    await sc.turns.modes.set(mustSession(sc, sessionId), mode);
    return summary(sc, sessionId);
  },

  async SetSessionModel(sc, { sessionId, model }) {
    await sc.turns.modes.setModel(mustSession(sc, sessionId), model);
    return summary(sc, sessionId);
  },

  EditQueuedMessage(sc, { sessionId, messageId, text }) {
    sc.queue.edit(mustSession(sc, sessionId), messageId, text);
    return summary(sc, sessionId);
  },

  RemoveQueuedMessage(sc, { sessionId, messageId }) {
    sc.queue.remove(mustSession(sc, sessionId), messageId);
    return summary(sc, sessionId);
  },

  SendQueued(sc, { sessionId }) {
    sc.queue.resume(mustSession(sc, sessionId));
    return summary(sc, sessionId);
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
    const events = sc.transcripts.read(sessionId, after, limit);
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
    // Restart: an agent session that exists is resumed (session/load) by the same job.
    sc.db.tx(() => {
      sc.store.updateSession(sessionId, { status: provisioned(t.status) ? 'pending_session_create' : 'pending_provision', error_message: null });
      if (provisioned(t.status)) sc.jobs.add('create_session', sessionId, t.id);
    });
    sc.publisher.taskChanged(t.id);
    return summary(sc, sessionId);
  },

  async CloseWorkbenchSession(sc, { sessionId }) {
    const s = mustSession(sc, sessionId);
    if (s.status === 'closed') return summary(sc, sessionId);
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
