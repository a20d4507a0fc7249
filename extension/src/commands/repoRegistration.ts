/** Register a repository with the sidecar, sending its current setup script. */
import * as vscode from 'vscode';
import { AddRepo, RetryTask, type Repo, type TaskSummary } from '../../../shared/protocol';
import type { Ctx } from '../ctx';
import { readSetupScript } from '../setupScript';

/** AddRepo with the folder's setup script content; called before CreateTask and RetryTask. */
export async function registerRepo(ctx: Ctx, folder: vscode.Uri): Promise<Repo> {
  const setupScript = await readSetupScript(folder);
  // "" when the folder has none: an absent setupScript would keep the sidecar's previous one.
  const repo = await ctx.request(AddRepo, { path: folder.fsPath, setupScript: setupScript ?? '' });
  ctx.store.upsertRepo(repo);
  return repo;
}

/**
 * The repository id for a CreateTask on `folder`, with its current setup script sent first.
 * A repository the workbench already knows is not waited for: requests are handled in the
 * order they are sent, so the sidecar has the new script before it sees the CreateTask.
 */
export async function repoIdForCreate(ctx: Ctx, folder: vscode.Uri): Promise<string> {
  const known = ctx.store.repos.find((r) => r.path === folder.fsPath);
  const registered = registerRepo(ctx, folder);
  if (!known) return (await registered).id;
  registered.catch((error) => ctx.log.warn(`Could not update repository ${known.name}: ${(error as Error).message}`));
  return known.id;
}

/**
 * RetryTask, after sending the repository's setup script again so a fixed script is picked up.
 * Every retry goes through here: the tree, the palette and the chat tab's Retry button.
 */
export async function retryTaskWithCurrentSetup(ctx: Ctx, taskId: string): Promise<TaskSummary> {
  const repo = ctx.store.repo(ctx.store.task(taskId)?.repoId ?? '');
  if (repo) await registerRepo(ctx, vscode.Uri.file(repo.path));
  return ctx.request(RetryTask, { taskId });
}
