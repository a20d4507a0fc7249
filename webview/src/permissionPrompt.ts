/**
 * The agent's pending permission request: its title and one button per option, labelled with
 * the agent's own option names. It reports the chosen option and sends nothing itself; it
 * disappears once the session no longer carries the request.
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { PendingPermission } from '../../shared/protocol';
import { element } from './dom';

export class PermissionPrompt {
  /** The request shown, so a repaint of the same request keeps its buttons. */
  private shown: string | undefined;
  /** The request answered from here, until the session drops it. */
  private answered: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly choose: (requestId: string, optionId: string) => void,
  ) {
    root.dataset.role = 'permission';
    root.setAttribute('role', 'group');
    root.hidden = true;
  }

  render(pending: PendingPermission | undefined): void {
    if (!pending || pending.requestId === this.answered) {
      if (!pending) this.answered = undefined;
      this.root.hidden = true;
      this.root.replaceChildren();
      this.shown = undefined;
      return;
    }
    if (this.shown === pending.requestId) return;
    this.shown = pending.requestId;
    this.root.dataset.requestId = pending.requestId;
    this.root.setAttribute('aria-label', `Permission: ${pending.title}`);
    const buttons = pending.options.map((o) => {
      const b = element('vscode-button', { 'data-option-id': o.optionId, 'data-kind': o.kind }, o.name) as VscodeButton;
      b.secondary = !o.kind.startsWith('allow');
      b.addEventListener('click', () => {
        if (this.answered === pending.requestId) return;
        this.answered = pending.requestId;
        this.render(pending);
        this.choose(pending.requestId, o.optionId);
      });
      return b;
    });
    this.root.replaceChildren(
      element('div', { class: 'permission-title' }, element('span', { class: 'codicon codicon-shield', 'aria-hidden': 'true' }), ' ', pending.title),
      element('div', { class: 'permission-options' }, ...buttons),
    );
    this.root.hidden = false;
  }

  /** The answer was refused: offer the buttons again (the error shows in the composer). */
  refused(requestId: string): void {
    if (this.answered !== requestId) return;
    this.answered = undefined;
    this.shown = undefined;
  }
}
