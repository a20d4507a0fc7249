/**
 * The review comments' commands: add (a new thread's button), edit, save, cancel and delete (a
 * comment's title and edit actions), and Send Review Comments (on a task in the explorer, its "2
 * review comments" row, and a thread's title): it picks one of the task's open sessions (no pick
 * when there is one) and sends every unsent comment as one message, then opens that chat tab.
 */
import * as vscode from 'vscode';
import { SendReviewComments, statusLabel, type SessionSummary, type TaskSummary } from '../../../shared/protocol';
import { resolveTask } from '../commands/pickers';
import type { Controller } from '../controller';
import { ReviewThreadComment, type ReviewComments } from './reviewComments';
import { sentMessage, sessionsForComments } from './reviewCommentsPresentation';

export interface ReviewCommentEnv {
  readonly controller: Controller;
  readonly comments: ReviewComments;
}

type Command = (env: ReviewCommentEnv) => (...args: unknown[]) => unknown;

function threadComment(arg: unknown): ReviewThreadComment {
  if (arg instanceof ReviewThreadComment) return arg;
  throw new Error('use the actions on a Foundry review comment.');
}

const isThread = (arg: unknown): arg is vscode.CommentThread => typeof arg === 'object' && arg !== null && 'uri' in arg && 'comments' in arg;

/** The task of a thread, a review comment, a tree row or an id (else a pick). */
async function taskOf({ controller, comments }: ReviewCommentEnv, arg: unknown): Promise<TaskSummary | undefined> {
  let taskId: string | undefined;
  if (arg instanceof ReviewThreadComment) taskId = arg.comment.taskId;
  else if (isThread(arg)) taskId = comments.taskOfThread(arg);
  else if (typeof arg === 'object' && arg !== null && (arg as { kind?: string }).kind === 'reviewComments') taskId = (arg as { taskId: string }).taskId;
  if (taskId) return controller.store.task(taskId) ?? resolveTask(controller, taskId);
  return resolveTask(controller, arg, 'Send the review comments of which task?');
}

async function pickSession(task: TaskSummary, sessionId: unknown): Promise<SessionSummary | undefined> {
  const open = sessionsForComments(task);
  if (typeof sessionId === 'string') return open.find((s) => s.id === sessionId) ?? task.sessions.find((s) => s.id === sessionId);
  if (open.length === 0) {
    void vscode.window.showInformationMessage(`Foundry: "${task.title}" has no open session to send the review comments to. Open one with New Session.`);
    return undefined;
  }
  if (open.length === 1) return open[0];
  const picked = await vscode.window.showQuickPick(
    open.map((session) => ({ label: session.name, description: `${session.agent} · ${statusLabel[session.status]}`, session })),
    { placeHolder: `Send the review comments of "${task.title}" to which session?` },
  );
  return picked?.session;
}

const sendReviewComments: Command = (env) => async (arg, sessionId) => {
  const task = await taskOf(env, arg);
  if (!task) return;
  if (!task.reviewComments) {
    void vscode.window.showInformationMessage(`Foundry: "${task.title}" has no review comment to send. Add them on the lines of its diffs.`);
    return;
  }
  const session = await pickSession(task, sessionId);
  if (!session) return;
  const result = await env.controller.request(SendReviewComments, { taskId: task.id, sessionId: session.id });
  env.controller.log.info(`Sent ${result.sent} review comment(s) of task ${task.id} to session ${session.id} (turn ${result.turnId})`);
  void vscode.window.showInformationMessage(sentMessage(result.sent, session.name, result.queued));
  await env.comments.reload(task.id);
  await vscode.commands.executeCommand('foundry.openSession', session.id);
};

export const ReviewCommentCommands: Record<string, { readonly title: string; readonly make: Command }> = {
  'foundry.review.addComment': {
    title: 'Add Review Comment',
    make: ({ comments }) => (reply) => comments.add(reply as vscode.CommentReply),
  },
  'foundry.review.editComment': { title: 'Edit Review Comment', make: ({ comments }) => (arg) => comments.edit(threadComment(arg)) },
  'foundry.review.saveComment': { title: 'Save Review Comment', make: ({ comments }) => (arg) => comments.save(threadComment(arg)) },
  'foundry.review.cancelEdit': { title: 'Cancel', make: ({ comments }) => (arg) => comments.cancelEdit(threadComment(arg)) },
  'foundry.review.deleteComment': { title: 'Delete Review Comment', make: ({ comments }) => (arg) => comments.delete(threadComment(arg)) },
  'foundry.sendReviewComments': { title: 'Send Review Comments', make: sendReviewComments },
};
