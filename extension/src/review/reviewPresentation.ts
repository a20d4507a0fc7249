/**
 * How a task's review looks: the Changes node, a changed file, an entry of the worktree's file
 * tree, the branch's git state, and the texts of the `foundry:` diff documents. Pure functions of
 * the protocol's types (no `vscode` import), so they run and are unit-tested in plain Node; the
 * tree and the decoration provider turn them into TreeItems and FileDecorations.
 */
import type { FileChange, FileChangeStatus, FileTreeEntry, GetFileDiff, ResultOf, TaskSummary } from '../../../shared/protocol';
import type { Row } from '../views/taskPresentation';

/** What a diff compares the worktree with: the commit the task branched from, or its branch's HEAD. */
export type Against = 'base' | 'head';
/** The left (`original`) or right (`modified`) side of a diff. */
export type DiffSide = 'original' | 'modified';
export type FileDiff = ResultOf<typeof GetFileDiff>;

/** The letter, colour and name of a change, as VS Code's Source Control view shows them. */
export interface ChangeMark {
  readonly letter: string;
  /** A theme colour id (`gitDecoration.*`). */
  readonly color: string;
  readonly title: string;
}

const Marks: Record<FileChangeStatus, ChangeMark> = {
  added: { letter: 'A', color: 'gitDecoration.addedResourceForeground', title: 'Added' },
  modified: { letter: 'M', color: 'gitDecoration.modifiedResourceForeground', title: 'Modified' },
  deleted: { letter: 'D', color: 'gitDecoration.deletedResourceForeground', title: 'Deleted' },
  renamed: { letter: 'R', color: 'gitDecoration.renamedResourceForeground', title: 'Renamed' },
  typechange: { letter: 'T', color: 'gitDecoration.modifiedResourceForeground', title: 'Type changed' },
};
const Untracked: ChangeMark = { letter: 'U', color: 'gitDecoration.untrackedResourceForeground', title: 'Untracked' };

/** A file's mark: an added file nothing committed yet is `U` (untracked), as in Source Control. */
export function changeMark(status: FileChangeStatus, untracked = false): ChangeMark {
  return status === 'added' && untracked ? Untracked : Marks[status];
}

/**
 * What identifies a task's change lists: when a push brings other changes or another git state,
 * the lists fetched before are stale and are fetched again (nothing polls).
 */
export function changesKey(task: TaskSummary): string {
  const { files, added, removed } = task.changes;
  return `${task.worktreePath ?? ''}|${files}|${added}|${removed}|${task.git ? JSON.stringify(task.git) : ''}`;
}

/** `+12 -3`. */
export function countsLabel(added: number, removed: number): string {
  return `+${added} -${removed}`;
}

/** The "Changes" node under a task: its counts; collapsed until the user asks for the files. */
export function changesRow(task: TaskSummary, against: Against): Row {
  const { files, added, removed } = task.changes;
  const none = files === 0 && added === 0 && removed === 0;
  const comparing = against === 'head' ? 'Diffs open against HEAD (what is not committed yet).' : 'Diffs open against the base.';
  return {
    id: `changes:${task.id}`,
    label: 'Changes',
    description: none ? 'none' : `${countsLabel(added, removed)} · ${files} file${files === 1 ? '' : 's'}`,
    icon: { id: 'diff-multiple' },
    tooltip: `${none ? 'No file changed against the base.' : `${files} file${files === 1 ? '' : 's'} changed against the base, ${countsLabel(added, removed)}.`}\n${comparing}`,
    contextValue: `changes:${against}${none ? '' : ':some'}`,
    expanded: false,
    collapsed: true,
  };
}

/** Splits `a/b/c.ts` into `c.ts` and `a/b`. */
export function splitPath(path: string): { name: string; dir: string } {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? { name: path, dir: '' } : { name: path.slice(slash + 1), dir: path.slice(0, slash) };
}

/** One changed file: its name, its folder and counts (or `binary`), its mark in the tooltip. */
export function fileChangeRow(taskId: string, change: FileChange): Row {
  const { name, dir } = splitPath(change.path);
  const mark = changeMark(change.status, change.untracked);
  const counts = change.binary ? 'binary' : countsLabel(change.added, change.removed);
  const renamed = change.oldPath ? `${change.oldPath} → ` : '';
  return {
    id: `change:${taskId}:${change.path}`,
    label: name,
    description: [dir, counts].filter(Boolean).join(' · '),
    icon: { id: 'file' },
    tooltip: `${renamed}${change.path}\n${mark.title}${change.binary ? ', binary' : `, ${counts}`}`,
    contextValue: `change:${change.status}${change.status === 'deleted' ? '' : ':exists'}`,
    expanded: false,
    ariaLabel: `${change.path}, ${mark.title}, ${change.binary ? 'binary' : `${change.added} lines added, ${change.removed} removed`}`,
  };
}

