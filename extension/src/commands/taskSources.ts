/**
 * Where Create Task from Branch / from Pull Request start: a branch picked from the repository's
 * overview (foundry/getRepoOverview: read from the sidecar's cache, never git), or typed when the
 * overview cannot list them (not built yet, failed, or empty); a pull request by its number.
 */
import * as vscode from 'vscode';
import { CreateTask, GetRepoOverview } from '../../../shared/protocol';
import { errorMessage } from '../errors';
import { branchPicks, parsePullRequest } from './branchPicks';
import { repoForCreate } from './repoRegistration';
import type { SourcePicker } from './taskCommands';

const branchSchema = CreateTask.params.shape.fromBranch;

function typeBranch(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Foundry: Create Task from Branch',
    prompt: 'The existing branch the task works on (local, or on origin)',
    placeHolder: 'feature/login',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const result = branchSchema.safeParse(value.trim());
      return result.success ? undefined : (result.error.issues[0]?.message ?? 'Not a valid branch name.');
    },
  });
}

export const pickBranchSource: SourcePicker = async (controller, folder) => {
  const { repoId } = await repoForCreate(controller, folder.uri);
  const defaultBranch = controller.store.repo(repoId)?.defaultBranch ?? '';
  let picks: ReturnType<typeof branchPicks> = [];
  try {
    picks = branchPicks(await controller.request(GetRepoOverview, { repoId }), defaultBranch);
  } catch (error) {
    // The overview may not be there yet (or failed): typing the name always works.
    controller.log.info(`Create Task from Branch: no branch list (${errorMessage(error)}); asking for the name.`);
  }
  let branch: string | undefined;
  if (picks.length > 1) {
    const picked = await vscode.window.showQuickPick(picks, { title: 'Foundry: Create Task from Branch', placeHolder: 'Start the task on which branch?', matchOnDescription: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    branch = picked.branch ?? (await typeBranch());
  } else {
    branch = await typeBranch();
  }
  return branch?.trim() ? { fromBranch: branch.trim() } : undefined;
};

export const pickPullRequestSource: SourcePicker = async () => {
  const value = await vscode.window.showInputBox({
    title: 'Foundry: Create Task from Pull Request',
    prompt: "The pull request's number on the repository's GitHub remote",
    placeHolder: '7',
    ignoreFocusOut: true,
    validateInput: (text) => {
      const n = parsePullRequest(text);
      return typeof n === 'string' ? n : undefined;
    },
  });
  if (value === undefined) return undefined;
  const n = parsePullRequest(value);
  return typeof n === 'number' ? { fromPullRequest: n } : undefined;
};
