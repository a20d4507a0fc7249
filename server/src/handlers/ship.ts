/**
 * Ship: repository actions as durable jobs, the commit message proposal, the GitHub token, and the
 * repository overview. (Stubs until the ship slice lands.)
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../../shared/protocol';
import type { Handlers } from './define';

const notYet = (method: string) => () => {
  throw new ResponseError(ErrorCodes.Internal, `${method} failed: not implemented yet`);
};

export const shipHandlers: Pick<Handlers, 'RunRepoAction' | 'ListRepoActions' | 'ProposeCommitMessage' | 'SetGitHubToken' | 'GetRepoOverview' | 'RefreshRepo'> = {
  RunRepoAction: notYet('foundry/runRepoAction'),
  ListRepoActions: notYet('foundry/listRepoActions'),
  ProposeCommitMessage: notYet('foundry/proposeCommitMessage'),
  SetGitHubToken: notYet('foundry/setGitHubToken'),
  GetRepoOverview: notYet('foundry/getRepoOverview'),
  RefreshRepo: notYet('foundry/refreshRepo'),
};
