/**
 * The GitHub repository action kinds (create_pull_request, merge_pull_request). Stubs until the
 * GitHub slice lands: that slice replaces this file, keeping the export's name and shape
 * (actions/kinds.ts).
 */
import { ActionFailure, type ActionKind } from '../actions/kinds';

const notYet = async (): Promise<never> => {
  throw new ActionFailure('not implemented yet');
};

export const githubActionKinds: Record<'create_pull_request' | 'merge_pull_request', ActionKind> = {
  create_pull_request: { run: notYet, needsTask: true, afterRestart: 'fail' },
  merge_pull_request: { run: notYet, needsTask: true, afterRestart: 'fail' },
};
