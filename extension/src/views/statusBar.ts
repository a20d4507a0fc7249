/**
 * The Foundry status bar item: one render function of the sidecar state and the workbench store.
 * It shows the work in progress and how many sessions need the user (`$(bell) 2 need you`). Click
 * focuses the Attention view when something needs the user, else reveals the task explorer.
 */
import * as vscode from 'vscode';
import type { ServerStatusParams } from '../../../shared/protocol';
import type { SidecarState } from '../controller';
import type { WorkbenchStore } from '../workbenchStore';
import { attentionSummary } from './attention';
import { countTasks, statusText } from './statusText';
import { AttentionViewId } from './attentionView';

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
