/**
 * The composer's slash-command popup: typing `/` at the start of the message lists the agent's
 * commands, filtered as the user types. Up/Down move, Enter or Tab complete, Escape closes, a
 * click picks. The message box keeps the focus throughout; a polite live region says which
 * command is selected, since the box sits in a shadow root that `aria-activedescendant` cannot reach.
 */
import { element } from './dom';
import { matchCommands, slashQuery, type SlashCommand } from './slashCommands';

export class SlashMenu {
  readonly el = element('div', { class: 'slash-menu', 'data-role': 'slash-menu', role: 'listbox', 'aria-label': 'Slash commands', hidden: '' });
  readonly announcer = element('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  private commands: readonly SlashCommand[] = [];
  private matches: readonly SlashCommand[] = [];
  private active = 0;
  private text = '';
  /** Escape closed the menu on this text; it stays closed until the text changes. */
  private dismissed: string | undefined;

  constructor(private readonly pick: (command: SlashCommand) => void) {}

  get open(): boolean {
    return this.matches.length > 0;
  }

  setCommands(commands: readonly SlashCommand[]): void {
    if (commands === this.commands) return;
    this.commands = commands;
    this.matches = [];
    this.paint();
  }

  /** The message text or the caret changed. */
  update(text: string, caret: number): void {
    this.text = text;
    if (this.dismissed !== undefined && text !== this.dismissed) this.dismissed = undefined;
    const query = this.dismissed === undefined ? slashQuery(text, caret) : undefined;
    const matches = query === undefined ? [] : matchCommands(this.commands, query);
    if (matches.length === this.matches.length && matches.every((m, i) => m === this.matches[i])) return;
    this.matches = matches;
    this.active = 0;
    this.paint();
  }

  /** Close without a choice (the box lost the focus). */
  close(): void {
    if (!this.open) return;
    this.matches = [];
    this.paint();
  }

  /** A key pressed in the message box; true when the menu used it (the box must not). */
  handleKey(e: KeyboardEvent): boolean {
    if (!this.open || e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return false;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        this.active = (this.active + (e.key === 'ArrowDown' ? 1 : -1) + this.matches.length) % this.matches.length;
        this.paint();
        break;
      case 'Enter':
      case 'Tab':
        // Shift+Enter is a new line and Shift+Tab moves the focus back, menu or not.
        if (e.shiftKey) return false;
        this.choose(this.matches[this.active]);
        break;
      case 'Escape':
        this.dismissed = this.text;
        this.close();
        break;
      default:
        return false;
    }
    e.preventDefault();
    e.stopPropagation();
    return true;
  }

  private choose(command: SlashCommand): void {
    this.matches = [];
    this.paint();
    this.pick(command);
  }

  private paint(): void {
    this.el.hidden = !this.open;
    this.el.replaceChildren(...this.matches.map((c, i) => this.option(c, i)));
    const current = this.matches[this.active];
    this.announcer.textContent = current
      ? `/${current.name}${current.description ? `: ${current.description}` : ''} (${this.active + 1} of ${this.matches.length}). Enter to complete, Escape to close.`
      : '';
    this.el.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }

  private option(command: SlashCommand, index: number): HTMLElement {
    const el = element(
      'div',
      { class: 'slash-option', role: 'option', 'aria-selected': String(index === this.active), 'data-name': command.name },
      element('span', { class: 'slash-name' }, `/${command.name}`),
      command.hint ? element('span', { class: 'slash-hint' }, command.hint) : '',
      element('span', { class: 'slash-description' }, command.description),
    );
    // Keep the focus in the message box; the click picks.
    el.addEventListener('mousedown', (e) => e.preventDefault());
    el.addEventListener('click', () => this.choose(command));
    return el;
  }
}
