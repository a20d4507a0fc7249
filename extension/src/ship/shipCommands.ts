/**
 * The ship commands: Commit…, Push, Create Pull Request…, Merge Pull Request, Fetch, Rebase on
 * Base, Merge Base In, Apply to My Checkout, Open Pull Request on GitHub, Sign in to GitHub. Each
 * asks what it needs, then starts one repository action (actionRunner.ts) and returns: the action
 * runs in the sidecar, followed by its progress notification.
 */
import * as vscode from 'vscode';
import { ProposeCommitMessage, RunRepoAction, type RepoActionKind, type TaskSummary } from '../../../shared/protocol';
import { resolveTask } from '../commands/pickers';
import type { Controller } from '../controller';
import { runAction, type ActionEnv } from './actionRunner';
import { signInToGitHub } from './githubAuth';
import { hasSandbox, isRemote } from '../sandboxes/sandboxPresentation';
import { joinCommitMessage, MergeMethods, splitCommitMessage } from './shipPresentation';

type ShipCommand = (env: ActionEnv) => (...args: unknown[]) => unknown;

/** A tree row: a repository's (Fetch) or one that names a task. */
interface NodeLike {
  readonly kind: string;
  readonly repoId?: string;
}

function isNode(arg: unknown): arg is NodeLike {
  return typeof arg === 'object' && arg !== null && 'kind' in arg;
}

/** The task, once it has a sandbox: a worktree, or a remote one (the sidecar refuses the same, with the state). */
async function workingTask(controller: Controller, arg: unknown, placeHolder: string): Promise<TaskSummary | undefined> {
  const task = await resolveTask(controller, arg, placeHolder);
  if (task && !hasSandbox(task)) throw new Error(`the task "${task.title}" has no sandbox yet (${task.status}).`);
  return task;
}

/** A command that runs one action kind on a task, with nothing to ask. */
function simple(kind: RepoActionKind, placeHolder: string): ShipCommand {
  return (env) => async (arg) => {
    const task = await workingTask(env.controller, arg, placeHolder);
    if (task) await runAction(env, { taskId: task.id, kind });
  };
}

const commit: ShipCommand = (env) => async (arg) => {
  const task = await workingTask(env.controller, arg, 'Commit the changes of which task?');
  if (!task) return;
  const { message } = await env.controller.request(ProposeCommitMessage, { taskId: task.id });
  const { subject, body } = splitCommitMessage(message);
  const bodyLines = body ? body.split('\n').length : 0;
  const typed = await vscode.window.showInputBox({
    title: `Foundry: Commit "${task.title}"`,
    prompt: bodyLines
      ? `Commit message (its subject; the proposed description of ${bodyLines} line${bodyLines === 1 ? '' : 's'} follows it)`
      : 'Commit message',
    value: subject,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'The commit message must not be empty.'),
  });
  if (typed === undefined) return;
  await runAction(env, { taskId: task.id, kind: 'commit', message: joinCommitMessage(typed, body) });
};

const titleSchema = RunRepoAction.params.shape.title;

const createPullRequest: ShipCommand = (env) => async (arg) => {
  const task = await workingTask(env.controller, arg, 'Open a pull request for which task?');
  if (!task) return;
  if (task.pullRequest && (task.pullRequest.state === 'open' || task.pullRequest.state === 'draft')) {
    const choice = await vscode.window.showInformationMessage(`Foundry: "${task.title}" already has pull request #${task.pullRequest.number}.`, 'Open on GitHub');
    if (choice === 'Open on GitHub') await vscode.env.openExternal(vscode.Uri.parse(task.pullRequest.url));
    return;
  }
  const title = await vscode.window.showInputBox({
    title: 'Foundry: Create Pull Request',
    prompt: `Pull request title (the branch ${task.branch} is pushed first)`,
    value: task.title,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const result = titleSchema.safeParse(value.trim());
      return result.success ? undefined : (result.error.issues[0]?.message ?? 'Not a valid title.');
    },
  });
  if (title === undefined) return;
  const how = await vscode.window.showQuickPick(
    [
      { label: 'Open', detail: 'Ready for review.', draft: false },
      { label: 'Open as Draft', detail: 'Not ready for review yet; it cannot be merged until marked ready.', draft: true },
    ],
    { title: 'Foundry: Create Pull Request', placeHolder: 'Open the pull request for review, or as a draft?', ignoreFocusOut: true },
  );
  if (!how) return;
  await runAction(env, { taskId: task.id, kind: 'create_pull_request', title: title.trim(), draft: how.draft });
};

