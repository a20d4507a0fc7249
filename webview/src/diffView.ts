/**
 * A tool call's file diff: the file name with its added/removed counts, then the unified hunks
 * with +/- line styling. A long diff shows its first lines and a "Show more" button.
 */
import { element, fileButton } from './dom';
import { diffStats, unifiedHunks, type Hunk } from './lineDiff';
import { displayPath, type ToolDiff } from './toolCall';

/** Past this many rows (hunk headers and lines) the diff starts collapsed... */
export const collapseAbove = 24;
/** ...showing this many. */
export const collapsedRows = 16;

interface Row {
  readonly op: ' ' | '+' | '-' | '@';
  readonly text: string;
}

export function diffElement(diff: ToolDiff, root: string | undefined): HTMLElement {
  const hunks = unifiedHunks(diff.oldText, diff.newText);
  const { added, removed } = diffStats(hunks);
  const rows = hunkRows(hunks);
  const line = hunks[0]?.newStart || undefined;
  const header = element(
    'div',
    { class: 'diff-header' },
    fileButton(diff.path, line, displayPath(diff.path, root), 'diff-path'),
    element('span', { class: 'diff-stat added', title: `${added} added` }, `+${added}`),
    element('span', { class: 'diff-stat removed', title: `${removed} removed` }, `\u2212${removed}`),
    diff.oldText === null ? element('span', { class: 'diff-new' }, 'new file') : '',
  );
  const body = element('div', { class: 'diff-body' });
  const el = element('div', { class: 'diff', 'data-role': 'diff' }, header, body);
  if (rows.length === 0) {
    body.append(element('div', { class: 'diff-empty' }, 'No changes.'));
    return el;
  }
  const collapsible = rows.length > collapseAbove;
  const toggle = element('button', { type: 'button', class: 'diff-toggle' });
  const show = (expanded: boolean) => {
    body.replaceChildren(...(expanded || !collapsible ? rows : rows.slice(0, collapsedRows)).map(rowElement));
    toggle.textContent = expanded ? 'Show less' : `Show ${rows.length - collapsedRows} more lines`;
    toggle.setAttribute('aria-expanded', String(expanded));
    el.toggleAttribute('data-expanded', expanded);
  };
  show(false);
  if (collapsible) {
    toggle.addEventListener('click', () => show(!el.hasAttribute('data-expanded')));
    el.append(toggle);
  }
  return el;
}

function hunkRows(hunks: readonly Hunk[]): Row[] {
  return hunks.flatMap((h): Row[] => [
    { op: '@', text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@` },
    ...h.lines.map((l) => ({ op: l.op, text: l.text })),
  ]);
}

/** What a screen reader says before a changed line (the sign is hidden from it). */
const spoken = { ' ': '', '+': 'Added: ', '-': 'Removed: ', '@': '' } as const;

function rowElement(row: Row): HTMLElement {
  const sign = row.op === '+' ? '+' : row.op === '-' ? '\u2212' : ' ';
  return element(
    'div',
    { class: 'diff-line', 'data-op': row.op },
    element('span', { class: 'diff-sign', 'aria-hidden': 'true' }, sign),
    spoken[row.op] ? element('span', { class: 'sr-only' }, spoken[row.op]) : '',
    element('span', { class: 'diff-text' }, row.text),
  );
}
