/**
 * Renders a TranscriptModel's items into the transcript container. Items are only ever
 * appended or changed in place, so each render touches the items whose object
 * changed since the last one.
 */
import { element } from './dom';
import { renderMarkdown } from './markdown';
import type { PlanEntry, ToolStatus, TranscriptItem } from './transcript';

interface Rendered {
  item: TranscriptItem;
  el: HTMLElement;
}

export class TranscriptView {
  private rendered: Rendered[] = [];

  constructor(private readonly container: HTMLElement) {}

  /** Forget everything shown (a new snapshot follows). */
  clear(): void {
    this.rendered = [];
    this.container.replaceChildren();
  }

  render(items: readonly TranscriptItem[]): void {
    items.forEach((item, i) => {
      const prev = this.rendered[i];
      if (prev?.item === item) return;
      if (prev && prev.item.kind === item.kind && prev.item.key === item.key) {
        update(prev.el, item);
        prev.item = item;
        return;
      }
      const el = create(item);
      update(el, item);
      if (prev) prev.el.replaceWith(el);
      else this.container.append(el);
      this.rendered[i] = { item, el };
    });
  }
}

function create(item: TranscriptItem): HTMLElement {
  switch (item.kind) {
    case 'user':
      return element('div', { class: 'message user', 'data-role': 'user' }, element('div', { class: 'body plain' }));
    case 'agent':
      return element('div', { class: 'message agent', 'data-role': 'agent' }, element('div', { class: 'body markdown' }));
    case 'thought': {
      const summary = element('summary', {}, icon('lightbulb'), element('span', {}, 'Thinking'));
      return element('details', { class: 'thought', 'data-role': 'thought' }, summary, element('div', { class: 'body markdown' }));
    }
    case 'tool':
      return element(
        'div',
        { class: 'tool', 'data-role': 'tool' },
        element('span', { class: 'status-icon' }),
        element('span', { class: 'kind-icon' }),
        element('span', { class: 'title' }),
        element('span', { class: 'detail' }),
      );
    case 'plan':
      return element('div', { class: 'plan', 'data-role': 'plan' }, element('div', { class: 'plan-title' }, icon('checklist'), ' Plan'), element('ul'));
    case 'notice':
      return element('div', { class: 'notice', 'data-role': 'notice' }, element('span', { class: 'notice-icon' }), element('span', { class: 'text' }));
  }
}

function update(el: HTMLElement, item: TranscriptItem): void {
  switch (item.kind) {
    case 'user':
      child(el, '.body').textContent = item.text;
      return;
    case 'agent':
    case 'thought':
      el.toggleAttribute('data-streaming', item.streaming);
      child(el, '.body').innerHTML = renderMarkdown(item.text);
      return;
    case 'tool':
      el.dataset.status = item.status;
      el.dataset.kind = item.toolKind;
      child(el, '.status-icon').replaceChildren(statusIcon(item.status));
      child(el, '.kind-icon').replaceChildren(icon(toolKindIcons[item.toolKind] ?? 'tools'));
      child(el, '.title').textContent = item.title;
      child(el, '.detail').textContent = item.detail;
      el.title = `${item.title} (${item.toolKind}, ${item.status.replace('_', ' ')})`;
      return;
    case 'plan':
      child(el, 'ul').replaceChildren(...item.entries.map(planEntry));
      return;
    case 'notice':
      el.dataset.tone = item.tone;
      child(el, '.notice-icon').replaceChildren(icon(item.tone === 'error' ? 'error' : 'info'));
      child(el, '.text').textContent = item.text;
      return;
  }
}

const toolKindIcons: Record<string, string> = {
  read: 'file',
  edit: 'edit',
  delete: 'trash',
  move: 'arrow-right',
  search: 'search',
  execute: 'terminal',
  think: 'lightbulb',
  fetch: 'globe',
  switch_mode: 'arrow-swap',
  other: 'tools',
};

function statusIcon(status: ToolStatus): HTMLElement {
  switch (status) {
    case 'pending':
    case 'in_progress':
      return icon('loading', true);
    case 'completed':
      return icon('check');
    case 'failed':
      return icon('error');
  }
}

function planEntry(entry: PlanEntry): HTMLElement {
  const name = entry.status === 'completed' ? 'pass-filled' : entry.status === 'in_progress' ? 'circle-large-filled' : 'circle-large-outline';
  return element('li', { 'data-status': entry.status }, icon(name), element('span', {}, entry.content));
}

function icon(name: string, spin = false): HTMLElement {
  return element('i', { class: `codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}`, 'aria-hidden': 'true' });
}

function child(el: HTMLElement, selector: string): HTMLElement {
  const found = el.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`chat view: missing ${selector}`);
  return found;
}
