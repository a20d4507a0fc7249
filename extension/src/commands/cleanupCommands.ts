/**
 * "Foundry: Purge Deleted Tasks" and "Foundry: Clean Up": the inventory first (what goes, its size,
 * whether it holds work that exists nowhere else, what the snapshots left out), chosen in a quick
 * pick and confirmed in a modal, then foundry/runCleanup. Nothing goes without being shown.
 */
import * as vscode from 'vscode';
import { GetCleanupInventory, RunCleanup, type CleanupItem, type CleanupScope } from '../../../shared/protocol';
import { formatBytes } from '../views/taskPresentation';
import type { CommandEnv, CommandFactory } from './commandEnv';

const what = (i: CleanupItem) => [i.removesTask ? 'the task and its transcripts' : '', i.refs.length ? `${i.refs.length} ref${i.refs.length === 1 ? '' : 's'} under refs/foundry/` : '', i.worktree ? `worktree ${i.worktree}` : '', i.branch ? `branch ${i.branch}` : ''].filter(Boolean).join(', ');

async function runInventory(controller: CommandEnv['controller'], scope: CleanupScope, title: string): Promise<void> {
  const { items } = await controller.request(GetCleanupInventory, { scope });
  if (items.length === 0) {
    void vscode.window.showInformationMessage(scope === 'deleted' ? 'Foundry: there are no deleted tasks to purge.' : 'Foundry: nothing to clean up.');
    return;
  }
  const picks = await vscode.window.showQuickPick(
    items.map((i) => ({
      label: `${i.uniqueWork ? '$(warning) ' : ''}${i.title}`,
      description: `${formatBytes(i.bytes)}${i.uniqueWork ? ' · holds unique work' : ''}`,
      detail: `${what(i)}${i.excluded.length ? ` · not kept (regenerable): ${i.excluded.join(', ')}` : ''}`,
      picked: !i.uniqueWork,
      item: i,
    })),
    { title, canPickMany: true, placeHolder: 'What goes for good (a warning marks work that exists nowhere else)' },
  );
  if (!picks?.length) return;
  const unique = picks.filter((p) => p.item.uniqueWork);
  const bytes = picks.reduce((n, p) => n + p.item.bytes, 0);
  const choice = await vscode.window.showWarningMessage(
    `${title}: remove ${picks.length} item${picks.length === 1 ? '' : 's'} (${formatBytes(bytes)}) for good?`,
    { modal: true, detail: unique.length ? `${unique.length} of them hold${unique.length === 1 ? 's' : ''} work that exists nowhere else: ${unique.map((p) => p.item.title).join(', ')}. It cannot be brought back.` : 'Nothing selected holds work that exists nowhere else.' },
    'Remove',
  );
  if (choice !== 'Remove') return;
  await controller.request(RunCleanup, { taskIds: picks.map((p) => p.item.taskId), scope });
}

export const purgeDeletedTasks: CommandFactory =
  ({ controller }) =>
  () =>
    runInventory(controller, 'deleted', 'Foundry: Purge Deleted Tasks');

export const cleanUp: CommandFactory =
  ({ controller }) =>
  () =>
    runInventory(controller, 'cleanup', 'Foundry: Clean Up');
