/**
 * The session's queued messages, below the transcript, oldest first: each with Edit (in place)
 * and Remove. When the queue is paused (after Stop or a failed turn) it says so and offers
 * "Send queued". It reports what the user does and sends nothing itself.
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { QueuedMessage } from '../../shared/protocol';
import { element, icon } from './dom';

export interface QueueEvents {
  edit(messageId: string, text: string): void;
  remove(messageId: string): void;
  sendQueued(): void;
}

export class QueueView {
  private readonly title = element('div', { class: 'queue-title' });
  private readonly list = element('ol', { class: 'queue-list' });
  private readonly sendQueued: VscodeButton;
  /** The message being edited and its editor, kept across repaints. */
  private editing: { id: string; text: string; el: HTMLElement } | undefined;
  /** Rows by message id, so a repaint keeps the ones that did not change. */
  private rows = new Map<string, { text: string; el: HTMLElement }>();

  constructor(
    private readonly root: HTMLElement,
    private readonly events: QueueEvents,
  ) {
    root.dataset.role = 'queue';
    root.setAttribute('aria-label', 'Queued messages');
    root.hidden = true;
    this.sendQueued = element('vscode-button', { icon: 'run-all', 'data-role': 'send-queued' }, 'Send queued') as VscodeButton;
    this.sendQueued.addEventListener('click', () => {
      this.sendQueued.disabled = true;
      events.sendQueued();
    });
    root.append(element('div', { class: 'queue-head' }, this.title, this.sendQueued), this.list);
  }

  /** `canResume`: the session can take Send queued now (not in error or closed: Restart comes first). */
  render(queue: readonly QueuedMessage[], paused: boolean, canResume: boolean): void {
    this.root.hidden = queue.length === 0;
    this.root.toggleAttribute('data-paused', paused);
    const count = queue.length === 1 ? '1 message' : `${queue.length} messages`;
    this.title.replaceChildren(icon('inbox'), ` Queued: ${count}${paused ? ' · paused after the last turn stopped or failed' : ' · sent in order when the agent is free'}`);
    this.sendQueued.hidden = !paused || !canResume || queue.length === 0;
    const ids = new Set(queue.map((m) => m.id));
    // The editor closes when its message went out, or came back with the saved text.
    if (this.editing && !queue.some((m) => m.id === this.editing?.id && m.text === this.editing.text)) this.editing = undefined;
    for (const [id] of this.rows) if (!ids.has(id)) this.rows.delete(id);
    const els = queue.map((m) => {
      if (this.editing?.id === m.id) return this.editing.el;
      const row = this.rows.get(m.id);
      if (row && row.text === m.text) return row.el;
      const el = this.row(m);
      this.rows.set(m.id, { text: m.text, el });
      return el;
    });
    // Only reorder when needed, so an open editor keeps its focus and caret.
    if (els.length !== this.list.children.length || els.some((el, i) => this.list.children[i] !== el)) this.list.replaceChildren(...els);
  }

  /** A request about the queue finished; enable Send queued again (the state says whether to show it). */
  settle(): void {
    this.sendQueued.disabled = false;
  }

  private row(m: QueuedMessage): HTMLElement {
    const edit = small('Edit', 'edit');
    const remove = small('Remove', 'trash');
    const el = element('li', { class: 'queued', 'data-role': 'queued', 'data-message-id': m.id }, element('div', { class: 'queued-text' }, m.text), element('div', { class: 'queued-actions' }, edit, remove));
    edit.addEventListener('click', () => this.startEdit(m));
    remove.addEventListener('click', () => {
      remove.disabled = true;
      this.events.remove(m.id);
    });
    return el;
  }

  private startEdit(m: QueuedMessage): void {
    const box = element('textarea', { class: 'queued-editor', 'aria-label': 'Queued message', rows: String(Math.min(8, m.text.split('\n').length + 1)) }) as HTMLTextAreaElement;
    box.value = m.text;
    const save = small('Save', 'check');
    const cancel = small('Cancel', 'close');
    const el = element('li', { class: 'queued editing', 'data-role': 'queued', 'data-message-id': m.id }, box, element('div', { class: 'queued-actions' }, save, cancel));
    const finish = () => {
      this.editing = undefined;
      this.rows.delete(m.id);
      const row = this.row(m);
      this.rows.set(m.id, { text: m.text, el: row });
      el.replaceWith(row);
    };
    save.addEventListener('click', () => {
      const text = box.value;
      if (text.trim() === '' || text === m.text) return finish();
      save.disabled = true;
      this.events.edit(m.id, text);
    });
    cancel.addEventListener('click', finish);
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') finish();
      else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        save.click();
      }
    });
    this.editing = { id: m.id, text: m.text, el };
    this.rows.get(m.id)?.el.replaceWith(el);
    box.focus();
  }

  /** An edit was refused (the message went out meanwhile): close the editor. */
  editRefused(messageId: string): void {
    if (this.editing?.id !== messageId) return;
    const row = this.rows.get(messageId);
    this.editing = undefined;
    if (row) this.list.querySelector(`[data-message-id="${CSS.escape(messageId)}"].editing`)?.replaceWith(row.el);
  }
}

function small(label: string, iconName: string): HTMLButtonElement {
  return element('button', { type: 'button', class: 'queued-button', 'data-action': label.toLowerCase(), title: label }, icon(iconName), ` ${label}`) as HTMLButtonElement;
}
