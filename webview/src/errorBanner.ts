/**
 * The banner of a session in error: why, and the ways out. Restart always (foundry/retrySession);
 * when the agent is not installed or lacks credentials, the button that fixes that (the
 * `foundry.installAgent` / `foundry.configureAgent` commands, run by the panel).
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { AgentInfo, SessionSummary } from '../../shared/protocol';
import { element, icon } from './dom';

export interface ErrorBannerEvents {
  restart(): void;
  agentAction(action: NonNullable<AgentInfo['action']>): void;
}

const actionLabels: Record<NonNullable<AgentInfo['action']>, [label: string, icon: string]> = {
  install: ['Install', 'cloud-download'],
  set_credentials: ['Configure', 'key'],
};

export class ErrorBanner {
  private shown = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly events: ErrorBannerEvents,
  ) {
    root.dataset.role = 'error-banner';
    root.setAttribute('role', 'alert');
    root.hidden = true;
  }

  render(session: SessionSummary | undefined, agent: AgentInfo | undefined): void {
    const inError = session?.status === 'error';
    const action = inError && agent && !agent.ready ? agent.action : undefined;
    const key = inError ? JSON.stringify([session.errorMessage, action, agent?.reason]) : '';
    if (key === this.shown) return;
    this.shown = key;
    this.root.hidden = !inError;
    if (!inError) {
      this.root.replaceChildren();
      return;
    }
    const reason = session.errorMessage ?? 'The agent stopped.';
    const buttons: VscodeButton[] = [];
    if (action) {
      const [label, iconName] = actionLabels[action];
      buttons.push(this.button(label, iconName, action, () => this.events.agentAction(action)));
    }
    buttons.push(this.button('Restart', 'debug-restart', 'restart', () => this.events.restart(), action !== undefined));
    this.root.replaceChildren(
      element('div', { class: 'banner-text' }, icon('error'), element('span', { class: 'banner-reason' }, reason)),
      action && agent?.reason ? element('div', { class: 'banner-detail' }, agent.reason) : '',
      element('div', { class: 'banner-actions' }, ...buttons),
    );
  }

  private button(label: string, iconName: string, role: string, run: () => void, secondary = false): VscodeButton {
    const b = element('vscode-button', { icon: iconName, 'data-action': role }, label) as VscodeButton;
    b.secondary = secondary;
    b.addEventListener('click', run);
    return b;
  }
}
