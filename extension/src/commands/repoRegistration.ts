/** Register a repository with the sidecar, sending its current setup script. */
import * as vscode from 'vscode';
import { AddRepo, type Repo } from '../../../shared/protocol';
import type { Ctx } from '../ctx';
import { readSetupScript } from '../setupScript';

/** AddRepo with the folder's setup script content; called before CreateTask and RetryTask. */
export async function registerRepo(ctx: Ctx, folder: vscode.Uri): Promise<Repo> {
  const setupScript = await readSetupScript(folder);
  const repo = await ctx.request(AddRepo, { path: folder.fsPath, ...(setupScript !== undefined ? { setupScript } : {}) });
  ctx.store.upsertRepo(repo);
  return repo;
}
