/**
 * The effects worker's API. Everything that spawns a process or touches git or an agent
 * runs in a worker thread, so the request loop on the main thread never pays for a
 * spawn (FACTS.md: ~1 ms of the calling thread per child process). The main thread owns
 * all state; the worker owns none.
 */
import type { CommitInfo, FileTreeEntry, PendingPermission } from '../../../shared/protocol';
import type { GitStateResult } from './gitState';
import type { BranchFacts } from './branches';
import type { Refusal } from './reviewFiles';
import type { GitFailure, TaskPatch } from './gitActions';
import type { ProcessIdentity } from './identity';
import type { RepoIdentity } from './repoIdentity';
import type { BackfillItem, BackfillResult } from './markerBackfill';
import type { SessionSetup } from '../agents/agentConfig';
import type { AgentLaunch } from './transports/link';
import type { Verdict } from './pool';
import type { RestoreSnapshotParams, RestoreSnapshotResult, SnapshotResult, TakeSnapshotParams } from './snapshot';
import type { RemoveSnapshotted, RestoreWorktree } from './shelve';
import type { FactsQuery, TaskFacts } from './cleanupFacts';
import type { DaytonaEffects } from '../providers/daytona/remote';
import type { bundleEffects } from './bundles';

/** Daytona's API (providers/daytona/remote.ts) and git bundles (effects/bundles.ts). */
type RemoteApi = DaytonaEffects & typeof bundleEffects;

/** A worker method may answer synchronously or asynchronously. */
export type Async<T> = T | Promise<T>;

