/**
 * The git repository action kinds: commit, fetch, push, rebase_on_base, merge_base_in and
 * apply_to_checkout. Each is one or two effects-worker calls (effects/gitActions.ts); what git
 * refused comes back in its words as an ActionFailure.
 */
import { turnInProgress, type RepoActionKind } from '../../../shared/protocol';
import type { TaskRow } from '../db/schema';
import type { GitFailure } from '../effects/gitActions';
import { invalidState } from '../errors';
import { ActionFailure, INTERRUPTED, type ActionCheck, type ActionContext, type ActionKind } from './kinds';
import { proposeCommitMessage } from './commitMessage';

type Worktree = TaskRow & { worktree_path: string; base_ref: string };

/** The task, with its sandbox (a worktree here, or a remote sandbox its provider works in). */
function taskOf(ctx: ActionContext): TaskRow & { base_ref: string } {
  const t = ctx.task;
  if (!t?.base_ref || !ctx.sc.providers.of(t).hasSandbox(t)) throw new ActionFailure('the task has no sandbox');
  return t as TaskRow & { base_ref: string };
}

/** A task whose worktree is here: rebase and merge-in run only where the provider integrates. */
function worktree(ctx: ActionContext, mode: 'rebase' | 'merge'): Worktree {
  const t = taskOf(ctx);
  if (!ctx.sc.providers.of(t).integrates || !t.worktree_path) {
    throw new ActionFailure(`${mode === 'rebase' ? 'rebasing' : 'merging the base in'} is not available in a remote sandbox yet: Bring Changes Local, then ${mode} the branch in the local repository`);
  }
  return t as Worktree;
}

/** The worker's answer, or its failure thrown as the action's. */
function settled<T extends object>(r: T | GitFailure): T {
  if ('failed' in r) throw new ActionFailure(r.failed, r.conflicts);
  return r;
}

const commit: ActionKind = {
  needsTask: true,
  // Repeated only while there is still something to commit.
  afterRestart: 'repeat',
  check(sc, task) {
    const git = task && sc.store.taskGit(task.id);
    if (git?.uncommitted === 0) throw invalidState('runRepoAction commit', 'nothing_to_commit', 'the worktree has no uncommitted changes');
  },
  async run(ctx) {
    const t = taskOf(ctx);
    const provider = ctx.sc.providers.of(t);
    const now = await provider.head(t);
    if (ctx.resumed && !now.dirty && ctx.saved?.head && now.head !== ctx.saved.head) {
      ctx.finish(`committed ${now.commit.sha.slice(0, 7)} before the restart`);
      return { commit: now.commit };
    }
    ctx.save({ head: now.head });
    ctx.progress('committing');
    const message = ctx.params.message ?? proposeCommitMessage(ctx.sc.store.task(t.id) ?? t);
    const r = settled(await provider.commit(t, message));
    ctx.finish(`committed ${r.commit.sha.slice(0, 7)} ${r.commit.subject}`);
    return { commit: r.commit };
  },
};

const fetch: ActionKind = {
  needsTask: false,
  afterRestart: 'repeat',
  async run(ctx) {
    ctx.progress('fetching origin');
    const r = settled(await ctx.sc.effects.call('gitFetch', { cwd: ctx.task?.worktree_path ?? ctx.repo.path }));
    ctx.finish(r.message);
    return {};
  },
};

const push: ActionKind = {
  needsTask: true,
  afterRestart: 'repeat',
  async run(ctx) {
    const t = taskOf(ctx);
    const provider = ctx.sc.providers.of(t);
    const from = await provider.pushFrom(t);
    ctx.progress(`pushing ${t.branch} to origin`);
    const r = settled(await ctx.sc.effects.call('gitPush', { worktreePath: from, branch: t.branch }));
    ctx.finish(r.message);
    return { upstream: r.upstream };
  },
};

