/**
 * The review commands: open a file's diff in VS Code's diff editor, open all of a task's changes
 * in the multi-file diff editor, compare with HEAD or with the base, revert a file (and undo it),
 * open a file of the worktree. Every read goes through the sidecar (ReviewData); nothing here
 * runs git.
 */
import * as vscode from 'vscode';
import { RevertFile, UndoRevert, type TaskSummary } from '../../../shared/protocol';
import { resolveTask } from '../commands/pickers';
import type { Controller } from '../controller';
import type { CompareMode } from './compareMode';
import { diffUri, DiffScheme } from './diffDocuments';
import { worktreeUri } from './fileDecorations';
import type { ReviewData } from './reviewData';
import { allChangesTitle, decodeDiffQuery, diffNotice, diffTitle, revertConfirmation, type Against } from './reviewPresentation';
import { isReviewNode } from './reviewTree';
import { mustFilesRoot } from './filesRoot';

export interface ReviewEnv {
  readonly controller: Controller;
  readonly data: ReviewData;
  readonly compare: CompareMode;
}

type ReviewCommand = (env: ReviewEnv) => (...args: unknown[]) => unknown;

/** A task and one of its files: from a Changes or Files row, or `(taskId, path)` from a link or a test. */
interface FileTarget {
  readonly task: TaskSummary;
  readonly path: string;
}

async function fileTarget(controller: Controller, args: unknown[]): Promise<FileTarget | undefined> {
  const [arg, second] = args;
  if (typeof arg === 'string' && typeof second === 'string') {
    if (!controller.store.loaded) await controller.whenReady();
    const task = controller.store.task(arg);
    if (!task) throw new Error(`Foundry does not know task ${arg} (it may have been removed).`);
    return { task, path: second };
  }
  if (typeof arg === 'object' && arg !== null && 'kind' in arg && isReviewNode(arg as { kind: string })) {
    const node = arg as { kind: string; taskId?: string; path?: string };
    const task = node.taskId ? controller.store.task(node.taskId) : undefined;
    if (task && node.path !== undefined && (node.kind === 'change' || node.kind === 'entry')) return { task, path: node.path };
  }
  void vscode.window.showInformationMessage('Foundry: choose a file under a task\'s "Changes" or "Files" in the Foundry view.');
  return undefined;
}

/** The task of a task, Changes or Files row, an id, or a pick. */
async function taskTarget(controller: Controller, arg: unknown, placeHolder: string): Promise<TaskSummary | undefined> {
  if (typeof arg === 'object' && arg !== null && 'kind' in arg && isReviewNode(arg as { kind: string })) {
    const taskId = (arg as { taskId?: string }).taskId;
    const task = taskId ? controller.store.task(taskId) : undefined;
    if (task) return task;
  }
  return resolveTask(controller, arg, placeHolder);
}

function requireWorktree(task: TaskSummary): string {
  if (!task.worktreePath) throw new Error(`the task "${task.title}" has no worktree yet (${task.status}).`);
  return task.worktreePath;
}

/**
 * The native diff editor on one file: the base (or HEAD) on the left as a `foundry:` document, the
 * worktree's own file on the right so the user can edit it there (a `foundry:` document instead
 * when the file was deleted, or is binary or too large, which read as a notice, and for a remote
 * sandbox's file).
 */
async function openDiff({ data }: ReviewEnv, task: TaskSummary, path: string, against: Against): Promise<void> {
  const { root, local } = mustFilesRoot(task);
  const diff = await data.diff(task.id, path, against);
  const left = diffUri(root, task.id, path, 'original', against);
  const realFile = local && !diffNotice(diff) && diff.modified !== null;
  const right = realFile ? worktreeUri(root, path) : diffUri(root, task.id, path, 'modified', against);
  await vscode.commands.executeCommand('vscode.diff', left, right, diffTitle(path, against, local), { preview: true });
}

const openFileDiff: ReviewCommand = (env) => async (...args) => {
  const target = await fileTarget(env.controller, args);
  if (target) await openDiff(env, target.task, target.path, env.compare.against);
};