const mergePullRequest: ShipCommand = (env) => async (arg) => {
  const task = await workingTask(env.controller, arg, 'Merge the pull request of which task?');
  if (!task) return;
  const pr = task.pullRequest;
  if (!pr || pr.state !== 'open') {
    void vscode.window.showInformationMessage(`Foundry: "${task.title}" has no open pull request${pr ? ` (#${pr.number} is ${pr.state})` : ''}.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    MergeMethods.map((m) => ({ label: m.label, detail: m.detail, method: m.method })),
    { title: `Foundry: Merge Pull Request #${pr.number}`, placeHolder: `How should pull request #${pr.number} be merged?`, ignoreFocusOut: true },
  );
  if (!picked) return;
  const checks = pr.checks.state === 'failure' ? ` Its checks failed (${pr.checks.failed} of ${pr.checks.total}).` : pr.checks.state === 'pending' ? ' Its checks are still running.' : '';
  const go = await vscode.window.showWarningMessage(
    `Merge pull request #${pr.number} "${pr.title}"?`,
    { modal: true, detail: `${picked.label} on GitHub.${checks}` },
    'Merge',
  );
  if (go !== 'Merge') return;
  await runAction(env, { taskId: task.id, kind: 'merge_pull_request', mergeMethod: picked.method });
};

const applyToCheckout: ShipCommand = (env) => async (arg) => {
  const task = await workingTask(env.controller, arg, "Apply which task's changes to your checkout?");
  if (!task) return;
  const repo = env.controller.store.repo(task.repoId);
  const go = await vscode.window.showWarningMessage(
    `Apply the changes of "${task.title}" to your checkout?`,
    { modal: true, detail: `They come into ${repo?.path ?? 'the repository'} as uncommitted changes. Nothing is touched if they do not apply cleanly.` },
    'Apply',
  );
  if (go === 'Apply') await runAction(env, { taskId: task.id, kind: 'apply_to_checkout' });
};

/** A remote task's branch and uncommitted work, fetched from its sandbox into the local repository. */
const bringChangesLocal: ShipCommand = (env) => async (arg) => {
  const task = await resolveTask(env.controller, arg, 'Bring the changes of which remote task local?', {
    offered: isRemote,
    none: 'Foundry: no task runs in a remote sandbox ("foundry.provider": "daytona" makes new tasks of a folder remote).',
  });
  if (!task) return;
  if (!isRemote(task)) throw new Error(`the task "${task.title}" has a worktree on this machine already: open it with "Open Worktree in New Window".`);
  await runAction(env, { taskId: task.id, kind: 'bring_changes_local' });
};

/** Fetch a repository (its row, or a pick when there are several), or the repository of a task's row. */
const fetch: ShipCommand = (env) => async (arg) => {
  const { controller } = env;
  if (typeof arg === 'string' || (isNode(arg) && arg.kind !== 'repo')) {
    const task = await workingTask(controller, arg, 'Fetch for which task?');
    if (task) await runAction(env, { taskId: task.id, kind: 'fetch' });
    return;
  }
  let repoId = isNode(arg) ? arg.repoId : undefined;
  if (!repoId) {
    await controller.whenReady();
    const repos = controller.store.repos;
    if (repos.length === 0) {
      void vscode.window.showInformationMessage('Foundry has no repositories yet. Run "Foundry: Create Task" first.');
      return;
    }
    const picked =
      repos.length === 1
        ? { repo: repos[0] }
        : await vscode.window.showQuickPick(
            repos.map((repo) => ({ label: repo.name, description: repo.path, repo })),
            { placeHolder: 'Fetch which repository from origin?' },
          );
    repoId = picked?.repo.id;
  }
  if (repoId) await runAction(env, { repoId, kind: 'fetch' });
};

const openPullRequest: ShipCommand = (env) => async (arg) => {
  const task = await resolveTask(env.controller, arg, 'Open the pull request of which task?');
  if (!task) return;
  if (!task.pullRequest) {
    void vscode.window.showInformationMessage(`Foundry: "${task.title}" has no pull request yet. Run "Foundry: Create Pull Request…".`);
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(task.pullRequest.url));
};

export const ShipCommands: Record<string, { readonly title: string; readonly make: ShipCommand }> = {
  'foundry.commit': { title: 'Commit…', make: commit },
  'foundry.push': { title: 'Push', make: simple('push', 'Push which task?') },
  'foundry.createPullRequest': { title: 'Create Pull Request…', make: createPullRequest },
  'foundry.mergePullRequest': { title: 'Merge Pull Request', make: mergePullRequest },
  'foundry.fetch': { title: 'Fetch', make: fetch },
  'foundry.rebaseOnBase': { title: 'Rebase on Base', make: simple('rebase_on_base', 'Rebase which task on its base?') },
  'foundry.mergeBaseIn': { title: 'Merge Base In', make: simple('merge_base_in', 'Merge the base into which task?') },
  'foundry.applyToCheckout': { title: 'Apply to My Checkout', make: applyToCheckout },
  'foundry.bringChangesLocal': { title: 'Bring Changes Local', make: bringChangesLocal },
  'foundry.openPullRequest': { title: 'Open Pull Request on GitHub', make: openPullRequest },
  'foundry.signInToGitHub': { title: 'Sign in to GitHub', make: ({ controller }) => signInToGitHub(controller) },
};
