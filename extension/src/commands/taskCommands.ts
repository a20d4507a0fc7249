/** Task commands: create, rename, retry, archive, open worktree, show log, add repository. */
import * as vscode from 'vscode';
import { ArchiveTask, CreateTask, DeleteTask, RenameTask, UnarchiveTask, UndoDeleteTask, type TaskSummary } from '../../../shared/protocol';
import { chooseTaskAgent } from '../agents/taskAgent';
import { readConfig } from '../config';
import { errorMessage } from '../errors';
import { TaskLogDocuments } from '../views/taskLogDocument';
import type { CommandEnv, CommandFactory } from './commandEnv';
import { pickWorkspaceFolder, resolveTask } from './pickers';
import { registerRepo, repoForCreate, retryTaskWithCurrentSetup } from './repoRegistration';
import { worktreeWindow } from './worktreeWindow';

const branchSchema = CreateTask.params.shape.branch;

/** Where a new task's branch comes from: a new one (absent), an existing branch, or a pull request. */
export type TaskSource = { readonly fromBranch: string } | { readonly fromPullRequest: number };

/** Picks a task's source in the chosen folder's repository; undefined: the user cancelled. */
export type SourcePicker = (controller: CommandEnv['controller'], folder: vscode.WorkspaceFolder) => Promise<TaskSource | undefined>;

/**
 * The Create Task flow, shared by Create Task and Create Task from Branch / Pull Request: the
 * folder, then (from a branch or pull request) where the task starts, the prompt, the branch name
 * (not for an existing branch: it is the task's), the agent, then one CreateTask.
 */
async function createTaskFlow({ controller, tree }: CommandEnv, pickSource?: SourcePicker): Promise<void> {
  controller.requireRunning();
  const folder = await pickWorkspaceFolder('Create the task in which repository?');
  if (!folder) return;
  const source = pickSource ? await pickSource(controller, folder) : undefined;
  if (pickSource && !source) return;
  const title = source ? `Foundry: Create Task from ${'fromBranch' in source ? `Branch ${source.fromBranch}` : `Pull Request #${source.fromPullRequest}`}` : 'Foundry: Create Task';
  const prompt = await vscode.window.showInputBox({
    title,
    prompt: 'What should the agent do?',
    placeHolder: 'Describe the task (sent to the agent as its first message)',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Describe the task for the agent.'),
  });
  if (prompt === undefined) return;
  const branch = source && 'fromBranch' in source ? '' : await askBranch(title, source);
  if (branch === undefined) return;
  // The agent is this window's choice (the default first): it travels on the request.
  const agent = await chooseTaskAgent(controller, readConfig().defaultAgent);
  if (agent === undefined) return;
  const { repoId, setupScript } = await repoForCreate(controller, folder.uri);
  const task = await controller.request(CreateTask, { repoId, prompt: prompt.trim(), agent, setupScript, ...(branch.trim() ? { branch: branch.trim() } : {}), ...source });
  controller.log.info(`Created task ${task.id} "${task.title}" on ${task.branch}`);
  revealWhenPresent(controller.store, task.id, (id) => tree.revealTask(id)).catch((error) => controller.log.warn(`Could not reveal the new task: ${errorMessage(error)}`));
}

/** The task's branch name: optional ("" for the generated one, or `pr/N` for a pull request). */
function askBranch(title: string, source: TaskSource | undefined): Thenable<string | undefined> {
  const pr = source && 'fromPullRequest' in source ? source.fromPullRequest : undefined;
  return vscode.window.showInputBox({
    title,
    prompt: pr === undefined ? 'Branch name (optional; press Enter for foundry/<name-from-prompt>)' : `Branch for the pull request (optional; press Enter for pr/${pr})`,
    placeHolder: pr === undefined ? 'foundry/my-change' : `pr/${pr}`,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!value.trim()) return undefined;
      const result = branchSchema.safeParse(value.trim());
      return result.success ? undefined : (result.error.issues[0]?.message ?? 'Not a valid branch name.');
    },
  });
}

export const createTask: CommandFactory = (env) => () => createTaskFlow(env);

/** Create Task from Branch / from Pull Request: the same flow, after the picker of where it starts. */
export const createTaskFrom =
  (pickSource: SourcePicker): CommandFactory =>
  (env) =>
  () =>
    createTaskFlow(env, pickSource);

export const renameTask: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Rename which task?');
    if (!task) return;
    const title = await vscode.window.showInputBox({
      title: 'Foundry: Rename Task',
      value: task.title,
      validateInput: (value) => (value.trim() ? undefined : 'The title must not be empty.'),
    });
    if (title === undefined || title.trim() === task.title) return;
    await controller.request(RenameTask, { taskId: task.id, title: title.trim() });
  };

export const retryTask: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Retry which task?');
    if (!task) return;
    await retryTaskWithCurrentSetup(controller, task.id);
  };

export const archiveTask: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Archive which task?');
    if (!task) return;
    const choice = await vscode.window.showWarningMessage(
      `Archive the task "${task.title}"?`,
      { modal: true, detail: `Its agent sessions stop, the repository's teardown script runs, and its worktree is kept as a snapshot (uncommitted and git-ignored files included), then removed; the branch ${task.branch} stays. Unarchive brings it back.` },
      'Archive',
    );
    if (choice !== 'Archive') return;
    await archiveWithOutcome(controller, task.id, false);
  };

/**
 * Archive, then follow the task until it is archived or failed: a failed archive (a teardown
 * script that failed) offers Retry and Archive anyway (the same archive, without the teardown).
 */
