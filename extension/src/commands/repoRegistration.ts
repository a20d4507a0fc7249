/** Register a repository with the sidecar, sending its current setup script. */
import * as vscode from 'vscode';
import { AddRepo, RetryTask, type ProviderId, type Repo, type TaskSummary } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { repoIdentity } from '../views/repoIdentity';
import { readSetupScript } from './setupScript';
import { copyIgnoredSetting, providerSetting, regenerableFoldersSetting, teardownScriptSetting } from '../config';

/**
 * The folder's repository settings the sidecar keeps on the repository (archive, snapshots, new
 * worktrees read them there; `provider`: where its new tasks' sandboxes live).
 */
function repoSettings(folder: vscode.Uri): { teardownScript: string; copyIgnored: string[]; regenerableFolders: string[]; provider: ProviderId } {
  return {
    teardownScript: teardownScriptSetting(folder),
    copyIgnored: copyIgnoredSetting(folder),
    regenerableFolders: regenerableFoldersSetting(folder),
    provider: providerSetting(folder),
  };
}

/** Whether the repository as the sidecar last pushed it already holds `settings`. */
function holds(repo: Repo, settings: ReturnType<typeof repoSettings>): boolean {
  const same = (a: readonly string[] | undefined, b: readonly string[]) => JSON.stringify(a ?? []) === JSON.stringify(b);
  return (
    (repo.teardownScript ?? '') === (settings.teardownScript.trim() ? settings.teardownScript : '') &&
    same(repo.copyIgnored, settings.copyIgnored) &&
    JSON.stringify(repo.regenerableFolders ?? null) === JSON.stringify(settings.regenerableFolders) &&
    (repo.provider ?? 'local') === settings.provider
  );
}

/** AddRepo with the folder's setup script content; called before CreateTask and RetryTask. */
export async function registerRepo(controller: Controller, folder: vscode.Uri): Promise<Repo> {
  const setupScript = await readSetupScript(folder);
  // "" when the folder has none: an absent setupScript would keep the sidecar's previous one.
  const repo = await controller.request(AddRepo, { path: folder.fsPath, setupScript: setupScript ?? '', ...repoSettings(folder) });
  controller.store.upsertRepo(repo);
  return repo;
}

/**
 * What a CreateTask on `folder` needs: the repository id and the folder's current setup script
 * ("" when it has none). The script travels on the CreateTask itself, so the sidecar snapshots it
 * on the task and updates the repository in the same transaction - two windows can never race to
 * set it. Only a repository the workbench does not know yet is registered first, or one whose
 * other settings (teardown script, copied ignored files, regenerable folders, provider) changed since.
 */
export async function repoForCreate(controller: Controller, folder: vscode.Uri): Promise<{ repoId: string; setupScript: string }> {
  await controller.whenReady();
  const setupScript = (await readSetupScript(folder)) ?? '';
  const identity = await repoIdentity(folder.fsPath);
  const known = controller.store.repos.find((r) => r.path === folder.fsPath || r.path === identity);
  const settings = repoSettings(folder);
  if (known && holds(known, settings)) return { repoId: known.id, setupScript };
  const repo = await controller.request(AddRepo, { path: known?.path ?? folder.fsPath, ...(known ? {} : { setupScript }), ...settings });
  controller.store.upsertRepo(repo);
  return { repoId: repo.id, setupScript };
}

/**
 * RetryTask with the repository's current setup script, so a fixed script is picked up (the
 * sidecar snapshots it on the task). Every retry goes through here: the tree, the palette and
 * the chat tab's Retry button.
 */
export async function retryTaskWithCurrentSetup(controller: Controller, taskId: string): Promise<TaskSummary> {
  const repo = controller.store.repo(controller.store.task(taskId)?.repoId ?? '');
  const setupScript = repo ? ((await readSetupScript(vscode.Uri.file(repo.path))) ?? '') : undefined;
  return controller.request(RetryTask, { taskId, ...(setupScript !== undefined ? { setupScript } : {}) });
}
