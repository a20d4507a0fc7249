/**
 * Review comments, as plain data: which task, file and side a document is (so it can take
 * comments), the explorer's "2 review comments" row, the sessions the comments can go to, and
 * where each comment's thread shows. No `vscode` import, so it is unit-tested in plain Node.
 */
import type { ReviewComment, SessionSummary, TaskSummary } from '../../../shared/protocol';
import type { Row } from '../views/taskPresentation';
import { decodeDiffQuery, type DiffSide } from './reviewPresentation';

/** A line of a task's diff a comment is on: the task, the file (relative, `/`-separated) and the side. */
export interface CommentTarget {
  readonly taskId: string;
  readonly path: string;
  readonly side: DiffSide;
}

/** What commentTarget needs of a document's uri. */
export interface UriParts {
  readonly scheme: string;
  /** The file-system path (`Uri.fsPath`). */
  readonly fsPath: string;
  readonly query: string;
}

/** A task still under review: it has a worktree and is not archived. */
export const reviewable = (task: TaskSummary): task is TaskSummary & { worktreePath: string } =>
  task.worktreePath !== undefined && task.status !== 'archived' && task.status !== 'archive_remove_sandbox';

/**
 * The comment target of a document: a `foundry:` diff side (its query names the task, the file and
 * the side), or a file of a task's worktree (the modified side, which the diff editor shows as the
 * worktree's own file). Nothing else takes comments; neither does a file under `.git`.
 */
export function commentTarget(uri: UriParts, tasks: readonly TaskSummary[], sep = '/'): CommentTarget | undefined {
  if (uri.scheme === 'foundry') {
    const query = decodeDiffQuery(uri.query);
    if (typeof query === 'string') return undefined;
    const task = tasks.find((t) => t.id === query.taskId);
    return task && reviewable(task) ? { taskId: query.taskId, path: query.path, side: query.side } : undefined;
  }
  if (uri.scheme !== 'file') return undefined;
  for (const task of tasks) {
    if (!reviewable(task)) continue;
    const root = task.worktreePath.endsWith(sep) ? task.worktreePath : task.worktreePath + sep;
    if (!uri.fsPath.startsWith(root)) continue;
    const path = uri.fsPath.slice(root.length).split(sep).join('/');
    if (!path || path.split('/').includes('.git')) return undefined;
    return { taskId: task.id, path, side: 'modified' };
  }
  return undefined;
}

/** The same line of the same file and side. */
export const sameTarget = (a: CommentTarget, b: Pick<ReviewComment, 'taskId' | 'path' | 'side'>) => a.taskId === b.taskId && a.path === b.path && a.side === b.side;

/** `1 review comment`, `2 review comments`. */
export function reviewCommentsLabel(count: number): string {
  return `${count} review comment${count === 1 ? '' : 's'}`;
}

/** The row under a task that counts its unsent comments; absent when there are none. */
export function reviewCommentsRow(task: TaskSummary): Row | undefined {
  const count = task.reviewComments ?? 0;
  if (count === 0) return undefined;
  return {
    id: `reviewComments:${task.id}`,
    label: reviewCommentsLabel(count),
    description: 'not sent yet',
    icon: { id: 'comment-discussion' },
    tooltip: `${reviewCommentsLabel(count)} on the diffs of "${task.title}", kept until you send them to a session as one message (Send Review Comments).`,
    contextValue: 'reviewComments',
    expanded: false,
  };
}

/** The sessions review comments can go to: open ones (not closed, not in error). */
export function sessionsForComments(task: TaskSummary): SessionSummary[] {
  return task.sessions.filter((s) => s.status !== 'closed' && s.status !== 'error');
}

/** The line text kept with a comment (the protocol takes up to 2,000 characters). */
export function lineTextOf(text: string): string {
  return text.length > 2000 ? text.slice(0, 2000) : text;
}

/** What the notification says once comments are sent. */
export function sentMessage(sent: number, sessionName: string, queued: boolean): string {
  return `Foundry: sent ${reviewCommentsLabel(sent)} to "${sessionName}" as one message${queued ? ' (queued behind the running turn)' : ''}.`;
}
