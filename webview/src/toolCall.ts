/**
 * The parts of an ACP tool call the chat tab shows (see ToolCall / ToolCallUpdate /
 * ToolCallContent / ToolCallLocation in the ACP schema): its status, the file locations it
 * touches, the text it reported, and the file diffs it carries.
 */
import { contentText, num, records, str } from './payload';

export type ToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

/** A file the tool reads or changes; `path` is absolute, `line` 1-based. */
export interface ToolLocation {
  readonly path: string;
  readonly line?: number;
}

/** A `{type: 'diff'}` content entry: the file before (null for a new file) and after. */
export interface ToolDiff {
  readonly path: string;
  readonly oldText: string | null;
  readonly newText: string;
}

export interface ToolContent {
  /** The text parts (`{type: 'content'}` entries), e.g. why the tool failed. */
  readonly detail: string;
  readonly diffs: readonly ToolDiff[];
  /** Ids of embedded terminals (`{type: 'terminal'}`); Foundry does not stream terminals. */
  readonly terminals: readonly string[];
}

export function toolStatus(value: unknown): ToolStatus | undefined {
  return value === 'pending' || value === 'in_progress' || value === 'completed' || value === 'failed' ? value : undefined;
}

export function toolContent(content: unknown): ToolContent {
  const entries = records(content);
  const detail = entries
    .filter((e) => e.type === 'content')
    .map((e) => contentText(e.content))
    .filter((text) => text !== '')
    .join('\n');
  const diffs: ToolDiff[] = [];
  const terminals: string[] = [];
  for (const e of entries) {
    const path = str(e.path);
    const newText = str(e.newText);
    if (e.type === 'diff' && path !== undefined && newText !== undefined) diffs.push({ path, oldText: str(e.oldText) ?? null, newText });
    const terminalId = str(e.terminalId);
    if (e.type === 'terminal' && terminalId !== undefined) terminals.push(terminalId);
  }
  return { detail, diffs, terminals };
}

export function toolLocations(value: unknown): ToolLocation[] {
  const locations: ToolLocation[] = [];
  for (const raw of records(value)) {
    const path = str(raw.path);
    if (!path) continue;
    const line = num(raw.line);
    locations.push(line !== undefined && line >= 0 ? { path, line: Math.floor(line) } : { path });
  }
  return locations;
}


/** `path` relative to the task's worktree when it is inside it; otherwise as it is. */
export function displayPath(path: string, root: string | undefined): string {
  if (!root) return path;
  const base = root.replace(/[\\/]+$/, '');
  for (const sep of ['/', '\\']) if (path.startsWith(base + sep)) return path.slice(base.length + 1);
  return path;
}

/** "src/a.ts:12" */
export function locationLabel(location: ToolLocation, root: string | undefined): string {
  const path = displayPath(location.path, root);
  return location.line ? `${path}:${location.line}` : path;
}