export interface EffectsApi extends RemoteApi {
  /**
   * The repository `path` is in (effects/repoIdentity.ts): its identity (the real path of its git
   * common dir), its main working tree, and the branch checked out there.
   */
  repoInfo(p: { path: string }): Async<RepoIdentity & { defaultBranch: string }>;
  /** Each path's repository identity, or null where the path is gone or in no repository. */
  repoIdentities(p: { paths: string[] }): Async<(RepoIdentity | null)[]>;
  /** Ownership markers for worktrees of earlier versions, where git vouches for them (effects/markerBackfill.ts). */
  backfillOwnerMarkers(p: { worktrees: BackfillItem[] }): Async<BackfillResult>;
  listBranches(p: { repoPath: string }): Async<string[]>;
  /**
   * Make an existing branch local for a task (effects/attachBranch.ts): kept when it is, else
   * fetched from `origin` (`pullRequest`: from `refs/pull/N/head`); refused while a working tree
   * has it checked out. Returns the task's base commit.
   */
  attachBranch(p: { repoPath: string; branch: string; defaultBranch: string; pullRequest?: number }): Async<{ baseRef: string }>;
  /**
   * Idempotent: an existing worktree at `worktreePath` on `branch` is reused; any other folder
   * there fails, and is never deleted (existingWorktree.ts). A new worktree gets the task's
   * ownership marker (ownership.ts). Returns the base commit.
   */
  createWorktree(p: { repoPath: string; worktreePath: string; branch: string; baseRef: string | null; taskId: string }): Async<{ baseRef: string }>;
  /**
   * `git worktree remove`, only of a worktree provably Foundry's for this task (`recordedPath` is
   * the task row's worktree_path), and never forced: git refuses a dirty tree.
   */
  removeWorktree(p: { repoPath: string; worktreePath: string; taskId: string; recordedPath: string | null }): Async<void>;
  isDirty(p: { worktreePath: string }): Async<boolean>;
  /** The instant sandbox pool's git work (effects/pool.ts): the main checkout's HEAD. */
  repoHead(p: { repoPath: string }): Async<string>;
  /** `git status --porcelain -z` of a worktree. */
  worktreeDigest(p: { worktreePath: string }): Async<string>;
  /** A new pool worktree on `branch` at the main checkout's HEAD, marked `pool:<entryId>`. */
  poolCreate(p: { repoPath: string; worktreePath: string; branch: string; entryId: string }): Async<{ baseRef: string }>;
  /** Check a leased pool worktree is whole and unchanged, then rename its branch and rewrite its marker to the task's. */
  poolAdopt(p: { repoPath: string; worktreePath: string; entryId: string; poolBranch: string; baseRef: string; statusDigest: string; taskId: string; branch: string }): Async<Verdict>;
  /** Remove an unleased pool worktree (marker checked; left when it changed since its setup) and its pool branch. */
  poolRemove(p: { repoPath: string; worktreePath: string; entryId: string; branch: string; baseRef: string | null; statusDigest: string | null }): Async<Verdict>;
  /** The repository's worktrees that carry a Foundry ownership marker. */
  markedWorktrees(p: { repoPath: string }): Async<{ path: string; owner: string; branch: string | null }[]>;
  /** Remove an orphan worktree only if it holds nothing (clean, no ignored work, no unique commits); never forced. */
  removeOrphan(p: { repoPath: string; worktreePath: string; owner: string }): Async<Verdict>;
  /** Copy the repository's listed git-ignored files from the main checkout into a worktree (paths only in the answer). */
  copyIgnored(p: { repoPath: string; worktreePath: string; paths: string[] }): Async<{ copied: string[]; skipped: string[] }>;
  /** Git-ignored files that `git worktree remove` would delete, minus those in regenerable folders (effects/ignoredWork.ts). */
  ignoredWork(p: { worktreePath: string }): Async<string[]>;
  /** Run a shell script in its own process group; output appended to logPath. */
  runScript(p: { owner: string; script: string; cwd: string; logPath: string; env: Record<string, string> }): Async<{
    exitCode: number | null;
    signal: string | null;
  }>;
  /** The main thread recorded group `pgid`: a held setup script may start. */
  released(p: { pgid: number }): Async<void>;
  /**
   * End process groups left by a crashed sidecar, each only if its leader is provably the
   * recorded process (same boot, same start time): SIGTERM, then SIGKILL. `ended`: gone now;
   * `dropped`: not provably ours, never signalled; `survivors`: still running after SIGKILL.
   */
  endStaleGroups(p: { groups: ({ pgid: number } & ProcessIdentity)[] }): Async<{ ended: number[]; dropped: number[]; survivors: number[] }>;
  /** The changes projection's whole refresh (effects/gitState.ts): changed files and the branch's git state. */
  gitState(p: { worktreePath: string; baseRef: string; baseBranch: string | null }): Async<GitStateResult>;
  /** The repository overview's branches: ahead/behind the default branch, upstream, last commit (effects/branches.ts). */
  repoBranches(p: { repoPath: string; defaultBranch: string }): Async<BranchFacts[]>;
  /** The URL of `remote` (`origin`), or null when there is no such remote. */
  remoteUrl(p: { repoPath: string; remote: string }): Async<string | null>;
  /** Both sides of one file's diff (effects/reviewFiles.ts). */
  fileDiff(p: { worktreePath: string; baseRef: string; path: string; oldPath?: string; against: 'base' | 'head' }): Async<
    { path: string; original: string | null; modified: string | null; binary?: boolean; tooLarge?: boolean } | Refusal
  >;
  /** One folder's entries, directories first. */
  fileTree(p: { worktreePath: string; dir: string }): Async<{ entries: Omit<FileTreeEntry, 'change'>[] } | Refusal>;
  /** Keep `path` under `ref`, then bring it (and a rename's `oldPath`) back to the base. `after`: its blob id now. */
  revertFile(p: { worktreePath: string; baseRef: string; path: string; oldPath?: string; ref: string }): Async<{ existed: boolean; after: string | null } | Refusal>;
  /** Restore `path` from `ref`, unless it is no longer as the revert left it (`after`). */
  undoRevert(p: { worktreePath: string; path: string; oldPath?: string; ref: string; existed: boolean; after: string | null }): Async<{ ok: true } | Refusal>;
  /** Repository actions' git work (effects/gitActions.ts): `git add -A` and commit. */
  gitCommit(p: { worktreePath: string; message: string }): Async<{ commit: CommitInfo } | GitFailure>;
  /** HEAD and whether anything is uncommitted. */
  gitWorktreeHead(p: { worktreePath: string }): Async<{ head: string; dirty: boolean; commit: CommitInfo }>;
  /** `git fetch origin` in `cwd` (a worktree or the repository). */
  gitFetch(p: { cwd: string }): Async<{ message: string } | GitFailure>;
  /** `git push -u origin <branch>`. */
  gitPush(p: { worktreePath: string; branch: string }): Async<{ upstream: string; message: string } | GitFailure>;
  /** Rebase onto, or merge in, the local base branch; aborted on a conflict, naming the files. */
  gitIntegrate(p: { worktreePath: string; baseBranch: string; mode: 'rebase' | 'merge' }): Async<{ commit: CommitInfo; message: string; headBefore: string } | GitFailure>;
  /** Abort a rebase or merge a restart left half way; whether HEAD moved from `headBefore`. */
  gitRecoverIntegrate(p: { worktreePath: string; headBefore: string | null }): Async<{ state: 'unchanged' | 'done'; aborted: boolean; commit: CommitInfo }>;
  /** The identity git commits as in `cwd`, or null (given to a remote sandbox's commit). */
  gitIdentity(p: { cwd: string }): Async<{ name: string; email: string } | null>;
  /** The worktree's changes against `baseRef` (untracked included) as one binary patch. */
  gitTaskPatch(p: { worktreePath: string; baseRef: string }): Async<TaskPatch>;
  /** A task's patch applied, uncommitted, in the main working tree `mainPath` (all or nothing). */
  gitApplyPatch(p: TaskPatch & { mainPath: string }): Async<{ files: string[] } | GitFailure>;
  /** Whether the main working tree has that patch already (after a restart cut an apply short). */
  gitProbePatch(p: TaskPatch & { mainPath: string }): Async<{ state: 'applied' | 'not_applied' | 'unknown'; files: string[] }>;
  watch(p: { taskId: string; path: string; debounceMs: number }): Async<void>;
  unwatch(p: { taskId: string }): Async<void>;
  /**
   * Start (or reach) the session's agent: a local process over stdio, whose `env` is its whole
   * environment (agents/agentEnv.ts; nothing of the worker's is added), or an agent served by a
   * sandbox-agent server over HTTP (effects/transports/).
   */
  agentStart(p: { key: string; launch: AgentLaunch; cwd: string }): Async<{
    pgid: number;
    loadSession: boolean;
  }>;
  /** `setup`: the answer's modes, models and configOptions (agents/agentConfig.ts). */
  agentNewSession(p: { key: string; cwd: string }): Async<{ acpSessionId: string; setup: SessionSetup }>;
  agentLoadSession(p: { key: string; acpSessionId: string; cwd: string }): Async<{ setup: SessionSetup }>;
  /** ACP session/set_mode, or session/set_config_option `mode`. */
  agentSetMode(p: { key: string; acpSessionId: string; modeId: string; via: 'set_mode' | 'config_option' }): Async<void>;
  /** ACP session/set_model, or session/set_config_option `model`. */
  agentSetModel(p: { key: string; acpSessionId: string; modelId: string; via: 'set_model' | 'config_option' }): Async<void>;
  agentPrompt(p: { key: string; acpSessionId: string; text: string }): Async<{ stopReason: string }>;
  agentCancel(p: { key: string; acpSessionId: string }): Async<void>;
  /**
   * Answer the agent's open session/request_permission `requestId` with `optionId` (ACP
   * `selected`), or `cancelled` when optionId is null. False when no such request is open.
   */
  agentReplyPermission(p: { key: string; requestId: string; optionId: string | null }): Async<boolean>;
  agentStop(p: { key: string }): Async<void>;
  /** Install npm `spec` into `target` (agents/install/installer.ts); progress as `installProgress` events. */
  installAgent(p: { key: string; target: string; spec: string }): Async<void>;
  /** Forced `git worktree remove`, only when owned and equal to the recorded snapshot (effects/shelve.ts). */
  removeSnapshottedWorktree(p: RemoveSnapshotted): Async<{ removed: boolean; commit: string }>;
  /** Recreate a task's worktree from a snapshot on its branch, or `<branch>-restored` (effects/shelve.ts). */
  restoreTaskWorktree(p: RestoreWorktree): Async<{ branch: string; movedTo: boolean; written: number }>;
  /** Keep the branch tip under `keepRef`, then delete the branch at that tip (effects/shelve.ts). */
  removeTaskBranch(p: { repoPath: string; branch: string; keepRef: string }): Async<{ tip: string | null }>;
  /** Point a ref under refs/foundry/ at another ref's commit. */
  copyRef(p: { repoPath: string; from: string; to: string }): Async<void>;
  /** Delete refs under refs/foundry/, each at the value read before. */
  removeFoundryRefs(p: { repoPath: string; refs: { ref: string; sha: string }[] }): Async<{ removed: string[] }>;
  /** Per task: its refs under refs/foundry/, their size, whether they hold unique work (effects/cleanupFacts.ts). */
  cleanupFacts(p: { repoPath: string; tasks: FactsQuery[] }): Async<TaskFacts[]>;
  /** `git worktree prune`: forget worktree records whose folder is gone. */
  pruneWorktrees(p: { repoPath: string }): Async<void>;
  /** Bytes of each folder, null where it is gone (effects/diskUsage.ts). */
  diskUsage(p: { paths: string[] }): Async<(number | null)[]>;
  /**
   * Snapshot the worktree's whole state (effects/snapshot.ts) as a commit under `ref`; with
   * `previous` and nothing changed since, nothing is written (`unchanged`).
   */
  takeSnapshot(p: TakeSnapshotParams): Async<SnapshotResult>;
  /** Make the worktree byte-identical to a snapshot, and its index as it was (effects/snapshot.ts). */
  restoreSnapshot(p: RestoreSnapshotParams): Async<RestoreSnapshotResult>;
  /** Copy the main connection's WAL back into the database (PASSIVE: never blocks writers). */
  checkpoint(p: { dbFile: string }): Async<{ walPages: number; checkpointed: number }>;
  /** Stop every agent and script (sidecar shutdown). */
  shutdown(p: Record<string, never>): Async<void>;
}

