/**
 * A tool call in the transcript: status, kind and title on one line, then the files it touches
 * (each a button that opens the file at its line) and its diffs.
 */
import { diffElement } from './diffView';
import { child, element, fileButton, icon } from './dom';
import { locationLabel } from './toolCall';
import type { ToolStatus, TranscriptItem } from './transcript';

type ToolItem = Extract<TranscriptItem, { kind: 'tool' }>;

export function createTool(): HTMLElement {
  return element(
    'div',
    { class: 'tool', 'data-role': 'tool' },
    element(
      'div',
      { class: 'tool-head' },
      element('span', { class: 'status-icon' }),
      element('span', { class: 'kind-icon' }),
      element('span', { class: 'title' }),
      element('span', { class: 'tool-meta' }),
      element('span', { class: 'detail' }),
    ),
    element('div', { class: 'tool-locations', 'aria-label': 'Files' }),
    element('div', { class: 'tool-diffs' }),
  );
}

/**
 * Show `item` in `el`. `prev` is the item `el` showed before (undefined: draw everything); the
 * locations and diffs are only redrawn when their arrays changed, so an expanded diff stays open
 * while the status changes.
 */
export function updateTool(el: HTMLElement, item: ToolItem, prev: ToolItem | undefined, root: string | undefined): void {
  el.dataset.status = item.status;
  el.dataset.kind = item.toolKind;
  child(el, '.status-icon').replaceChildren(statusIcon(item.status));
  child(el, '.kind-icon').replaceChildren(icon(toolKindIcons[item.toolKind] ?? 'tools'));
  child(el, '.title').textContent = item.title;
  child(el, '.tool-meta').textContent = `${item.toolKind.replace('_', ' ')} \u00b7 ${statusLabels[item.status]}`;
  child(el, '.detail').textContent = item.detail;
  el.title = `${item.title} (${item.toolKind}, ${statusLabels[item.status]})`;
  if (item.locations !== prev?.locations) {
    const locations = child(el, '.tool-locations');
    locations.replaceChildren(...item.locations.map((l) => fileButton(l.path, l.line, locationLabel(l, root), 'location')));
    locations.hidden = item.locations.length === 0;
  }
  if (item.diffs !== prev?.diffs) {
    const diffs = child(el, '.tool-diffs');
    diffs.replaceChildren(...item.diffs.map((d) => diffElement(d, root)));
    diffs.hidden = item.diffs.length === 0;
  }
}

const statusLabels: Record<ToolStatus, string> = { pending: 'pending', in_progress: 'running', completed: 'done', failed: 'failed' };

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
