/**
 * Open Worktree in New Window, as plain data: the folder and options for `vscode.openFolder`, or
 * what to say when the task has no worktree to open. No `vscode` import (unit-tested in Node).
 */
import type { TaskSummary } from '../../../shared/protocol';
import { statusLabel } from '../../../shared/protocol';
import { isRemote, ProviderNames } from '../sandboxes/sandboxPresentation';

export type WorktreeWindow = { readonly folder: string; readonly options: { readonly forceNewWindow: true } } | { readonly notice: string };

export function worktreeWindow(task: TaskSummary): WorktreeWindow {
  if (task.status === 'archived' || task.status === 'archive_remove_sandbox') return { notice: `"${task.title}" is archived: its worktree was removed (the branch ${task.branch} stays).` };
  if (!task.worktreePath && isRemote(task))
    return { notice: `"${task.title}" runs in a ${ProviderNames[task.provider]} sandbox: it has no worktree on this machine. "Bring Changes Local" fetches its branch and its uncommitted work.` };
  if (!task.worktreePath) return { notice: `The worktree of "${task.title}" is not created yet (${statusLabel[task.status]}).` };
  return { folder: task.worktreePath, options: { forceNewWindow: true } };
}
