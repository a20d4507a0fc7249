/**
 * Ship: repository actions as durable jobs (actions/) and the commit message proposal (the GitHub
 * token and the repository overview: handlers/github.ts). Each handler reads and writes the database only: the git
 * and GitHub work runs in the action's job.
 */
import type { Handlers } from './define';
import type { RepoActionRow, TaskRow } from '../db/schema';
import { invalidState, notFound } from '../errors';
import { newId } from '../ids';
import { toAction } from '../store/summaries';
import { mustTask } from './tasks';
import type { ActionParams } from '../actions/kinds';
import { ACTION_KINDS } from '../actions/registry';
import { actionJobKey, pushAction } from '../actions/job';
import { proposeCommitMessage } from '../actions/commitMessage';

/** A task an action can work on: provisioned, with its sandbox (a worktree, or a remote one), not archived. */
const ACTIONABLE = new Set(['idle', 'running', 'error']);

const LIST_LIMIT = 50;

export const shipHandlers: Pick<Handlers, 'RunRepoAction' | 'ListRepoActions' | 'ProposeCommitMessage'> = {
  RunRepoAction(sc, p) {
    const kind = ACTION_KINDS[p.kind];
    let task: TaskRow | undefined;
    let repoId: string;
    if (p.taskId) {
      task = mustTask(sc, p.taskId);
      if (!sc.providers.of(task).hasSandbox(task) || !task.base_ref || !ACTIONABLE.has(task.status)) {
        throw invalidState(`runRepoAction ${p.kind}`, task.status, 'the task has no sandbox');
      }
      repoId = task.repo_id;
    } else {
      if (!sc.store.repo(p.repoId!)) throw notFound('repo', p.repoId!);
      repoId = p.repoId!;
    }
    const params: ActionParams = {
      ...(p.message !== undefined ? { message: p.message } : {}),
      ...(p.title !== undefined ? { title: p.title } : {}),
      ...(p.body !== undefined ? { body: p.body } : {}),
      ...(p.draft !== undefined ? { draft: p.draft } : {}),
      ...(p.mergeMethod !== undefined ? { mergeMethod: p.mergeMethod } : {}),
    };
    kind.check?.(sc, task, params);
    const now = Date.now();
    const row: RepoActionRow = {
      id: newId('act'),
      repo_id: repoId,
      task_id: task?.id ?? null,
      kind: p.kind,
      status: 'queued',
      message: null,
      conflicts: null,
      result: null,
      params: JSON.stringify(params),
      created_at: now,
      updated_at: now,
    };
    sc.db.tx(() => {
      sc.store.insertAction(row);
      sc.jobs.add('repo_action', row.id, actionJobKey(repoId));
    });
    pushAction(sc, row);
    return { actionId: row.id, status: 'queued' as const };
  },

  ListRepoActions(sc, p) {
    if (p.taskId) mustTask(sc, p.taskId);
    if (p.repoId && !sc.store.repo(p.repoId)) throw notFound('repo', p.repoId);
    return { actions: sc.store.actions({ taskId: p.taskId, repoId: p.repoId }, LIST_LIMIT).map(toAction) };
  },

  ProposeCommitMessage(sc, p) {
    return { message: proposeCommitMessage(mustTask(sc, p.taskId)) };
  },
};
