/**
 * The Foundry status bar item: one render function of the sidecar state and the workbench store.
 * It shows the work in progress and how many sessions need the user (`$(bell) 2 need you`). Click
 * focuses the Attention view when something needs the user, else reveals the task explorer.
 */
import * as vscode from 'vscode';
import { isProvisioning, type ServerStatusParams } from '../../../shared/protocol';
import type { SidecarState } from '../controller';
import type { WorkbenchStore } from '../workbenchStore';
import { attentionItems, attentionSummary } from './attention';
import { AttentionViewId } from './attentionView';

export interface StatusCounts {
  readonly provisioning: number;
  readonly running: number;
  readonly errors: number;
  /** Sessions that need the user (attention.ts). */
  readonly attention: number;
}

export function countTasks(store: WorkbenchStore): StatusCounts {
  let provisioning = 0;
  let running = 0;
  let errors = 0;
  for (const task of store.activeTasks()) {
    if (isProvisioning(task.status)) provisioning++;
    else if (task.status === 'running') running++;
    else if (task.status === 'error') errors++;
  }
  return { provisioning, running, errors, attention: attentionItems(store.tasks).length };
}

/** The status bar text for a state and counts. */
export function statusText(state: SidecarState, counts: StatusCounts): string {
  if (state === 'starting') return '$(loading~spin) Foundry: starting';
  if (state === 'failed' || state === 'stopped') return '$(debug-disconnect) Foundry: sidecar not running';
  const busy = [counts.provisioning > 0 ? `${counts.provisioning} provisioning` : '', counts.running > 0 ? `${counts.running} running` : '']
    .filter(Boolean)
    .join(', ');
  const errors = counts.errors > 0 ? `${counts.errors} error${counts.errors === 1 ? '' : 's'}` : '';
  const needYou = counts.attention > 0 ? `, $(bell) ${attentionSummary(counts.attention)}` : '';
  if (busy) return `$(loading~spin) Foundry: ${busy}${errors ? `, $(error) ${errors}` : ''}${needYou}`;
  if (errors) return `$(error) Foundry: ${errors}${needYou}`;
  if (needYou) return `$(bell) Foundry: ${attentionSummary(counts.attention)}`;
  return '$(check) Foundry';
}

/** VS Code's own focus command of the Attention view. */
const FocusAttention = `${AttentionViewId}.focus`;

export class FoundryStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('foundry.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly store: WorkbenchStore,
    private readonly getState: () => SidecarState,
    private readonly getFailure: () => string | undefined,
    private readonly getServerStatus: () => ServerStatusParams | undefined,
    onDidChange: vscode.Event<unknown>[],
  ) {
    this.item.name = 'Foundry';
    this.subscriptions = [store.onDidChange(() => this.render()), ...onDidChange.map((event) => event(() => this.render()))];
    this.render();
  }

  private render(): void {
    const state = this.getState();
    const counts = countTasks(this.store);
    this.item.text = statusText(state, counts);
    this.item.command = counts.attention > 0 && state === 'running' ? FocusAttention : 'workbench.view.extension.foundry';
    const down = state === 'failed' || state === 'stopped';
    this.item.backgroundColor = down || counts.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['foundry.createTask', 'foundry.showLogs', 'foundry.restartSidecar', 'workbench.view.extension.foundry', FocusAttention] };
    md.appendMarkdown('**Foundry**\n\n');
    if (down) {
      md.appendMarkdown(`Sidecar not running${this.getFailure() ? `: ${this.getFailure()}` : ''}\n\n`);
      md.appendMarkdown('[Restart Sidecar](command:foundry.restartSidecar) · [Show Logs](command:foundry.showLogs)');
    } else if (state === 'starting') {
      md.appendMarkdown('Starting the sidecar...\n\n[Show Logs](command:foundry.showLogs)');
    } else {
      md.appendMarkdown(`${counts.provisioning} provisioning · ${counts.running} running · ${counts.errors} failed · ${this.store.activeTasks().length} tasks\n\n`);
      const status = this.getServerStatus();
      if (status) md.appendMarkdown(status.quiescent ? 'Sidecar: settled\n\n' : `Sidecar: working (${status.jobs} jobs, ${status.turns} turns)\n\n`);
      if (counts.attention > 0) md.appendMarkdown(`$(bell) ${attentionSummary(counts.attention)}: [Show Attention](command:${FocusAttention})\n\n`);
      md.appendMarkdown('[Show Tasks](command:workbench.view.extension.foundry) · [Create Task](command:foundry.createTask) · [Show Logs](command:foundry.showLogs)');
    }
    this.item.tooltip = md;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