/** The "Files" node under a task: the worktree's (or a remote sandbox's) file tree, read one folder at a time when expanded. */
export function filesRow(task: TaskSummary): Row {
  const where = task.worktreePath ? 'worktree' : 'sandbox';
  return {
    id: `files:${task.id}`,
    label: 'Files',
    description: where,
    icon: { id: 'list-tree' },
    tooltip: `Browse the task's ${where}${task.worktreePath ? `\n${task.worktreePath}` : ''}`,
    contextValue: 'files',
    expanded: false,
    collapsed: true,
  };
}

/** A folder or file of the worktree's tree; a changed file says how in its tooltip. */
export function treeEntryRow(taskId: string, entry: FileTreeEntry): Row {
  const directory = entry.type === 'directory';
  const mark = entry.change ? changeMark(entry.change) : undefined;
  return {
    id: `entry:${taskId}:${entry.path}`,
    label: entry.name,
    description: entry.type === 'symlink' ? 'symlink' : undefined,
    icon: { id: directory ? 'folder' : 'file' },
    tooltip: `${entry.path}${mark ? `\n${mark.title}` : ''}`,
    contextValue: directory ? 'entry:directory' : `entry:file${entry.change ? `:changed:${entry.change}` : ''}`,
    expanded: false,
    collapsed: directory,
  };
}

/** What a `foundry:` document says instead of a text that cannot be shown. */
export function diffNotice(diff: FileDiff): string | undefined {
  if (diff.binary) return `${diff.path} is a binary file: there is no text diff. Use "Open File" to see it in the worktree.\n`;
  if (diff.tooLarge) return `${diff.path} is larger than 5 MB: there is no text diff. Use "Open File" to see it in the worktree.\n`;
  return undefined;
}

/** The text of one side of a diff: empty for a side where the file does not exist, a notice for binary / too large files. */
export function diffSideText(diff: FileDiff, side: DiffSide): string {
  return diffNotice(diff) ?? diff[side] ?? '';
}

/** The diff editor's title: `hello.txt (Base ↔ Worktree)`; a remote sandbox's file: `(Base ↔ Sandbox)`. */
export function diffTitle(path: string, against: Against, local = true): string {
  return `${splitPath(path).name} (${against === 'head' ? 'HEAD' : 'Base'} ↔ ${local ? 'Worktree' : 'Sandbox'})`;
}

/** The multi-file diff editor's title. */
export function allChangesTitle(taskTitle: string, against: Against, local = true): string {
  return `${taskTitle}: Changes (${against === 'head' ? 'HEAD' : 'Base'} ↔ ${local ? 'Worktree' : 'Sandbox'})`;
}

/**
 * What a `foundry:` document's query carries. Its path is the worktree file's own (so the editors
 * name, highlight and pair it with that file); the file relative to the worktree is in the query.
 */
export interface DiffQuery {
  readonly taskId: string;
  /** Relative to the worktree, `/`-separated. */
  readonly path: string;
  readonly side: DiffSide;
  readonly against: Against;
}

export function encodeDiffQuery(q: DiffQuery): string {
  return new URLSearchParams({ taskId: q.taskId, path: q.path, side: q.side, against: q.against }).toString();
}

/** The query of a `foundry:` document, or why it is not one Foundry made. */
export function decodeDiffQuery(query: string): DiffQuery | string {
  const params = new URLSearchParams(query);
  const taskId = params.get('taskId');
  const path = params.get('path');
  const side = params.get('side');
  const against = params.get('against');
  if (!taskId) return 'the document names no task';
  if (!path) return 'the document names no file';
  if (side !== 'original' && side !== 'modified') return `side must be 'original' or 'modified', not ${JSON.stringify(side)}`;
  if (against !== 'base' && against !== 'head') return `against must be 'base' or 'head', not ${JSON.stringify(against)}`;
  return { taskId, path, side, against };
}

/** The file of a confirmed revert, in words: what happens and that it can be undone. */
export function revertConfirmation(path: string, status: FileChangeStatus | undefined): { message: string; detail: string } {
  const what =
    status === 'added'
      ? 'The file is new on this task: reverting removes it.'
      : status === 'deleted'
        ? 'The file was deleted on this task: reverting brings back its version on the base.'
        : "The task's changes to the file are discarded: it goes back to its version on the base.";
  return { message: `Revert ${path}?`, detail: `${what} Foundry keeps the current content, so "Undo" in the notification that follows restores it.` };
}
