/**
 * VS Code notifications for what needs the user: a session that asks for input, and a long turn
 * that finished while its tab was hidden (notificationPlan.ts decides which). Each has "Open",
 * which opens the session's chat tab. Only the focused window notifies; `foundry.notifications`
 * (`all`, `needsInput`, `off`) chooses which.
 */
import * as vscode from 'vscode';
import type { WorkbenchStore } from '../workbenchStore';
import { LongTurnMs, parseLevel, planNotifications, type Notice, type NotifyState } from './notificationPlan';

export const NotificationsSetting = 'foundry.notifications';

export interface NotifierDeps {
  readonly store: WorkbenchStore;
  /** The agent's name for the user. */
  readonly agentName: (agentId: string) => string;
  /** Open (or reveal) the session's chat tab. */
  readonly open: (sessionId: string) => void;
  /** Whether the session's chat tab is visible in this window. */
  readonly isTabVisible: (sessionId: string) => boolean;
}

export class Notifier implements vscode.Disposable {
  private state: NotifyState | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly deps: NotifierDeps) {
    this.subscription = deps.store.onDidChange(() => this.update());
    this.update();
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private update(): void {
    // Before the first bootstrap the store is empty: the first look must be the real workbench.
    if (!this.deps.store.loaded) return;
    const plan = planNotifications(this.state, this.deps.store.tasks, {
      now: Date.now(),
      focused: vscode.window.state.focused,
      level: parseLevel(vscode.workspace.getConfiguration().get(NotificationsSetting)),
      longTurnMs: LongTurnMs,
      isTabVisible: this.deps.isTabVisible,
      agentName: this.deps.agentName,
    });
    this.state = plan.state;
    for (const notice of plan.notices) this.show(notice);
  }

  private show(notice: Notice): void {
    const shown = notice.kind === 'needs_input' ? vscode.window.showWarningMessage(notice.message, 'Open') : vscode.window.showInformationMessage(notice.message, 'Open');
    void shown.then((choice) => {
      if (choice === 'Open') this.deps.open(notice.sessionId);
    });
  }
}