/** Rebase and merge are refused while a turn runs or the worktree is dirty (as the projection last saw it). */
const refuseBusyOrDirty =
  (kind: RepoActionKind): ActionCheck =>
  (sc, task) => {
    if (!task) return;
    if (sc.store.sessionsOf(task.id).some((s) => turnInProgress(s.status))) {
      throw invalidState(`runRepoAction ${kind}`, 'running', 'a turn is running in one of its sessions; wait for it to end or stop it');
    }
    const uncommitted = sc.store.taskGit(task.id)?.uncommitted ?? 0;
    if (uncommitted > 0) throw invalidState(`runRepoAction ${kind}`, 'uncommitted_changes', `the worktree has ${uncommitted} uncommitted file(s): commit or revert them first`);
  };

function integrate(kind: 'rebase_on_base' | 'merge_base_in', mode: 'rebase' | 'merge'): ActionKind {
  return {
    needsTask: true,
    check: refuseBusyOrDirty(kind),
    async run(ctx) {
      const t = worktree(ctx, mode);
      const now = await ctx.sc.effects.call('gitWorktreeHead', { worktreePath: t.worktree_path });
      ctx.save({ head: now.head });
      ctx.progress(mode === 'rebase' ? `rebasing onto ${ctx.repo.default_branch}` : `merging ${ctx.repo.default_branch} in`);
      const r = settled(await ctx.sc.effects.call('gitIntegrate', { worktreePath: t.worktree_path, baseBranch: ctx.repo.default_branch, mode }));
      ctx.finish(r.message);
      return { commit: r.commit };
    },
    // Half done: aborted, so the worktree is as it was; finished: said so.
    async afterRestart(ctx) {
      const t = worktree(ctx, mode);
      const r = await ctx.sc.effects.call('gitRecoverIntegrate', { worktreePath: t.worktree_path, headBefore: ctx.saved?.head ?? null });
      if (r.state === 'done') {
        ctx.finish(`${mode === 'rebase' ? 'rebased' : 'merged'} before the restart`);
        return { commit: r.commit };
      }
      throw new ActionFailure(r.aborted ? `${INTERRUPTED} (the ${mode} it left half way was aborted)` : INTERRUPTED);
    },
  };
}

const applyToCheckout: ActionKind = {
  needsTask: true,
  async run(ctx) {
    const t = taskOf(ctx);
    ctx.progress(`applying the changes to ${ctx.repo.path}`);
    const patch = await ctx.sc.providers.of(t).changesPatch(t);
    const r = settled(await ctx.sc.effects.call('gitApplyPatch', { ...patch, mainPath: ctx.repo.path }));
    ctx.finish(`applied ${r.files.length} file(s) to ${ctx.repo.path} as uncommitted changes`);
    return { files: r.files };
  },
  // git apply checks everything before it writes: the main tree has all of the changes or none.
  async afterRestart(ctx) {
    const t = taskOf(ctx);
    const patch = await ctx.sc.providers.of(t).changesPatch(t);
    const r = await ctx.sc.effects.call('gitProbePatch', { ...patch, mainPath: ctx.repo.path });
    if (r.state === 'applied') {
      ctx.finish(`applied ${r.files.length} file(s) to ${ctx.repo.path} before the restart`);
      return { files: r.files };
    }
    if (r.state === 'not_applied') throw new ActionFailure(INTERRUPTED);
    throw new ActionFailure(`interrupted by a restart; the main working tree may hold part of the changes: check git status in ${ctx.repo.path}`);
  },
};

export const gitActionKinds: Record<'commit' | 'fetch' | 'push' | 'rebase_on_base' | 'merge_base_in' | 'apply_to_checkout', ActionKind> = {
  commit,
  fetch,
  push,
  rebase_on_base: integrate('rebase_on_base', 'rebase'),
  merge_base_in: integrate('merge_base_in', 'merge'),
  apply_to_checkout: applyToCheckout,
};