export type EffectsMethod = keyof EffectsApi;
export type EffectsParams<M extends EffectsMethod> = Parameters<EffectsApi[M]>[0];
export type EffectsResult<M extends EffectsMethod> = Awaited<ReturnType<EffectsApi[M]>>;

export type EffectsEvent =
  | { type: 'spawned'; pgid: number; owner: string; kind: 'script' | 'agent' | 'install'; identity: ProcessIdentity }
  | { type: 'installProgress'; key: string; message: string }
  | { type: 'exited'; pgid: number }
  | { type: 'acp'; key: string; sender: 'client' | 'agent'; message: unknown }
  /** The agent asks permission; the request stays open until agentReplyPermission answers it. */
  | { type: 'permissionRequested'; key: string; permission: PendingPermission }
  /** An open request ended without a reply from Foundry (the agent withdrew it or exited). */
  | { type: 'permissionClosed'; key: string; requestId: string }
  /** `expected`: Foundry stopped it (idle stop, close, restart); else it crashed or quit on its own. */
  | { type: 'agentExited'; key: string; code: number | null; signal: string | null; expected: boolean; stderrTail: string }
  /** The agent asked to read or write outside its session's worktree; refused. */
  | { type: 'fsRefused'; key: string; op: 'read' | 'write'; path: string; reason: string }
  | { type: 'fsChanged'; taskId: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type ToWorker = { type: 'call'; id: number; method: EffectsMethod; params: unknown };
export type FromWorker =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'event'; event: EffectsEvent };
