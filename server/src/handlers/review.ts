/**
 * Review: the changed files from the changes projection (SQLite only), and for the one file or
 * folder asked one bounded effects-worker call (effects/reviewFiles.ts): both sides of a diff, a
 * folder's entries, revert of a file and its undo.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, isShelved, turnInProgress, type FileChangeStatus } from '../../../shared/protocol';
import type { Handlers } from './define';
import type { TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { Refusal } from '../effects/reviewFiles';
import { invalidState } from '../errors';
import { newId } from '../ids';
import { toFileChange } from '../store/summaries';
import { mustTask } from './tasks';

/** The task, with its sandbox (a worktree here, or a remote one its provider reads). */
function mustSandbox(sc: Sidecar, taskId: string, what: string): TaskRow & { base_ref: string } {
  const t = mustTask(sc, taskId);
  if (!sc.providers.of(t).hasSandbox(t) || !t.base_ref || isShelved(t.status)) throw invalidState(what, t.status, 'the task has no sandbox');
  return t as TaskRow & { base_ref: string };
}

const CODE: Record<Refusal['refused'], number> = { invalid: ErrorCodes.InvalidParams, notFound: ErrorCodes.NotFound, state: ErrorCodes.InvalidState };

/** The worker's answer, or its refusal as the JSON-RPC error it stands for. */
function accepted<T extends object>(r: T | Refusal): T {
  if ('refused' in r) throw new ResponseError(CODE[r.refused], r.refused === 'invalid' ? `Invalid params: ${r.message}` : r.message);
  return r;
}

function refuseDuringTurn(sc: Sidecar, t: TaskRow, what: string): void {
  if (sc.store.sessionsOf(t.id).some((s) => turnInProgress(s.status))) {
    throw invalidState(what, 'running', 'a turn is running in one of its sessions; wait for it to end or stop it');
  }
}

const revertRef = (taskId: string, revertId: string) => `refs/foundry/reverts/${taskId}/${revertId}`;

export const reviewHandlers: Pick<Handlers, 'GetFileChanges' | 'GetFileDiff' | 'GetFileTree' | 'RevertFile' | 'UndoRevert'> = {
  GetFileChanges(sc, p) {
    mustTask(sc, p.taskId);
    return { files: sc.store.taskFiles(p.taskId).map(toFileChange), refreshedAt: sc.store.taskGit(p.taskId)?.refreshed_at ?? null };
  },

  async GetFileDiff(sc, p) {
    const t = mustTask(sc, p.taskId);
    mustSandbox(sc, p.taskId, 'getFileDiff');
    const provider = sc.providers.of(t);
    const oldPath = sc.store.taskFile(t.id, p.path)?.old_path ?? undefined;
    return accepted(await provider.fileSides(t, p.path, p.against ?? 'base', oldPath));
  },

  async GetFileTree(sc, p) {
    const t = mustSandbox(sc, p.taskId, 'getFileTree');
    const dir = p.dir ?? '';
    const { entries } = accepted(await sc.providers.of(t).fileTree(t, dir));
    const changes = new Map(sc.store.taskFiles(t.id).map((f) => [f.path, f.status]));
    return {
      dir,
      entries: entries.map((e) => {
        const change = e.type === 'directory' ? undefined : changes.get(e.path);
        return change ? { ...e, change: change as FileChangeStatus } : e;
      }),
    };
  },

  async RevertFile(sc, p) {
    const t = mustSandbox(sc, p.taskId, 'revertFile');
    refuseDuringTurn(sc, t, 'revertFile');
    const change = sc.store.taskFile(t.id, p.path);
    if (!change) throw invalidState('revertFile', 'unchanged', `path: '${p.path}' has no change against the base`);
    const revertId = newId('rev');
    const oldPath = change.old_path ?? undefined;
    const r = accepted(await sc.providers.of(t).revertFile(t, { path: p.path, ref: revertRef(t.id, revertId), ...(oldPath ? { oldPath } : {}) }));
    sc.store.insertRevert({ id: revertId, task_id: t.id, path: p.path, old_path: oldPath ?? null, existed: r.existed ? 1 : 0, after: r.after, created_at: Date.now() });
    sc.refreshChanges(t.id);
    return { revertId, path: p.path };
  },

  async UndoRevert(sc, p) {
    const t = mustSandbox(sc, p.taskId, 'undoRevert');
    const rev = sc.store.revert(t.id, p.revertId);
    if (!rev) throw new ResponseError(ErrorCodes.NotFound, `revert not found: ${p.revertId}`);
    refuseDuringTurn(sc, t, 'undoRevert');
    accepted(
      await sc.providers.of(t).undoRevert(t, {
        path: rev.path,
        ref: revertRef(t.id, rev.id),
        existed: rev.existed === 1,
        after: rev.after,
        ...(rev.old_path ? { oldPath: rev.old_path } : {}),
      }),
    );
    sc.store.deleteRevert(rev.id);
    sc.refreshChanges(t.id);
    return { path: rev.path };
  },
};
