/** Register a repository with the sidecar, sending its current setup script. */
import * as vscode from 'vscode';
import { AddRepo, RetryTask, type Repo, type TaskSummary } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import { readSetupScript } from './setupScript';

/** AddRepo with the folder's setup script content; called before CreateTask and RetryTask. */
export async function registerRepo(controller: Controller, folder: vscode.Uri): Promise<Repo> {
  const setupScript = await readSetupScript(folder);
  // "" when the folder has none: an absent setupScript would keep the sidecar's previous one.
  const repo = await controller.request(AddRepo, { path: folder.fsPath, setupScript: setupScript ?? '' });
  controller.store.upsertRepo(repo);
  return repo;
}

/**
 * The repository id for a CreateTask on `folder`, with its current setup script sent first.
 * A repository the workbench already knows is not waited for: requests are handled in the
 * order they are sent, so the sidecar has the new script before it sees the CreateTask.
 */
export async function repoIdForCreate(controller: Controller, folder: vscode.Uri): Promise<string> {
  await controller.whenReady();
  const known = controller.store.repos.find((r) => r.path === folder.fsPath);
  const registered = registerRepo(controller, folder);
  if (!known) return (await registered).id;
  registered.catch((error) => controller.log.warn(`Could not update repository ${known.name}: ${errorMessage(error)}`));
  return known.id;
}

/**
 * RetryTask, after sending the repository's setup script again so a fixed script is picked up.
 * Every retry goes through here: the tree, the palette and the chat tab's Retry button.
 */
export async function retryTaskWithCurrentSetup(controller: Controller, taskId: string): Promise<TaskSummary> {
  const repo = controller.store.repo(controller.store.task(taskId)?.repoId ?? '');
  if (repo) await registerRepo(controller, vscode.Uri.file(repo.path));
  return controller.request(RetryTask, { taskId });
}
