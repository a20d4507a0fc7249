/**
 * The interface every repository action kind implements (foundry/runRepoAction). A kind is a
 * runner: it gets the action's context, does its work (git on the effects worker, GitHub through
 * @octokit/rest), and returns the action's result, or throws an ActionFailure whose message is
 * what the user reads (git's or GitHub's own words) and whose conflicts name the files. Anything
 * else thrown fails the action with the error's text too. The job around it (actions/job.ts)
 * moves the row and pushes it; a runner only reports progress.
 *
 * The git kinds are in actions/gitKinds.ts, the GitHub kinds in github/actions.ts; the table of
 * all of them is actions/registry.ts.
 */
import type { RepoAction, RepoActionKind } from '../../../shared/protocol';
import type { RepoActionRow, RepoRow, TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';

/** What the request asked for besides the target and the kind (stored as the row's params). */
export interface ActionParams {
  /** `commit`: its message; absent: the proposed one. */
  message?: string;
  /** `create_pull_request`. */
  title?: string;
  body?: string;
  draft?: boolean;
  /** `merge_pull_request`. */
  mergeMethod?: 'merge' | 'squash' | 'rebase';
}

export type ActionResult = RepoAction['result'];

export interface ActionContext {
  sc: Sidecar;
  /** The action's row as it was when the runner started. */
  action: RepoActionRow;
  params: ActionParams;
  repo: RepoRow;
  /** Absent for a repository-wide action (`fetch` by repoId). */
  task?: TaskRow;
  /** Push the row as `running` with this message (what the runner is doing now). */
  progress(message: string): void;
  /** The message the row keeps when the action succeeds (what it did); absent: none. */
  finish(message: string): void;
  /**
   * Run another kind's runner as a step of this action, with this context (e.g. `push` before
   * `create_pull_request`); its failure is this action's failure.
   */
  run(kind: RepoActionKind): Promise<ActionResult>;
  /**
   * Keep a little state on the job row (e.g. HEAD before a rebase), so a run that a restart cut
   * short can tell what it had done. Read back through `saved` on the next run.
   */
  save(state: Record<string, string>): void;
  /** What `save` kept, when this run continues one that a restart cut short (else undefined). */
  saved?: Record<string, string>;
  /** True when a restart cut an earlier run of this action short (only repeatable kinds run again). */
  resumed: boolean;
}

export type ActionRunner = (ctx: ActionContext) => Promise<ActionResult>;

/** A failure the user reads as it is: the row ends `failed` with this message and these conflicts. */
export class ActionFailure extends Error {
  constructor(
    message: string,
    readonly conflicts?: string[],
  ) {
    super(message);
  }
}

/** What the request handler checks from SQLite before it queues the action (throw a ResponseError to refuse). */
export type ActionCheck = (sc: Sidecar, task: TaskRow | undefined, params: ActionParams) => void;

export interface ActionKind {
  run: ActionRunner;
  /** Whether the kind acts on a task (all but `fetch`, which may take a repoId). */
  needsTask: boolean;
  /**
   * When a restart cut a run short: `repeat` runs it again (the runner sees `resumed`); `fail`
   * ends it failed with "interrupted by a restart; nothing was changed"; a runner instead checks
   * what was left (aborting what was half done) and returns the result or throws.
   */
  afterRestart: 'repeat' | 'fail' | ActionRunner;
  /** Refusals the request answers at once (-32002), from the database only. */
  check?: ActionCheck;
}

export const INTERRUPTED = 'interrupted by a restart; nothing was changed';
