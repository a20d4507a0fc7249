/**
 * Review comments in VS Code's Comments API: a CommentController whose commenting ranges are the
 * lines of a task's diff (both `foundry:` sides, and the worktree's own files, the diff editor's
 * modified side). A comment made there is stored in the sidecar (foundry/addReviewComment, with the
 * line's text from the document) and shows as a thread of its own; threads are rebuilt from
 * foundry/listReviewComments when a document of the task opens and when a push brings another
 * count (so they survive a window reload, and they go once sent). Edit and delete are the comment's
 * title actions; Save and Cancel end an edit.
 */
import * as vscode from 'vscode';
import { AddReviewComment, DeleteReviewComment, EditReviewComment, ListReviewComments, type ReviewComment, type TaskSummary } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import { diffUri } from './diffDocuments';
import { worktreeUri } from './fileDecorations';
import { commentTarget, lineTextOf, reviewable, sameTarget, type CommentTarget } from './reviewCommentsPresentation';

export const CommentControllerId = 'foundry.review';

/** One comment as a thread shows it; `thread` is the thread it is in. */
export class ReviewThreadComment implements vscode.Comment {
  body: string | vscode.MarkdownString;
  mode = vscode.CommentMode.Preview;
  readonly author = { name: 'You' };
  readonly contextValue = 'reviewComment';
  readonly label = 'for the agent';
  thread: vscode.CommentThread | undefined;

  constructor(public comment: ReviewComment) {
    this.body = comment.text;
  }
}

interface Shown {
  readonly thread: vscode.CommentThread;
  readonly item: ReviewThreadComment;
  readonly taskId: string;
}

