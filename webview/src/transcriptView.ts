/**
 * Renders a TranscriptModel's items into the transcript container. Items are only ever
 * appended or changed in place, so each render touches the items whose object
 * changed since the last one.
 *
 * Windowed: a snapshot renders only its last `initialItems` items; older ones are rendered a
 * page at a time as the user scrolls up towards the top (or presses the button there). The whole
 * history stays in the model; only the DOM is windowed.
 */
import { child, element, icon } from './dom';
import { renderMarkdown } from './markdown';
import { fullTime, shortTime } from './timeFormat';
import { createTool, updateTool } from './toolView';
import type { PlanEntry, TranscriptItem } from './transcript';
import { contextText, turnUsageText } from './usage';

interface Rendered {
  item: TranscriptItem;
  el: HTMLElement;
}

export interface TranscriptViewOptions {
  /** A file location was clicked: open `path` (absolute) at `line` (1-based). */
  openFile(path: string, line: number | undefined): void;
  /** A link to another session (a handoff line) was clicked. */
  openSession?(sessionId: string): void;
  /** Items a snapshot renders at first. */
  initialItems?: number;
  /** Items each "earlier" step adds above. */
  pageItems?: number;
}

/** Items a snapshot renders at first: a few screens' worth. */
export const initialItems = 80;
/** Items each step up renders. */
export const pageItems = 50;

export class TranscriptView {
  /** rendered[i] shows items[start + i]. */
  private rendered: Rendered[] = [];
  private start = 0;
  private items: readonly TranscriptItem[] = [];
  /** The next render is the first since a clear: it picks the window. */
  private fresh = true;
  /** The task's worktree: file paths inside it show relative to it. */
  private root: string | undefined;
  private readonly earlier = element('button', { type: 'button', class: 'earlier', 'data-role': 'earlier', hidden: '' });
  private readonly initialItems: number;
  private readonly pageItems: number;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: TranscriptViewOptions,
  ) {
    this.initialItems = options.initialItems ?? initialItems;
    this.pageItems = options.pageItems ?? pageItems;
    container.append(this.earlier);
    this.earlier.addEventListener('click', () => this.showEarlier());
    // Within a screen of the top, render the next older page before the user gets there.
    container.addEventListener('scroll', () => {
      if (container.scrollTop < Math.max(200, container.clientHeight)) this.showEarlier();
    });
    container.addEventListener('click', (e) => {
      const session = (e.target as Element | null)?.closest<HTMLElement>('[data-open-session]');
      if (session && container.contains(session)) {
        e.preventDefault();
        options.openSession?.(session.dataset.openSession ?? '');
        return;
      }
      const target = (e.target as Element | null)?.closest<HTMLElement>('[data-open-path]');
      if (!target || !container.contains(target)) return;
      e.preventDefault();
      const line = Number(target.dataset.line);
      options.openFile(target.dataset.openPath ?? '', Number.isInteger(line) && line > 0 ? line : undefined);
    });
  }

  /** Items not rendered yet, above the window. */
  get hiddenCount(): number {
    return this.start;
  }

  /** Forget everything shown (a new snapshot follows). */
  clear(): void {
    this.rendered = [];
    this.start = 0;
    this.items = [];
    this.fresh = true;
    this.container.replaceChildren(this.earlier);
    this.paintEarlier();
  }

  /** Paths inside `root` show relative to it; a change redraws the rows that show paths. */
  setRoot(root: string | undefined): void {
    if (root === this.root) return;
    this.root = root;
    for (const r of this.rendered) if (r.item.kind === 'tool') updateTool(r.el, r.item, undefined, root);
  }

  render(items: readonly TranscriptItem[]): void {
    this.items = items;
    if (this.fresh) {
      this.fresh = false;
      this.start = Math.max(0, items.length - this.initialItems);
    }
    for (let i = this.start; i < items.length; i++) {
      const item = items[i];
      const prev = this.rendered[i - this.start];
      if (prev?.item === item) continue;
      if (prev && prev.item.kind === item.kind && prev.item.key === item.key) {
        this.update(prev.el, item, prev.item);
        prev.item = item;
        continue;
      }
      const el = this.create(item);
      if (prev) prev.el.replaceWith(el);
      else this.container.append(el);
      this.rendered[i - this.start] = { item, el };
    }
    this.paintEarlier();
    // A window too short to scroll could never reach the top by scrolling: fill it.
    while (this.start > 0 && this.container.scrollHeight <= this.container.clientHeight && this.container.clientHeight > 0) this.showEarlier();
  }

  /** Render the next older page above the window, keeping what the user sees where it is. */
  showEarlier(): void {
    if (this.start === 0) return;
    const from = Math.max(0, this.start - this.pageItems);
    const added = this.items.slice(from, this.start).map((item) => ({ item, el: this.create(item) }));
    const heightBefore = this.container.scrollHeight;
    const topBefore = this.container.scrollTop;
    this.earlier.after(...added.map((r) => r.el));
    this.rendered = [...added, ...this.rendered];
    this.start = from;
    this.paintEarlier();
    this.container.scrollTop = topBefore + (this.container.scrollHeight - heightBefore);
  }

  private paintEarlier(): void {
    this.earlier.hidden = this.start === 0;
    this.earlier.textContent = `Show earlier messages (${this.start} more)`;
  }

  private create(item: TranscriptItem): HTMLElement {
    const el = create(item);
    this.update(el, item, undefined);
    return el;
  }

  private update(el: HTMLElement, item: TranscriptItem, prev: TranscriptItem | undefined): void {
    if (item.kind === 'tool') updateTool(el, item, prev?.kind === 'tool' ? prev : undefined, this.root);
    else update(el, item);
  }
}

