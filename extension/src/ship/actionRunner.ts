/**
 * Runs one repository action the way every ship command does: `foundry/runRepoAction` (awaited
 * only for its `{actionId}`), then a progress notification that follows the action's pushed row
 * and closes when it ends, then what happened: an info message (with "Open on GitHub" for a pull
 * request) or an error with git's or GitHub's reason, the conflicting files and "Retry".
 */
import * as vscode from 'vscode';
import { RunRepoAction, type ParamsOf, type RepoAction } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import type { RepoActionStore } from './repoActionStore';
import { actionName, outcome, progressMessage, progressTitle } from './shipPresentation';

export type ActionParams = ParamsOf<typeof RunRepoAction>;

export interface ActionEnv {
  readonly controller: Controller;
  readonly actions: RepoActionStore;
}

/** Start the action and follow it in the background; resolves once the sidecar queued it. */
export async function runAction(env: ActionEnv, params: ActionParams): Promise<string> {
  const { actionId } = await env.controller.request(RunRepoAction, params);
  env.controller.log.info(`Repository action ${actionId} (${params.kind}) queued for ${params.taskId ?? params.repoId}`);
  // Not awaited: the command is done; the notification follows the action.
  void follow(env, actionId, params).catch((error) => env.controller.log.error(`Following action ${actionId}: ${errorMessage(error)}`));
  return actionId;
}

/** What the messages name: the task's title and branch, or the repository. */
function subjectOf(env: ActionEnv, params: ActionParams) {
  const { store } = env.controller;
  const task = params.taskId ? store.task(params.taskId) : undefined;
  const repo = store.repo(task?.repoId ?? params.repoId ?? '');
  return { title: task?.title, branch: task?.branch, repoName: repo?.name, pullRequest: task?.pullRequest?.number };
}

/** Resolves when the sidecar is gone for good (failed, or stopped), not while it restarts. */
function whenSidecarGone(controller: Controller, until: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const subscription = controller.onDidChangeState((state) => {
      if (state === 'failed' || state === 'stopped') resolve();
    });
    void until.finally(() => subscription.dispose());
  });
}

async function follow(env: ActionEnv, actionId: string, params: ActionParams): Promise<void> {
  const subject = subjectOf(env, params);
  let release = () => {};
  const done = new Promise<void>((resolve) => (release = resolve));
  const gone = whenSidecarGone(env.controller, done);
  const title = progressTitle(params.kind, subject);
  const ended = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: false },
    (progress) => {
      let last = '';
      return env.actions.whenEnded(
        actionId,
        (action) => {
          // An ended action's words belong to the outcome's own notification, not to the
          // progress one that is about to close (both showing them at once reads twice).
          if (action.status === 'succeeded' || action.status === 'failed') return;
          const message = progressMessage(action, title);
          if (message === last) return;
          last = message;
          progress.report({ message });
        },
        gone,
      );
    },
  );
  release();
  if (!ended) {
    void vscode.window.showWarningMessage(`Foundry: lost track of "${actionName(params.kind)}" (${actionId}): the sidecar stopped. The action resumes when the sidecar starts again.`);
    return;
  }
  await report(env, ended, params, subject);
}

async function report(env: ActionEnv, action: RepoAction, params: ActionParams, subject: { title?: string; branch?: string }): Promise<void> {
  const result = outcome(action, subject);
  const log = env.controller.log;
  if (result.ok) {
    log.info(`Repository action ${action.id} (${action.kind}) succeeded: ${result.message}`);
    const choice = await vscode.window.showInformationMessage(`Foundry: ${result.message}.`, ...(result.url ? ['Open on GitHub'] : []));
    if (choice === 'Open on GitHub' && result.url) await vscode.env.openExternal(vscode.Uri.parse(result.url));
    return;
  }
  log.warn(`Repository action ${action.id} (${action.kind}) failed: ${result.message}`);
  const choice = await vscode.window.showErrorMessage(`Foundry: ${result.message}`, 'Retry', 'Show Logs');
  if (choice === 'Show Logs') log.show(true);
  if (choice === 'Retry') {
    await runAction(env, params).catch((error) => vscode.window.showErrorMessage(`Foundry: ${actionName(params.kind)} could not start again: ${errorMessage(error)}`));
  }
}
