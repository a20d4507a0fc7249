/**
 * The composer: status line, message box and Send (and Retry for a task whose setup failed). It
 * renders a ComposerModel and reports what the user does; it sends nothing itself. Typing `/` at
 * the start offers the agent's slash commands (slashMenu.ts).
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { ComposerModel } from './composerModel';
import { element } from './dom';
import { completeCommand, type SlashCommand } from './slashCommands';
import { SlashMenu } from './slashMenu';

export interface ComposerEvents {
  send(text: string): void;
  retry(): void;
  draftChanged(text: string): void;
}

export class Composer {
  private readonly status = element('div', { class: 'status', 'data-role': 'status', role: 'status', 'aria-live': 'polite' });
  private readonly detail = element('div', { class: 'status-detail' });
  private readonly input = element('vscode-textarea', {
    rows: '3',
    resize: 'vertical',
    placeholder: 'Message the agent (Enter to send, Shift+Enter for a new line)',
  }) as VscodeTextarea;
  private readonly sendButton = button('Send', 'send');
  private readonly retryButton = button('Retry', 'refresh', true);
  private readonly menu = new SlashMenu((command) => this.complete(command));
  private model: ComposerModel | undefined;
  /** A request from this composer is in flight. */
  private busy = false;
  /** The last refused request's message, shown until the next action or state change. */
  private refusal: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    draft: string,
    private readonly events: ComposerEvents,
  ) {
    // `label` is a property only; it becomes the inner textarea's aria-label ("Message").
    this.input.label = 'Message';
    this.input.value = draft;
    const actions = element('div', { class: 'actions' }, this.retryButton, this.sendButton);
    root.append(this.menu.el, this.menu.announcer, element('div', { class: 'status-row' }, this.status, this.detail), this.input, actions);

    root.dataset.role = 'composer';
    this.input.addEventListener('input', () => {
      this.root.removeAttribute('data-draft-saved');
      events.draftChanged(this.input.value);
      this.menu.update(this.input.value, this.caret());
    });
    // The caret moved without typing: the menu follows whether it is still in the command word.
    for (const type of ['keyup', 'click']) this.input.addEventListener(type, () => this.menu.update(this.input.value, this.caret()));
    this.input.addEventListener('focusout', () => this.menu.close());
    this.input.addEventListener('keydown', (e) => {
      if (this.menu.handleKey(e)) return;
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
      e.preventDefault();
      this.trySend();
    });
    this.sendButton.addEventListener('click', () => this.trySend());
    this.retryButton.addEventListener('click', () => this.act(() => events.retry()));
  }

  get text(): string {
    return this.input.value;
  }

  /**
   * The panel stored `text` as the draft. While it matches the box, the composer carries
   * `data-draft-saved` (what a test waits for before reloading the window).
   */
  draftSaved(text: string): void {
    this.root.toggleAttribute('data-draft-saved', text === this.input.value);
  }

  /** Replace the text without reporting it as a change. */
  setText(text: string): void {
    this.input.value = text;
    this.root.setAttribute('data-draft-saved', '');
  }

  focus(): void {
    this.input.focus();
  }

  /** The agent's slash commands, offered when the message starts with `/`. */
  setCommands(commands: readonly SlashCommand[]): void {
    this.menu.setCommands(commands);
  }

  /** Show why a request that is not the composer's own was refused (until the next action or state change). */
  refuse(error: string): void {
    this.refusal = error;
    this.paint();
  }

  /** Show the state for a session. */
  apply(model: ComposerModel): void {
    if (this.model && (this.model.status !== model.status || this.model.tone !== model.tone)) this.refusal = undefined;
    this.model = model;
    this.paint();
  }

  /** The request started by the last action finished; `error` is why it was refused. */
  settle(error: string | undefined, sentText?: string): void {
    this.busy = false;
    this.refusal = error;
    if (!error && sentText !== undefined && this.input.value === sentText) {
      this.input.value = '';
      this.root.removeAttribute('data-draft-saved');
      this.events.draftChanged('');
    }
    this.paint();
  }

  private caret(): number {
    return this.input.wrappedElement?.selectionStart ?? this.input.value.length;
  }

  /** Put `/name ` in place of the command word being typed, the caret after it. */
  private complete(command: SlashCommand): void {
    const { text, caret } = completeCommand(this.input.value, command);
    this.input.value = text;
    this.root.removeAttribute('data-draft-saved');
    this.events.draftChanged(text);
    this.menu.update(text, caret);
    void this.input.updateComplete.then(() => this.input.wrappedElement?.setSelectionRange(caret, caret));
  }

  private trySend(): void {
    const text = this.input.value;
    if (this.busy || this.model?.send !== 'enabled' || text.trim() === '') return;
    this.act(() => this.events.send(text));
  }

  private act(run: () => void): void {
    if (this.busy) return;
    this.busy = true;
    this.refusal = undefined;
    this.paint();
    run();
  }

  private paint(): void {
    const m = this.model;
    if (!m) return;
    const text = this.refusal ?? m.status;
    this.status.textContent = text;
    this.status.dataset.tone = this.refusal ? 'error' : m.tone;
    this.status.hidden = text === '';
    this.detail.textContent = this.refusal ? '' : m.detail;
    this.detail.hidden = this.refusal !== undefined || m.detail === '';
    this.input.disabled = !m.inputEnabled;
    show(this.sendButton, m.send !== 'hidden', m.send === 'enabled' && !this.busy);
    show(this.retryButton, m.retry, !this.busy);
  }
}

function button(label: string, iconName: string, secondary = false): VscodeButton {
  const b = element('vscode-button', { icon: iconName }, label) as VscodeButton;
  b.secondary = secondary;
  return b;
}

function show(b: VscodeButton, visible: boolean, enabled: boolean): void {
  b.hidden = !visible;
  b.disabled = !enabled;
  b.setAttribute('aria-disabled', String(!enabled));
}