function create(item: TranscriptItem): HTMLElement {
  switch (item.kind) {
    case 'user':
      return element('div', { class: 'message user', 'data-role': 'user' }, element('div', { class: 'body plain' }), stamp());
    case 'agent':
      return element('div', { class: 'message agent', 'data-role': 'agent' }, element('div', { class: 'body markdown' }));
    case 'thought': {
      const summary = element('summary', {}, icon('lightbulb'), element('span', {}, 'Thinking'));
      return element('details', { class: 'thought', 'data-role': 'thought' }, summary, element('div', { class: 'body markdown' }));
    }
    case 'tool':
      return createTool();
    case 'plan':
      return element('div', { class: 'plan', 'data-role': 'plan' }, element('div', { class: 'plan-title' }, icon('checklist'), ' Plan'), element('ul'));
    case 'notice':
      return element(
        'div',
        { class: 'notice', 'data-role': 'notice' },
        element('span', { class: 'notice-icon' }),
        element('span', { class: 'text' }),
        element('button', { type: 'button', class: 'notice-link', hidden: '' }, 'Open that session'),
      );
    case 'turnEnd':
      return element(
        'div',
        { class: 'turn-end', 'data-role': 'turn-end' },
        stamp(),
        element('span', { class: 'turn-usage' }),
        element('span', { class: 'turn-context' }),
      );
  }
}

function update(el: HTMLElement, item: Exclude<TranscriptItem, { kind: 'tool' }>): void {
  switch (item.kind) {
    case 'user':
      child(el, '.body').textContent = item.text;
      setStamp(child(el, 'time'), item.at);
      el.dataset.at = String(item.at); // the checkpoint markers find the message's turn by it
      return;
    case 'agent':
    case 'thought':
      el.toggleAttribute('data-streaming', item.streaming);
      child(el, '.body').innerHTML = renderMarkdown(item.text);
      return;
    case 'plan':
      child(el, 'ul').replaceChildren(...item.entries.map(planEntry));
      return;
    case 'notice': {
      el.dataset.tone = item.tone;
      if (item.event) el.dataset.event = item.event;
      el.title = fullTime(item.at);
      child(el, '.notice-icon').replaceChildren(icon(item.icon ?? (item.tone === 'error' ? 'error' : 'info')));
      child(el, '.text').textContent = item.text;
      const link = child(el, '.notice-link');
      link.hidden = !item.openSession;
      if (item.openSession) link.dataset.openSession = item.openSession;
      if (item.event === 'permission_expired' && !el.querySelector('.badge')) {
        el.dataset.expired = '';
        link.before(element('span', { class: 'badge' }, 'Expired'));
      }
      return;
    }
    case 'turnEnd': {
      setStamp(child(el, 'time'), item.at);
      const usage = item.usage ? turnUsageText(item.usage) : undefined;
      const context = item.context ? contextText(item.context) : undefined;
      setText(child(el, '.turn-usage'), usage?.text, usage?.title);
      setText(child(el, '.turn-context'), context?.text, context?.title);
      return;
    }
  }
}

function stamp(): HTMLElement {
  return element('time', { class: 'stamp' });
}

/** A subtle short time; the full date in its tooltip. */
function setStamp(el: HTMLElement, at: number): void {
  el.textContent = shortTime(at, Date.now());
  el.title = fullTime(at);
  el.setAttribute('datetime', new Date(at).toISOString());
}

function setText(el: HTMLElement, text: string | undefined, title: string | undefined): void {
  el.textContent = text ?? '';
  el.title = title ?? '';
  el.hidden = !text;
}

function planEntry(entry: PlanEntry): HTMLElement {
  const name = entry.status === 'completed' ? 'pass-filled' : entry.status === 'in_progress' ? 'circle-large-filled' : 'circle-large-outline';
  return element('li', { 'data-status': entry.status }, icon(name), element('span', {}, entry.content));
}