async function archiveWithOutcome(controller: CommandEnv['controller'], taskId: string, skipTeardown: boolean): Promise<void> {
  await controller.request(ArchiveTask, { taskId, ...(skipTeardown ? { skipTeardown: true } : {}) });
  const outcome = await settled(controller.store, taskId, ['archived', 'error']);
  if (outcome?.status !== 'error' || !outcome.errorMessage?.startsWith('Archive failed')) return;
  const choice = await vscode.window.showErrorMessage(`Foundry: ${outcome.errorMessage}`, 'Retry', 'Archive anyway', 'Show Task Log');
  if (choice === 'Retry') await archiveWithOutcome(controller, taskId, false);
  else if (choice === 'Archive anyway') await archiveWithOutcome(controller, taskId, true);
  else if (choice === 'Show Task Log') await vscode.commands.executeCommand('foundry.showTaskLog', taskId);
}

/** The task once it reaches one of `statuses` (as pushed), or undefined when it goes away. */
export function settled(store: CommandEnv['controller']['store'], taskId: string, statuses: readonly string[]): Promise<TaskSummary | undefined> {
  return new Promise((resolve) => {
    const check = () => {
      const t = store.task(taskId);
      if (t && !statuses.includes(t.status)) return false;
      subscription.dispose();
      resolve(t);
      return true;
    };
    const subscription = store.onDidChange(() => void check());
    check();
  });
}

export const unarchiveTask: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveShelved(controller, arg, 'archived', 'Unarchive which task?');
    if (!task) return;
    await controller.request(UnarchiveTask, { taskId: task.id });
    const back = await settled(controller.store, task.id, ['idle', 'running', 'error']);
    if (back?.status === 'error') void vscode.window.showErrorMessage(`Foundry: ${back.errorMessage ?? 'Unarchive failed.'}`);
    else if (back?.statusMessage?.startsWith('Restored onto')) void vscode.window.showInformationMessage(`Foundry: "${back.title}" is back. Its branch had moved or was checked out elsewhere: ${back.statusMessage}.`);
  };

export const deleteTask: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Delete which task?');
    if (!task) return;
    await controller.request(DeleteTask, { taskId: task.id });
    const done = await settled(controller.store, task.id, ['deleted', 'error']);
    if (done?.status === 'error') {
      void vscode.window.showErrorMessage(`Foundry: ${done.errorMessage ?? 'Delete failed.'}`);
      return;
    }
    const choice = await vscode.window.showInformationMessage(`Deleted "${task.title}": its worktree and branch are gone, a snapshot is kept until you purge deleted tasks.`, 'Undo');
    if (choice === 'Undo') await undoDelete(controller, task.id);
  };

export const undoDeleteTask: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveShelved(controller, arg, 'deleted', 'Bring back which deleted task?');
    if (task) await undoDelete(controller, task.id);
  };

async function undoDelete(controller: CommandEnv['controller'], taskId: string): Promise<void> {
  await controller.request(UndoDeleteTask, { taskId });
  const back = await settled(controller.store, taskId, ['idle', 'running', 'error']);
  if (back?.status === 'error') void vscode.window.showErrorMessage(`Foundry: ${back.errorMessage ?? 'Undo delete failed.'}`);
}

/** A task node or id of the given shelf, or a pick among them. */
async function resolveShelved(controller: CommandEnv['controller'], arg: unknown, status: 'archived' | 'deleted', placeHolder: string): Promise<TaskSummary | undefined> {
  if (arg !== undefined) return resolveTask(controller, arg, placeHolder);
  await controller.whenReady();
  const tasks = controller.store.tasks.filter((t) => t.status === status);
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage(`Foundry has no ${status} tasks.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tasks.map((task) => ({ label: task.title, description: task.branch, detail: controller.store.repo(task.repoId)?.name, task })),
    { placeHolder },
  );
  return picked?.task;
}

export const openWorktree: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Open the worktree of which task?');
    if (!task) return;
    const target = worktreeWindow(task);
    if ('notice' in target) {
      void vscode.window.showInformationMessage(target.notice);
      return;
    }
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(target.folder), target.options);
  };

export const showTaskLog: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Show the log of which task?');
    if (!task) return;
    const doc = await vscode.workspace.openTextDocument(TaskLogDocuments.uri(task.id, task.title));
    await vscode.languages.setTextDocumentLanguage(doc, 'log');
    await vscode.window.showTextDocument(doc, { preview: true });
  };

export const addRepository: CommandFactory =
  ({ controller }) =>
  async () => {
    controller.requireRunning();
    const folders = vscode.workspace.workspaceFolders ?? [];
    const browse = { label: '$(folder-opened) Browse...', folder: undefined as vscode.Uri | undefined };
    const picked = await vscode.window.showQuickPick([...folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f.uri })), browse], {
      placeHolder: 'Add which git repository to Foundry?',
    });
    if (!picked) return;
    let folder = picked.folder;
    if (!folder) {
      const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Add Repository' });
      folder = chosen?.[0];
    }
    if (!folder) return;
    const repo = await registerRepo(controller, folder);
    void vscode.window.showInformationMessage(`Foundry: added repository ${repo.name}${repo.setupScript ? ' (with a setup script)' : ''}.`);
  };

/** Reveal a task in the tree as soon as its push lands in the store (it usually already has). */
function revealWhenPresent(store: { task(id: string): unknown; onDidChange: vscode.Event<void> }, taskId: string, reveal: (id: string) => Thenable<void>): Promise<void> {
  if (store.task(taskId)) return Promise.resolve(reveal(taskId));
  return new Promise((resolve) => {
    const subscription = store.onDidChange(() => {
      if (!store.task(taskId)) return;
      subscription.dispose();
      clearTimeout(giveUp);
      resolve(reveal(taskId));
    });
    // The push normally arrives within milliseconds; stop listening if it never does.
    const giveUp = setTimeout(() => {
      subscription.dispose();
      resolve();
    }, 30_000);
  });
}
