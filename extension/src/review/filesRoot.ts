/**
 * Where a task's files show from in VS Code: its worktree on this machine (`local`: a diff's
 * modified side is the file itself, to edit), or a remote sandbox's own `foundry:` folder, whose
 * files are read through the sidecar (foundry/getFileDiff). No `vscode` import.
 */
import type { TaskSummary } from '../../../shared/protocol';
import { hasSandbox } from '../sandboxes/sandboxPresentation';

export interface FilesRoot {
  root: string;
  local: boolean;
}

/** The task's files root, or undefined while it has no sandbox. */
export function filesRootOf(task: TaskSummary): FilesRoot | undefined {
  if (task.worktreePath) return { root: task.worktreePath, local: true };
  if (hasSandbox(task)) return { root: `/foundry-sandbox/${task.id}`, local: false };
  return undefined;
}

export function mustFilesRoot(task: TaskSummary): FilesRoot {
  const r = filesRootOf(task);
  if (!r) throw new Error(`the task "${task.title}" has no sandbox yet (${task.status}).`);
  return r;
}
