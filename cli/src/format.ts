/** Text output: the task table, change counts, the task log. `--json` output bypasses all of this. */
import type { HistoryEvent, Repo, RepoAction, ServerStatusParams, TaskSummary } from '../../shared/protocol';

/** Print one JSON document (or, for watch, one line). */
export const json = (value: unknown, pretty = true): string => `${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`;

export const changes = (t: TaskSummary): string => `+${t.changes.added} -${t.changes.removed}`;

export function sessions(t: TaskSummary): string {
  const unread = t.sessions.filter((s) => s.unread).length;
  return `${t.sessions.length}${unread ? ` (${unread} unread)` : ''}`;
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Left-aligned columns separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export function taskTable(tasks: readonly TaskSummary[], repos: readonly Repo[]): string {
  if (!tasks.length) return 'No tasks.\n';
  const repoName = new Map(repos.map((r) => [r.id, r.name]));
  return table(
    ['ID', 'STATUS', 'TITLE', 'BRANCH', 'REPO', 'CHANGES', 'SESSIONS'],
    tasks.map((t) => [t.id, t.status, clip(t.title, 48), t.branch, repoName.get(t.repoId) ?? t.repoId, changes(t), sessions(t)]),
  );
}

/** `watch`: one line per pushed task summary. */
export const taskLine = (t: TaskSummary): string => `task ${t.id} ${t.status} ${clip(t.title, 80)}\n`;

/** `watch`: one line per pushed repository action row. */
export const actionLine = (a: RepoAction): string =>
  `action ${a.id} ${a.kind} ${a.status} ${a.taskId ?? a.repoId}${a.message ? ` - ${clip(a.message.replace(/\s+/g, ' '), 120)}` : ''}\n`;

export const serverStatusLine = (s: ServerStatusParams): string =>
  s.quiescent ? 'server quiescent\n' : `server busy (${s.jobs} job${s.jobs === 1 ? '' : 's'}, ${s.turns} turn${s.turns === 1 ? '' : 's'})\n`;

export function historyLine(e: HistoryEvent): string {
  const parts = [new Date(e.at).toISOString(), e.kind];
  if (e.stage) parts.push(e.stage);
  if (e.durationMs !== undefined) parts.push(`(${e.durationMs} ms)`);
  if (e.message) parts.push(`- ${e.message}`);
  return parts.join('  ');
}

export function taskLog(log: { history: readonly HistoryEvent[]; setupOutput: string }): string {
  const lines = ['History:', ...(log.history.length ? log.history.map((e) => `  ${historyLine(e)}`) : ['  (none)']), '', 'Setup output:'];
  const output = log.setupOutput.replace(/\n$/, '');
  lines.push(...(output ? output.split('\n').map((l) => `  ${l}`) : ['  (none)']));
  return `${lines.join('\n')}\n`;
}
