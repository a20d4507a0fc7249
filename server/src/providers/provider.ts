/**
 * A sandbox provider: where a task's sandbox lives and how Foundry works in it. `local` is a git
 * worktree on this machine (providers/local.ts); `daytona` is a remote Daytona sandbox with
 * sandbox-agent inside (providers/daytona/). Everything above this interface (statuses, sessions,
 * transcripts, the changes projection, review, archive) is the same for both: handlers and views
 * never ask which provider a task has.
 */
import type { ProviderId, ProviderInfo, ProvisionStage } from '../../../shared/protocol';
import type { TaskRow } from '../db/schema';
import type { GitStateResult } from '../effects/gitState';
import type { AgentLaunch } from '../effects/transports/link';
import type { EffectsApi } from '../effects/api';
import type { GitFailure, TaskPatch } from '../effects/gitActions';
import type { CommitInfo } from '../../../shared/protocol';

/** Where an agent of a task runs, and the folder it works in. */
export interface AgentTarget {
  launch: AgentLaunch;
  cwd: string;
}

/** `foundry/getFileDiff`'s answer, or the effect's refusal (effects/reviewFiles.ts). */
export type FileSides = Awaited<ReturnType<EffectsApi['fileDiff']>>;

export interface SandboxProvider {
  readonly id: ProviderId;
  /**
   * The steps of its own provisioning stages (providers/stages.ts declares them all, in order,
   * with their labels); the common ones (naming the branch, the first session) are the job's.
   */
  readonly steps: Partial<Record<ProvisionStage, (taskId: string) => Promise<void>>>;
  /** Whether it can be used now (credentials present). */
  info(): ProviderInfo;
  /**
   * How a session's agent is reached: `local` is the agent's own stdio launch in the worktree;
   * a remote sandbox turns it into sandbox-agent's endpoint (with a token asked now, never stored).
   */
  agentTarget(task: TaskRow, local: AgentLaunch & { kind: 'stdio' }, agentId: string): Promise<AgentTarget>;
  /**
   * Make sure the sandbox is up before a turn: a stopped remote one starts again (`waking`).
   * True when it had stopped: links to the agents it ran are gone.
   */
  wake(task: TaskRow): Promise<boolean>;
  /** The changes projection's reading: changed files against the base and the branch's git state. */
  gitState(task: TaskRow, baseBranch: string | null): Promise<GitStateResult>;
  /** One file's sides against the base (or HEAD), fetched on demand. */
  fileSides(task: TaskRow, path: string, against: 'base' | 'head', oldPath?: string): Promise<FileSides>;
  /**
   * Archive and delete: the sandbox's whole working state into the local repository under `ref`
   * (a snapshot commit shaped like effects/snapshot.ts's), so restore works from it alone.
   */
  snapshot(task: TaskRow, ref: string, how: { regenerable: readonly string[]; message: string }): Promise<{ commit: string; excluded: string[]; files?: number; bytes?: number }>;
  /**
   * Unarchive and undo delete: a sandbox again from the task's snapshot, byte for byte, on its
   * branch (undo delete brings the branch back at `keptTip` first). Returns the branch it is on
   * (another when the branch moved), the files written, and the local folder, if any.
   */
  restore(task: TaskRow, from: { commit: string; keptTip?: string }): Promise<{ branch: string; movedTo: boolean; written: number; worktreePath?: string }>;
  /** Remove the sandbox, once its snapshot (`task.snapshot_commit`, under `ref`) is kept. Idempotent. */
  removeSandbox(task: TaskRow, ref: string): Promise<void>;
  /**
   * "Bring Changes Local": the sandbox's branch and whole working state into the local repository
   * (the branch, and `refs/foundry/remote/<taskId>`). Returns what it did, for the action's row.
   */
  bringLocal(task: TaskRow): Promise<string>;
  /** Whether the task has a sandbox now (its worktree exists; a remote sandbox is allocated and not deleted). */
  hasSandbox(task: TaskRow): boolean;

  // --- review (handlers/review.ts): a folder's entries, revert and its undo, where the files are

  fileTree(task: TaskRow, dir: string): Promise<Awaited<ReturnType<EffectsApi['fileTree']>>>;
  /** Keep `path` under `ref`, then bring it (and a rename's `oldPath`) back to the base. */
  revertFile(task: TaskRow, p: { path: string; oldPath?: string; ref: string }): Promise<Awaited<ReturnType<EffectsApi['revertFile']>>>;
  /** Put `path` back from `ref`, unless it changed since the revert left it (`after`). */
  undoRevert(task: TaskRow, p: { path: string; oldPath?: string; ref: string; existed: boolean; after: string | null }): Promise<Awaited<ReturnType<EffectsApi['undoRevert']>>>;

  // --- shipping (actions/gitKinds.ts): the git work where the task's files are

  /** HEAD, whether anything is uncommitted, and the last commit (a commit a restart cut short looks here). */
  head(task: TaskRow): Promise<{ head: string; dirty: boolean; commit: CommitInfo }>;
  /** `git add -A` and commit with `message` where the files are (a remote sandbox commits as the local repository's identity). */
  commit(task: TaskRow, message: string): Promise<{ commit: CommitInfo } | GitFailure>;
  /**
   * A local folder of the repository whose branch is the task's as it is now, to push and open a
   * pull request from: the worktree; for a remote sandbox, the repository once the branch is
   * fetched from it (no git token enters the sandbox).
   */
  pushFrom(task: TaskRow): Promise<string>;
  /** The task's changes against its base (uncommitted ones included, ignored files not) as one patch, for Apply to My Checkout. */
  changesPatch(task: TaskRow): Promise<TaskPatch>;
  /** Whether rebase and merge-in run in this sandbox (else they are refused with the way round). */
  readonly integrates: boolean;
}
