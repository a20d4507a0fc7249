/**
 * Review comments: stored per task until sent, then sent to one session as one message. (Stubs
 * until the review-comments slice lands.)
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../../shared/protocol';
import type { Handlers } from './define';

const notYet = (method: string) => () => {
  throw new ResponseError(ErrorCodes.Internal, `${method} failed: not implemented yet`);
};

export const reviewCommentHandlers: Pick<Handlers, 'AddReviewComment' | 'EditReviewComment' | 'DeleteReviewComment' | 'ListReviewComments' | 'SendReviewComments'> = {
  AddReviewComment: notYet('foundry/addReviewComment'),
  EditReviewComment: notYet('foundry/editReviewComment'),
  DeleteReviewComment: notYet('foundry/deleteReviewComment'),
  ListReviewComments: notYet('foundry/listReviewComments'),
  SendReviewComments: notYet('foundry/sendReviewComments'),
};
