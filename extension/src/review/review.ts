/**
 * The review in VS Code, put together: the cached detail reads, the compare choice, the
 * `foundry:` diff documents, the file decorations, the tree nodes, the review comments and the
 * commands.
 */
import type * as vscode from 'vscode';
import { registerCommandTable } from '../commands';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import { CompareMode } from './compareMode';
import { DiffDocuments } from './diffDocuments';
import { ChangeDecorations } from './fileDecorations';
import { ReviewCommands, trackReviewDiffEditor } from './reviewCommands';
import { ReviewData } from './reviewData';
import { ReviewTree } from './reviewTree';
import { ReviewComments } from './reviewComments';
import { ReviewCommentCommands } from './reviewCommentCommands';

export function registerReview(controller: Controller): { tree: ReviewTree; disposables: vscode.Disposable[] } {
  const data = new ReviewData(controller, controller.store, (what, error) => controller.log.warn(`${what}: ${errorMessage(error)}`));
  const compare = new CompareMode(controller.context.workspaceState);
  const env = { controller, data, compare };
  const comments = new ReviewComments(controller);
  return {
    tree: new ReviewTree(controller.store, data, compare),
    disposables: [
      data,
      compare,
      new DiffDocuments(controller, data),
      new ChangeDecorations(data, controller.store),
      trackReviewDiffEditor(),
      ...registerCommandTable(ReviewCommands, env),
      comments,
      ...registerCommandTable(ReviewCommentCommands, { controller, comments }),
    ],
  };
}