export class ReviewComments implements vscode.Disposable {
  private readonly comments: vscode.CommentController;
  /** By `<comment id> <document uri>`: one thread per comment per document it shows on. */
  private readonly shown = new Map<string, Shown>();
  /** Each task's unsent comments as last listed. */
  private readonly listed = new Map<string, readonly ReviewComment[]>();
  /** Each task's count as last pushed. */
  private readonly counts = new Map<string, number>();
  /** One listing at a time per task, in order. */
  private readonly loads = new Map<string, Promise<void>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly controller: Controller) {
    this.comments = vscode.comments.createCommentController(CommentControllerId, 'Foundry Review');
    this.comments.options = { prompt: 'Add a review comment for the agent', placeHolder: 'Kept until you send the review comments to a session, as one message' };
    this.comments.commentingRangeProvider = {
      provideCommentingRanges: (document) => (this.target(document.uri) ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)] : []),
    };
    this.subscriptions = [
      this.comments,
      controller.store.onDidChange(() => this.onStoreChange()),
      vscode.workspace.onDidOpenTextDocument((document) => this.onOpen(document)),
    ];
    for (const document of vscode.workspace.textDocuments) this.onOpen(document);
  }

  /** The task, file and side a document is, when it can take review comments. */
  target(uri: vscode.Uri): CommentTarget | undefined {
    return commentTarget({ scheme: uri.scheme, fsPath: uri.fsPath, query: uri.query }, this.controller.store.tasks, process.platform === 'win32' ? '\\' : '/');
  }

  /** "Add Review Comment" in a new thread: store it with the line's text, then show it as the sidecar has it. */
  async add(reply: vscode.CommentReply): Promise<void> {
    const { thread, text } = reply;
    const target = this.target(thread.uri);
    if (!target || !thread.range) throw new Error('this document is not a Foundry diff: review comments go on the lines of a task\'s changes.');
    if (!text.trim()) return;
    const line = thread.range.start.line;
    const document = await vscode.workspace.openTextDocument(thread.uri);
    const lineText = line < document.lineCount ? lineTextOf(document.lineAt(line).text) : undefined;
    await this.controller.request(AddReviewComment, { taskId: target.taskId, path: target.path, line: line + 1, side: target.side, text, ...(lineText !== undefined ? { lineText } : {}) });
    thread.dispose();
    await this.reload(target.taskId);
  }

  edit(item: ReviewThreadComment): void {
    item.mode = vscode.CommentMode.Editing;
    this.redraw(item);
  }

  cancelEdit(item: ReviewThreadComment): void {
    item.body = item.comment.text;
    item.mode = vscode.CommentMode.Preview;
    this.redraw(item);
  }

  async save(item: ReviewThreadComment): Promise<void> {
    const text = typeof item.body === 'string' ? item.body : item.body.value;
    item.comment = await this.controller.request(EditReviewComment, { commentId: item.comment.id, text });
    item.body = item.comment.text;
    item.mode = vscode.CommentMode.Preview;
    this.redraw(item);
    await this.reload(item.comment.taskId);
  }

  async delete(item: ReviewThreadComment): Promise<void> {
    await this.controller.request(DeleteReviewComment, { commentId: item.comment.id });
    await this.reload(item.comment.taskId);
  }

  /** The task a thread of this controller belongs to. */
  taskOfThread(thread: vscode.CommentThread): string | undefined {
    for (const shown of this.shown.values()) if (shown.thread === thread) return shown.taskId;
    return this.target(thread.uri)?.taskId;
  }

  /** List the task's comments again and show them (queued behind a listing under way). */
  reload(taskId: string): Promise<void> {
    const previous = this.loads.get(taskId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const task = this.controller.store.task(taskId);
      const comments = task && reviewable(task) ? (await this.controller.request(ListReviewComments, { taskId })).comments : [];
      this.listed.set(taskId, comments);
      this.sync(taskId);
    });
    const settled = next.catch((error) => this.controller.log.warn(`Could not list the review comments of task ${taskId}: ${errorMessage(error)}`));
    this.loads.set(taskId, settled);
    void settled.then(() => {
      if (this.loads.get(taskId) === settled) this.loads.delete(taskId);
    });
    return next;
  }

  dispose(): void {
    for (const shown of this.shown.values()) shown.thread.dispose();
    this.shown.clear();
    for (const s of this.subscriptions) s.dispose();
  }

  /** A document of a task opened: its threads show once the task's comments are listed. */
  private onOpen(document: vscode.TextDocument): void {
    const target = this.target(document.uri);
    if (!target) return;
    if (this.listed.has(target.taskId)) this.sync(target.taskId);
    else void this.reload(target.taskId).catch(() => undefined);
  }

  /** A push: a task whose count changed (or that has comments and was never listed) is listed again. */
  private onStoreChange(): void {
    const present = new Set<string>();
    for (const task of this.controller.store.tasks) {
      present.add(task.id);
      const count = reviewable(task) ? (task.reviewComments ?? 0) : 0;
      const before = this.counts.get(task.id);
      this.counts.set(task.id, count);
      if (before === count) continue;
      if (count > 0 || this.listed.has(task.id)) void this.reload(task.id).catch(() => undefined);
    }
    for (const taskId of [...this.listed.keys()]) {
      if (present.has(taskId)) continue;
      this.listed.delete(taskId);
      this.counts.delete(taskId);
      this.sync(taskId);
    }
  }

  /** Make the task's threads match its listed comments: one per comment on its canonical document and on each open document of the same file and side. */
  private sync(taskId: string): void {
    const task = this.controller.store.task(taskId);
    const comments = task && reviewable(task) ? (this.listed.get(taskId) ?? []) : [];
    const wanted = new Map<string, { comment: ReviewComment; uri: vscode.Uri }>();
    for (const comment of comments) {
      for (const uri of this.documentsOf(task!, comment)) wanted.set(`${comment.id} ${uri.toString()}`, { comment, uri });
    }
    for (const [key, shown] of [...this.shown]) {
      if (shown.taskId !== taskId || wanted.has(key)) continue;
      shown.thread.dispose();
      this.shown.delete(key);
    }
    for (const [key, { comment, uri }] of wanted) {
      const shown = this.shown.get(key);
      if (shown) {
        if (shown.item.mode === vscode.CommentMode.Preview && shown.item.comment.text !== comment.text) {
          shown.item.comment = comment;
          shown.item.body = comment.text;
          this.redraw(shown.item);
        }
        continue;
      }
      this.shown.set(key, { ...this.createThread(task!, comment, uri), taskId });
    }
  }

  private createThread(task: TaskSummary, comment: ReviewComment, uri: vscode.Uri): { thread: vscode.CommentThread; item: ReviewThreadComment } {
    const item = new ReviewThreadComment(comment);
    const line = comment.line - 1;
    const thread = this.comments.createCommentThread(uri, new vscode.Range(line, 0, line, 0), [item]);
    item.thread = thread;
    thread.canReply = false;
    thread.contextValue = 'reviewThread';
    thread.label = `Review comment on "${task.title}"`;
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    return { thread, item };
  }

  /** Where a comment shows: its side's canonical document (the worktree file; the base's `foundry:` side), and every open document of the same file and side. */
  private documentsOf(task: TaskSummary & { worktreePath?: string }, comment: ReviewComment): vscode.Uri[] {
    const worktree = task.worktreePath ?? '';
    const canonical = comment.side === 'modified' ? worktreeUri(worktree, comment.path) : diffUri(worktree, task.id, comment.path, 'original', 'base');
    const uris = new Map([[canonical.toString(), canonical]]);
    for (const document of vscode.workspace.textDocuments) {
      const target = document.isClosed ? undefined : this.target(document.uri);
      if (target && sameTarget(target, comment)) uris.set(document.uri.toString(), document.uri);
    }
    return [...uris.values()];
  }

  private redraw(item: ReviewThreadComment): void {
    if (item.thread) item.thread.comments = [...item.thread.comments];
  }
}
