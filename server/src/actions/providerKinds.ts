/**
 * The repository action a sandbox provider serves: `bring_changes_local` fetches a remote task's
 * branch and working state into the local repository (providers/provider.ts bringLocal).
 */
import type { ActionKind } from './kinds';
import { ActionFailure } from './kinds';

const bringChangesLocal: ActionKind = {
  needsTask: true,
  // A fetch of the same refs again: harmless to repeat.
  afterRestart: 'repeat',
  async run(ctx) {
    const t = ctx.task!;
    const provider = ctx.sc.providers.of(t);
    if (!provider.hasSandbox(t)) throw new ActionFailure('the task has no sandbox to bring changes from');
    ctx.progress('Fetching the branch and its changes from the sandbox');
    ctx.finish(await provider.bringLocal(t));
    return {};
  },
};

export const providerActionKinds = { bring_changes_local: bringChangesLocal };