const openAllChanges: ReviewCommand =
  ({ controller, data, compare }) =>
  async (arg) => {
    const task = await taskTarget(controller, arg, 'Open the changes of which task?');
    if (!task) return;
    const { root, local } = mustFilesRoot(task);
    const files = await data.files(task.id);
    if (files.length === 0) {
      void vscode.window.showInformationMessage(`Foundry: "${task.title}" has no changed file.`);
      return;
    }
    const against = compare.against;
    const resources = files.map((f) => {
      const file = local ? worktreeUri(root, f.path) : diffUri(root, task.id, f.path, 'modified', against);
      const original = f.status === 'added' && against === 'base' ? undefined : diffUri(root, task.id, f.path, 'original', against);
      const modified = f.status === 'deleted' ? undefined : f.binary ? diffUri(root, task.id, f.path, 'modified', against) : file;
      return [file, original, modified];
    });
    await vscode.commands.executeCommand('vscode.changes', allChangesTitle(task.title, against, local), resources);
  };

/** Switch what diffs compare with; a Foundry diff in the active editor opens again against it. */
function compareWith(against: Against): ReviewCommand {
  return (env) => async () => {
    env.compare.set(against);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(input instanceof vscode.TabInputTextDiff) || input.original.scheme !== DiffScheme) return;
    const query = decodeDiffQuery(input.original.query);
    const task = typeof query === 'string' ? undefined : env.controller.store.task(query.taskId);
    if (task && typeof query !== 'string' && query.against !== against) await openDiff(env, task, query.path, against);
  };
}

const revertFile: ReviewCommand =
  ({ controller, data }) =>
  async (...args) => {
    const target = await fileTarget(controller, args);
    if (!target) return;
    const { task, path } = target;
    const { message, detail } = revertConfirmation(path, data.loadedChange(task.id, path)?.status);
    if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Revert File')) !== 'Revert File') return;
    const { revertId } = await controller.request(RevertFile, { taskId: task.id, path });
    controller.log.info(`Reverted ${path} of task ${task.id} (revert ${revertId})`);
    // Not awaited: the notification stays while the command is done.
    void vscode.window.showInformationMessage(`Foundry: reverted ${path} in "${task.title}".`, 'Undo').then((choice) => {
      if (choice === 'Undo') void vscode.commands.executeCommand('foundry.undoRevert', task.id, revertId);
    });
  };

const undoRevert: ReviewCommand =
  ({ controller }) =>
  async (taskId, revertId) => {
    if (typeof taskId !== 'string' || typeof revertId !== 'string') throw new Error('Undo Revert needs the task and the revert to undo (use "Undo" on the revert\'s notification).');
    const { path } = await controller.request(UndoRevert, { taskId, revertId });
    controller.log.info(`Undid revert ${revertId} of ${path} (task ${taskId})`);
    void vscode.window.showInformationMessage(`Foundry: ${path} is back as it was before the revert.`);
  };

const openFile: ReviewCommand =
  ({ controller, data }) =>
  async (...args) => {
    const target = await fileTarget(controller, args);
    if (!target) return;
    const { task, path } = target;
    if (data.loadedChange(task.id, path)?.status === 'deleted') {
      void vscode.window.showInformationMessage(`Foundry: ${path} was deleted in the worktree of "${task.title}".`);
      return;
    }
    await vscode.commands.executeCommand('vscode.open', worktreeUri(requireWorktree(task), path));
  };

export const ReviewCommands: Record<string, { readonly title: string; readonly make: ReviewCommand }> = {
  'foundry.openFileDiff': { title: 'Open Changes', make: openFileDiff },
  'foundry.openAllChanges': { title: 'Open All Changes', make: openAllChanges },
  'foundry.compareWithHead': { title: 'Compare with HEAD', make: compareWith('head') },
  'foundry.compareWithBase': { title: 'Compare with Base', make: compareWith('base') },
  'foundry.revertFile': { title: 'Revert File', make: revertFile },
  'foundry.undoRevert': { title: 'Undo Revert', make: undoRevert },
  'foundry.openFile': { title: 'Open File', make: openFile },
};

/** Keep `foundry.inReviewDiff` true while the active editor is a diff of Foundry's (the editor title's compare toggle shows then). */
export function trackReviewDiffEditor(): vscode.Disposable {
  const update = () => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const inReview = input instanceof vscode.TabInputTextDiff && input.original.scheme === DiffScheme;
    void vscode.commands.executeCommand('setContext', 'foundry.inReviewDiff', inReview);
  };
  update();
  return vscode.Disposable.from(vscode.window.tabGroups.onDidChangeTabs(update), vscode.window.tabGroups.onDidChangeTabGroups(update));
}
