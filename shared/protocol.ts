/**
 * The Foundry wire contract: every JSON-RPC method, notification, payload schema,
 * status enum and error code exchanged between the extension, the sidecar, the
 * webview and the tests. Nothing else in the codebase spells a method name.
 *
 * With zod the schema is the type: `z.infer` gives the TypeScript shape, and the
 * sidecar validates every incoming payload against the same schema.
 *
 * Every request and notification is documented the LSP way: a doc comment saying its
 * Direction (who sends it), Params, Result and Errors, and a comment on each field.
 * `RequestErrors` lists the error codes of each request. docs/protocol.md is generated from
 * this module (`node scripts/protocol-doc.mjs > docs/protocol.md`), and
 * test/server/protocol-doc.test.mjs fails when either drifts.
 */
import { z } from 'zod';

/**
 * Bumped on any incompatible change of this contract. A client and a sidecar of different
 * protocol versions never talk: the newer one hands over or asks for a reload.
 */
export const PROTOCOL_VERSION = 8;

/**
 * Folder names whose contents a build or install recreates, left out of snapshots (checkpoints,
 * archives) at any depth: losing them loses no work. The default of a repository's
 * `regenerableFolders`; package.json's `foundry.regenerableFolders` setting has the same default
 * (test/server/snapshot.test.mjs holds them equal).
 */
export const DEFAULT_REGENERABLE_FOLDERS: readonly string[] = [
  'node_modules',
  'dist',
  'build',
  'target',
  '.venv',
  'venv',
  '__pycache__',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  'out',
  'coverage',
  '.gradle',
  '.tox',
  '.pytest_cache',
  '.mypy_cache',
];

// ---------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------

export const ErrorCodes = {
  /** The params did not match the schema; the message names the field and why. */
  InvalidParams: -32602,
  /** The id named in the params does not exist; the message names the id. */
  NotFound: -32001,
  /** The request is not allowed in the subject's current state; the message names the state. */
  InvalidState: -32002,
  /** Something failed inside the sidecar; the message says what. */
  Internal: -32603,
} as const;

// ---------------------------------------------------------------------------
// Status enums
// ---------------------------------------------------------------------------

/**
 * Where a task's sandbox lives: `local` (a git worktree on this machine, the default) or
 * `daytona` (a remote Daytona sandbox with sandbox-agent inside; server/src/providers/daytona/).
 */
export const ProviderId = z.enum(['local', 'daytona'], { error: "provider must be 'local' or 'daytona'" });
export type ProviderId = z.infer<typeof ProviderId>;

/**
 * Provisioning stages. Each provider declares the ones it walks, in its order, with their labels
 * (TaskSummary `stages`): `local` walks init_ensure_name, init_create_sandbox, init_ensure_agent,
 * init_create_session; `daytona` walks init_ensure_name, init_allocate_sandbox ...
 * init_check_agent, init_create_session.
 */
export const ProvisionStages = [
  /** Created; its provisioning job waits in the queue. */
  'init_enqueue_provision',
  /**
   * A task started from an existing branch or pull request (`createTask` `fromBranch` /
   * `fromPullRequest`): fetching it from the remote (`refs/pull/N/head` for a pull request) and
   * checking that no other working tree has it checked out.
   */
  'init_attach_branch',
  /** Checking the branch name against git: a chosen name taken there fails, a generated one gets a suffix. */
  'init_ensure_name',
  /** Creating (or reusing) the worktree and running the setup script. */
  'init_create_sandbox',
  /** Checking that the agent can be launched. */
  'init_ensure_agent',
  /** Remote: finding the task's sandbox by its label, or creating it (one per task, ever). */
  'init_allocate_sandbox',
  /** Remote: the repository uploaded as a git bundle and the task's branch checked out in the sandbox. */
  'init_prepare_repo',
  /** Remote: the repository's setup script runs in the sandbox (output in the task log). */
  'init_run_setup',
  /** Remote: sandbox-agent and the agent are installed in the sandbox. */
  'init_install_agent',
  /** Remote: sandbox-agent is started in the sandbox. */
  'init_start_agent',
  /** Remote: sandbox-agent answers its health check (with backoff) through the sandbox's preview URL. */
  'init_check_agent',
  /** Creating the first session's agent session (and sending the prompt). */
  'init_create_session',
] as const;
export type ProvisionStage = (typeof ProvisionStages)[number];

export const TaskStatus = z.enum([
  ...ProvisionStages,
  /** Some session has a turn in progress. */
  'running',
  /** Provisioned; no turn in progress. */
  'idle',
  /**
   * Remote: the sandbox was stopped (Daytona's auto-stop) and is starting again for a message;
   * queued messages wait and are sent once it is up ("Waking sandbox").
   */
  'waking',
  /** Provisioning failed: see errorMessage; `foundry/retryTask` resumes from the failed stage. */
  'error',
  /** Archive step 1: the task's agents are being stopped. */
  'archive_stop_agents',
  /** Archive step 2: the repository's teardown script runs in the worktree (output in the task log). */
  'archive_run_teardown',
  /** Archive step 3: the worktree's whole state is snapshotted under `refs/foundry/archive/<taskId>`. */
  'archive_snapshot',
  /** Archive step 4: the snapshot is checked against the worktree, then the worktree is removed. */
  'archive_remove_sandbox',
  /**
   * Archived: the worktree is removed (the branch stays) and its whole state is kept as a snapshot;
   * sessions and transcripts are kept. `foundry/unarchiveTask` brings it back.
   */
  'archived',
  /** `foundry/unarchiveTask`: the worktree is being recreated from the archive snapshot. */
  'unarchive_restore',
  /** Delete step 1: the task's agents are being stopped. */
  'delete_stop_agents',
  /** Delete step 2: the worktree's whole state is snapshotted under `refs/foundry/deleted/<taskId>/snapshot`. */
  'delete_snapshot',
  /** Delete step 3: the worktree and the branch are removed (the tip stays under `refs/foundry/deleted/<taskId>/branch`). */
  'delete_remove_sandbox',
  /**
   * Deleted: a tombstone. The worktree and the branch are gone; the snapshot, the branch tip and the
   * task's rows are kept, so `foundry/undoDeleteTask` brings it back, until a purge removes them.
   */
  'deleted',
  /** `foundry/undoDeleteTask`: the branch and the worktree are being recreated from the snapshot. */
  'undo_delete_restore',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const SessionStatus = z.enum([
  /** The task is not provisioned yet. */
  'pending_provision',
  /** The agent session is being created. */
  'pending_session_create',
  /** Accepts a message (its agent process may be stopped). */
  'ready',
  /** A turn is in progress. */
  'running',
  /**
   * A turn is in progress and the agent waits for the user to answer its permission request
   * (`pendingPermission`; `foundry/replyPermission`). Counts as a running turn.
   */
  'needs_input',
  /** The agent could not start or create the session; `foundry/retrySession`. */
  'error',
  /** Closed by the user; the transcript is kept. */
  'closed',
]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** A turn is in progress: `running`, or `needs_input` (waiting on a permission answer). */
export const turnInProgress = (s: SessionStatus | string): boolean => s === 'running' || s === 'needs_input';

export const isProvisioning = (s: TaskStatus): boolean => (ProvisionStages as readonly string[]).includes(s);

/** The archive's durable steps, in order (jobs/archive.ts). */
export const ArchiveSteps = ['archive_stop_agents', 'archive_run_teardown', 'archive_snapshot', 'archive_remove_sandbox'] as const;
/** The delete's durable steps, in order (jobs/deleteTask.ts). */
export const DeleteSteps = ['delete_stop_agents', 'delete_snapshot', 'delete_remove_sandbox'] as const;
/** Statuses of a task that has no usable worktree: archived, deleted, or on its way to or back from either. */
export const isShelved = (s: string): boolean =>
  s === 'archived' || s === 'deleted' || s === 'unarchive_restore' || s === 'undo_delete_restore' || (ArchiveSteps as readonly string[]).includes(s) || (DeleteSteps as readonly string[]).includes(s);

/** A human label for a status, used by the tree, the status bar and the chat tab. */
export const statusLabel: Record<TaskStatus | SessionStatus, string> = {
  init_enqueue_provision: 'Queued',
  init_attach_branch: 'Fetching branch',
  init_ensure_name: 'Naming branch',
  init_create_sandbox: 'Creating worktree',
  init_ensure_agent: 'Preparing agent',
  init_allocate_sandbox: 'Allocating sandbox',
  init_prepare_repo: 'Uploading repository',
  init_run_setup: 'Running setup script',
  init_install_agent: 'Installing agent',
  init_start_agent: 'Starting sandbox-agent',
  init_check_agent: 'Checking agent',
  init_create_session: 'Starting session',
  running: 'Running',
  idle: 'Idle',
  waking: 'Waking sandbox',
  error: 'Error',
  archive_stop_agents: 'Archiving: stopping agents',
  archive_run_teardown: 'Archiving: running the teardown script',
  archive_snapshot: 'Archiving: taking a snapshot',
  archive_remove_sandbox: 'Archiving: removing the worktree',
  archived: 'Archived',
  unarchive_restore: 'Restoring the worktree',
  delete_stop_agents: 'Deleting: stopping agents',
  delete_snapshot: 'Deleting: taking a snapshot',
  delete_remove_sandbox: 'Deleting: removing the worktree and branch',
  deleted: 'Deleted',
  undo_delete_restore: 'Restoring the deleted task',
  pending_provision: 'Preparing environment',
  pending_session_create: 'Starting agent session',
  ready: 'Ready',
  needs_input: 'Needs input',
  closed: 'Closed',
};

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

const id = (what: string) => z.string({ error: `${what} must be a string id` }).min(1, `${what} must not be empty`).max(200);

/** A registered git repository, known by the real path of its git common dir. */
export const Repo = z.object({
  /** `repo_…`. */
  id: z.string(),
  /** The main working tree's folder name. */
  name: z.string(),
  /** Absolute path of the repository's main working tree. */
  path: z.string(),
  /** The branch new task branches start from. */
  defaultBranch: z.string(),
  /** Shell script run in each new worktree (cwd = worktree). */
  setupScript: z.string().optional(),
  /** Git-ignored files (or folders), relative to the repository, copied from the main checkout into each new worktree (e.g. `.env`). */
  copyIgnored: z.array(z.string()).optional(),
  /**
   * The instant sandbox pool (`foundry.pool.size`): worktrees made ahead of time with the setup
   * script already run (`FOUNDRY_POOL=1`), one of which a new task leases. Absent when the size
   * is 0 and the repository has no pool entries.
   */
  pool: z
    .object({
      /** The wanted number of ready worktrees. */
      size: z.number().int(),
      /** Ready to be leased. */
      ready: z.number().int(),
      /** Being made (worktree, setup script). */
      creating: z.number().int(),
      /** Entries whose setup script failed, waiting out their backoff. */
      failed: z.number().int(),
      /** The last failure's message (a failed setup script), while an entry is failed. */
      error: z.string().optional(),
    })
    .optional(),
  /** Shell script run in a task's worktree before archive removes it (cwd = worktree; output in the task log). */
  teardownScript: z.string().optional(),
  /** Disk use of its tasks' worktrees in bytes, computed in the background; absent until measured. */
  diskBytes: z.number().optional(),
  /**
   * Folder names (at any depth) that snapshots leave out (`foundry.regenerableFolders`); absent:
   * DEFAULT_REGENERABLE_FOLDERS.
   */
  regenerableFolders: z.array(z.string()).optional(),
  /** Where its new tasks' sandboxes live (`foundry.provider`); absent: `local`. */
  provider: ProviderId.optional(),
});
export type Repo = z.infer<typeof Repo>;

/** A folder name: no separator, not `.`/`..`/`.git`. */
const folderName = z
  .string({ error: 'regenerableFolders must hold folder names' })
  .min(1, 'regenerableFolders must not hold an empty name')
  .max(255)
  .regex(/^[^/\\]+$/, 'regenerableFolders must hold folder names, not paths')
  .refine((n) => n !== '.' && n !== '..' && n !== '.git', 'regenerableFolders must not name ., .. or .git');

/**
 * A snapshot of a task's worktree kept as a checkpoint: at the start (`start`, once provisioned),
 * at the end of each agent turn that changed something (`turn`), and of the present before any
 * restore (`before_restore`, so the restore can itself be undone).
 */
export const Checkpoint = z.object({
  /** `cp_…`. */
  id: z.string(),
  /** The task whose worktree it holds. */
  taskId: z.string(),
  /** The session whose turn ended (`turn`), or that asked for the restore; absent for `start`. */
  sessionId: z.string().optional(),
  /** The turn that ended (`turn`). */
  turnId: z.string().optional(),
  /** When it was taken (see above). */
  kind: z.enum(['start', 'turn', 'before_restore']),
  /** The snapshot commit (parents: HEAD and the index), under `ref`. */
  commit: z.string(),
  /** `refs/foundry/checkpoints/<taskId>/<n>`. */
  ref: z.string(),
  /** Files (and symlinks) in the snapshot. */
  files: z.number(),
  /** Their total size. */
  bytes: z.number(),
  /** Regenerable folders present and left out (relative paths). */
  excluded: z.array(z.string()),
  /** Epoch ms. */
  createdAt: z.number(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

/** Which checkpoint a turn started from: "Restore to here" at that turn's user message brings it back. */
export const TurnCheckpoint = z.object({
  /** The turn (`turn_…`). */
  turnId: z.string(),
  /** Its session. */
  sessionId: z.string(),
  /** The latest checkpoint of the task when the turn began. */
  checkpointId: z.string(),
  /** When the turn began (epoch ms): its user message in the transcript is the first at or after it. */
  startedAt: z.number(),
});
export type TurnCheckpoint = z.infer<typeof TurnCheckpoint>;

/** A restore of a checkpoint (`foundry/restoreCheckpoint`, `foundry/undoLastTurn`), a durable job. */
export const CheckpointRestore = z.object({
  /** `rst_…`. */
  id: z.string(),
  /** The task. */
  taskId: z.string(),
  /** The checkpoint being restored. */
  checkpointId: z.string(),
  /** `queued`, `running` (taking the before_restore checkpoint, then restoring), `done` or `failed`. */
  status: z.enum(['queued', 'running', 'done', 'failed']),
  /** The checkpoint of the present taken first (absent until taken, or when the present equals the last checkpoint). */
  beforeCheckpointId: z.string().optional(),
  /** Files written (`done`). */
  written: z.number().optional(),
  /** Files removed (`done`). */
  removed: z.number().optional(),
  /** Why it failed (`failed`). */
  error: z.string().optional(),
  /** Epoch ms. */
  createdAt: z.number(),
  /** Epoch ms of the last status change. */
  updatedAt: z.number(),
});
export type CheckpointRestore = z.infer<typeof CheckpointRestore>;

/** One answer an agent offers to its permission request (ACP PermissionOption). */
export const PermissionOption = z.object({
  /** The agent's id of the option, sent back by `foundry/replyPermission`. */
  optionId: z.string(),
  /** The agent's own label, shown on the button. */
  name: z.string(),
  /** ACP `allow_once`, `allow_always`, `reject_once` or `reject_always`. */
  kind: z.string(),
});
export type PermissionOption = z.infer<typeof PermissionOption>;

/** The agent's open `session/request_permission`, waiting for the user. */
export const PendingPermission = z.object({
  /** Foundry's id of the request (`perm_…`), for `foundry/replyPermission`. */
  requestId: z.string(),
  /** What the agent asks to do (its tool call's title). */
  title: z.string(),
  /** The answers the agent offers, in its order. */
  options: z.array(PermissionOption),
});
export type PendingPermission = z.infer<typeof PendingPermission>;

/**
 * Foundry's approval policies, the same for every agent: each maps onto the agent's own modes and
 * launch configuration (server/src/agents/catalog.ts; the table is in docs/agents.md).
 * - `ask`: the agent asks before every file edit and command (the agent's default mode);
 * - `accept_edits`: file edits go through without asking; commands still ask;
 * - `full_access`: nothing asks.
 */
export const ApprovalPolicy = z.enum(['ask', 'accept_edits', 'full_access']);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** One entry of a session's mode picker: an approval policy, or a mode the agent reported (`plan`). */
export const SessionModeOption = z.object({
  /** An ApprovalPolicy, or the agent's own mode id. */
  id: z.string(),
  /** Shown in the picker. */
  name: z.string(),
  description: z.string().optional(),
});
export type SessionModeOption = z.infer<typeof SessionModeOption>;

/** One entry of a session's model picker, as the agent reported it in `session/new`. */
export const ModelOption = z.object({
  /** The agent's model id, for `foundry/setSessionModel`. */
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
});
export type ModelOption = z.infer<typeof ModelOption>;

/** A message waiting in a session's durable queue: sent, in order, when the session can take it. */
export const QueuedMessage = z.object({
  /** `msg_…`, for `foundry/editQueuedMessage` and `foundry/removeQueuedMessage`. */
  id: z.string(),
  /** The turn it will start (`foundry/sendMessage` answered it). */
  turnId: z.string(),
  text: z.string(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
});
export type QueuedMessage = z.infer<typeof QueuedMessage>;

/** One session (chat tab) of a task: one agent conversation. */
export const SessionSummary = z.object({
  /** `ses_…`. */
  id: z.string(),
  /** The task it belongs to. */
  taskId: z.string(),
  /** `Chat <n>` unless renamed. */
  name: z.string(),
  /** The agent id it talks to. */
  agent: z.string(),
  /** The model asked of the agent, if any. */
  model: z.string().optional(),
  status: SessionStatus,
  /** A turn ended while no client was subscribed; cleared by `foundry/markSessionRead`. */
  unread: z.boolean(),
  /** Why the session is in `error`. */
  errorMessage: z.string().optional(),
  /** The permission request waiting for the user while the session is `needs_input`. */
  pendingPermission: PendingPermission.optional(),
  /** The chosen mode: an ApprovalPolicy, or one of the agent's own modes (`plan`). */
  mode: z.string(),
  /** The mode picker: the three policies, then the agent's other modes once it reported them. */
  modes: z.array(SessionModeOption),
  /** The model picker, once the agent reported its models (cached from `session/new`). */
  models: z.array(ModelOption),
  /** A turn is in progress but the agent has sent nothing for the stall delay (`stalledAfterMs`). */
  stalled: z.boolean(),
  /** Messages waiting to be sent, oldest first. */
  queue: z.array(QueuedMessage),
  /** Stop or a failed turn paused the queue: the next `foundry/sendMessage` or `foundry/sendQueued` resumes it. */
  queuePaused: z.boolean(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

export const Changes = z.object({
  /** Files changed, untracked ones included. */
  files: z.number(),
  /** Lines added. */
  added: z.number(),
  /** Lines removed. */
  removed: z.number(),
});
export type Changes = z.infer<typeof Changes>;

/** A commit, as the explorer shows it. */
export const CommitInfo = z.object({
  sha: z.string(),
  /** First line of its message. */
  subject: z.string(),
  /** Committer time, epoch milliseconds. */
  at: z.number(),
});
export type CommitInfo = z.infer<typeof CommitInfo>;

/**
 * A task branch's git state, derived by the changes projection (never computed on a read): how far
 * it is from its base and its upstream, whether it still merges cleanly into the base, and its
 * last commit.
 */
export const TaskGitState = z.object({
  /** Commits on the branch that the base lacks. */
  ahead: z.number(),
  /** Commits on the base that the branch lacks. */
  behind: z.number(),
  /** Against the branch's upstream, once it has one (after a push). */
  upstream: z.object({ ref: z.string(), ahead: z.number(), behind: z.number() }).optional(),
  /** The branch merges into the base without conflicts (absent: not known yet). */
  mergesCleanly: z.boolean().optional(),
  /** The branch's last commit. */
  lastCommit: CommitInfo.optional(),
  /** Files changed since HEAD (staged, unstaged or untracked): what a commit would take. */
  uncommitted: z.number().optional(),
  /** When the projection last refreshed, epoch milliseconds. */
  refreshedAt: z.number(),
});
export type TaskGitState = z.infer<typeof TaskGitState>;

/** How a file differs from the base (or HEAD): git's status, untracked files as `added`. */
export const FileChangeStatus = z.enum(['added', 'modified', 'deleted', 'renamed', 'typechange']);
export type FileChangeStatus = z.infer<typeof FileChangeStatus>;

/** One changed file of a task's worktree against its base (committed, staged, unstaged and untracked). */
export const FileChange = z.object({
  /** Relative to the worktree, `/`-separated. */
  path: z.string(),
  status: FileChangeStatus,
  /** Lines added (0 for a binary file). */
  added: z.number(),
  /** Lines removed (0 for a binary file). */
  removed: z.number(),
  /** A rename's earlier path. */
  oldPath: z.string().optional(),
  /** git sees the file as binary: no line counts, no text diff. */
  binary: z.boolean().optional(),
  /** Not tracked by git yet (the agent created it and nothing committed it). */
  untracked: z.boolean().optional(),
});
export type FileChange = z.infer<typeof FileChange>;

/** A pull request's checks, summed over its head commit's check runs. */
export const PullRequestChecks = z.object({
  /** `none`: no check runs; `pending`: some not finished; `failure`: any failed; else `success`. */
  state: z.enum(['none', 'pending', 'success', 'failure']),
  total: z.number(),
  passed: z.number(),
  failed: z.number(),
  pending: z.number(),
});
export type PullRequestChecks = z.infer<typeof PullRequestChecks>;

/** A task's pull request, as the background PR projection last read it from GitHub. */
export const PullRequestInfo = z.object({
  number: z.number(),
  /** Its page (`html_url`). */
  url: z.string(),
  title: z.string(),
  state: z.enum(['open', 'draft', 'closed', 'merged']),
  checks: PullRequestChecks,
  /** From its reviews (each reviewer's latest): absent when nobody reviewed yet. */
  reviewDecision: z.enum(['approved', 'changes_requested', 'review_required']).optional(),
  /** When the projection last read it, epoch milliseconds. */
  refreshedAt: z.number(),
});
export type PullRequestInfo = z.infer<typeof PullRequestInfo>;

/** What `foundry/runRepoAction` does. */
export const RepoActionKind = z.enum([
  /** Commit everything uncommitted in the worktree (`message`, or the proposed one). */
  'commit',
  /** Fetch the repository's remote (`origin`). */
  'fetch',
  /** Push the task's branch to `origin`, setting its upstream. */
  'push',
  /** Rebase the branch onto its base; refused while a turn runs or the worktree is dirty; aborted on a conflict. */
  'rebase_on_base',
  /** Merge the base into the branch; refused and aborted as `rebase_on_base`. */
  'merge_base_in',
  /** Push, then open a pull request on GitHub (`title`, `body`, `draft`). */
  'create_pull_request',
  /** Merge the task's pull request on GitHub (`mergeMethod`). */
  'merge_pull_request',
  /**
   * Bring the task's changes against its base into the repository's main working tree as
   * uncommitted changes; refused, touching nothing, when they do not apply cleanly.
   */
  'apply_to_checkout',
  /**
   * A remote task: fetch its branch and its uncommitted work from the sandbox (as a git bundle)
   * into the local repository: the branch at the sandbox's HEAD, and the whole working state under
   * `refs/foundry/remote/<taskId>` ("Bring Changes Local"). `apply_to_checkout` then works on it.
   */
  'bring_changes_local',
]);
export type RepoActionKind = z.infer<typeof RepoActionKind>;

export const RepoActionStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type RepoActionStatus = z.infer<typeof RepoActionStatus>;

/** One repository action: a durable job row, pushed by `foundry/repoActionUpdated` as it moves. */
export const RepoAction = z.object({
  /** `act_…`. */
  id: z.string(),
  kind: RepoActionKind,
  status: RepoActionStatus,
  repoId: z.string(),
  /** Absent for a repository-wide action (`fetch` by `repoId`). */
  taskId: z.string().optional(),
  /** Progress while it runs; after, what happened or why it failed (git's or GitHub's own words). */
  message: z.string().optional(),
  /** A rebase, merge or apply that conflicted: the files (it was aborted, nothing changed). */
  conflicts: z.array(z.string()).optional(),
  /** What it made, when it succeeded. */
  result: z
    .object({
      /** `commit`: the new commit. */
      commit: CommitInfo.optional(),
      /** `push`, `create_pull_request`: the upstream set (`origin/<branch>`). */
      upstream: z.string().optional(),
      /** `create_pull_request`, `merge_pull_request`. */
      pullRequest: PullRequestInfo.optional(),
      /** `apply_to_checkout`: the files changed in the main working tree. */
      files: z.array(z.string()).optional(),
    })
    .optional(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  /** Epoch milliseconds. */
  updatedAt: z.number(),
});
export type RepoAction = z.infer<typeof RepoAction>;

/** One provisioning stage a provider declares: its status id and its label. */
export const StageInfo = z.object({
  id: z.enum(ProvisionStages),
  label: z.string(),
});
export type StageInfo = z.infer<typeof StageInfo>;

/** What a remote sandbox is doing, as the provider last saw it. */
export const SandboxState = z.enum(['creating', 'started', 'stopped', 'starting', 'error', 'lost', 'deleted']);
export type SandboxState = z.infer<typeof SandboxState>;

/** A task's remote sandbox (absent for a local worktree). */
export const SandboxInfo = z.object({
  provider: ProviderId,
  /** The provider's sandbox id, once allocated. */
  id: z.string().optional(),
  state: SandboxState,
  /** Epoch milliseconds it last started (while `started`). */
  startedAt: z.number().optional(),
  /** Total time it has run, in milliseconds (a rough cost indicator), up to its last stop or to `startedAt`. */
  uptimeMs: z.number(),
  /** Why it is in `error` or `lost`. */
  error: z.string().optional(),
});
export type SandboxInfo = z.infer<typeof SandboxInfo>;

/** One task, whole: pushed by `foundry/workbenchUpdated` and answered by the task requests. */
export const TaskSummary = z.object({
  /** `task_…`. */
  id: z.string(),
  /** Its repository. */
  repoId: z.string(),
  /** Shown in the tree and the chat tab. */
  title: z.string(),
  /** The task's own branch (`foundry/<slug>` unless chosen). */
  branch: z.string(),
  status: TaskStatus,
  /** What the current stage is doing, for a tooltip. */
  statusMessage: z.string().optional(),
  /** Why the task is in `error`. */
  errorMessage: z.string().optional(),
  /** The agent of its first session. */
  agent: z.string(),
  /** Where its sandbox lives. */
  provider: ProviderId,
  /** The provisioning stages its provider walks, in order, with their labels. */
  stages: z.array(StageInfo),
  /** Its remote sandbox (`daytona`): state and uptime. Absent for `local`. */
  sandbox: SandboxInfo.optional(),
  /** Every session, closed ones included. */
  sessions: z.array(SessionSummary),
  /** Projection refreshed in the background: files changed against the base, lines added/removed. */
  changes: Changes,
  /** The branch's derived git state (projection; absent until the first refresh). */
  git: TaskGitState.optional(),
  /** Its pull request, once one is created or found for its branch (PR projection). */
  pullRequest: PullRequestInfo.optional(),
  /** Review comments added and not sent yet (`foundry/listReviewComments`). */
  reviewComments: z.number().optional(),
  /** The last repository action on the task (`foundry/runRepoAction`), while it runs and after. */
  lastAction: RepoAction.optional(),
  /** Worktree folder, once created. */
  worktreePath: z.string().optional(),
  /** Disk use of its worktree in bytes, computed in the background; absent until measured (or without a worktree). */
  diskBytes: z.number().optional(),
  /** `archived` / `deleted`: the snapshot commit that holds the worktree's whole state. */
  snapshotCommit: z.string().optional(),
  /** `archived` / `deleted`: epoch milliseconds it was shelved. */
  shelvedAt: z.number().optional(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  /** Epoch milliseconds. */
  updatedAt: z.number(),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const TranscriptSender = z.enum(['client', 'agent', 'foundry']);
export type TranscriptSender = z.infer<typeof TranscriptSender>;

/** One stored transcript line: an ACP message either way, or an event of Foundry's own. */
export const TranscriptEvent = z.object({
  /** Per session, from 1. */
  seq: z.number(),
  sessionId: z.string(),
  /** Epoch milliseconds. */
  at: z.number(),
  /** `client`: Foundry to the agent; `agent`: the agent to Foundry; `foundry`: a FoundryEvent. */
  sender: TranscriptSender,
  /**
   * client/agent: the ACP JSON-RPC message as sent or received.
   * foundry: a FoundryEvent.
   */
  payload: z.unknown(),
});
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;

/** Payload of a `foundry` transcript event. */
export const FoundryEvent = z.object({
  /** What happened. */
  kind: z.enum([
    'turn_started',
    'turn_ended',
    'turn_failed',
    'turn_interrupted',
    'agent_started',
    'agent_stopped',
    'agent_restarted',
    'session_replaced',
    /** Old transcripts only: Foundry used to reject every permission request. */
    'permission_rejected',
    /** A permission request was still open when the sidecar stopped; it died with the agent. */
    'permission_expired',
    /** The agent process ended on its own (crash or exit): the session is in `error`. */
    'agent_exited',
    /** The agent asked Foundry to read or write a file outside the task's worktree: refused. */
    'fs_refused',
    /** The session's mode or model changed (`text` says to what). */
    'mode_changed',
    'model_changed',
    /**
     * A handoff (`foundry/handoffSession`): in the new session, it continues `otherSessionId`; in the
     * earlier one, `otherSessionId` continues it. `text` says which agent.
     */
    'handoff',
  ]),
  /** The turn it concerns (`foundry/sendMessage`'s `turnId`). */
  turnId: z.string().optional(),
  /** Human-readable detail: the error of a failed turn, the notice of a restart. */
  text: z.string().optional(),
  /** The ACP stop reason of an ended turn (`end_turn`, `cancelled`, ...). */
  stopReason: z.string().optional(),
  /** The user's message of a turn that failed before it reached the agent (so it is never lost). */
  prompt: z.string().optional(),
  /** `handoff`: the session on the other side (the one continued, or the one continuing it). */
  otherSessionId: z.string().optional(),
});
export type FoundryEvent = z.infer<typeof FoundryEvent>;

/** One line of a task's history (`foundry/getTaskLog`). */
export const HistoryEvent = z.object({
  /** Epoch milliseconds. */
  at: z.number(),
  /** What happened. */
  kind: z.enum(['created', 'stage_started', 'stage_finished', 'error', 'retry', 'interrupted', 'resumed', 'renamed', 'archived', 'imported', 'pool', 'unarchived', 'deleted', 'undeleted']),
  /** The provisioning stage it concerns. */
  stage: z.string().optional(),
  /** How long the stage took (`stage_finished`). */
  durationMs: z.number().optional(),
  /** Detail: the error, the new title, the branch and agent of a new task, ... */
  message: z.string().optional(),
});
export type HistoryEvent = z.infer<typeof HistoryEvent>;

/** An agent Foundry knows, and whether a session can use it (`foundry/listAgents`). */
export const AgentInfo = z.object({
  /** `claude`, `codex`, `gemini`, `opencode`, `demo`, or an id from the settings. */
  id: z.string(),
  /** Shown to the user: "Claude Code". */
  name: z.string(),
  /** The pinned version Foundry installs and launches; absent for agents defined in the settings. */
  version: z.string().optional(),
  /** It can be launched: shipped with Foundry, installed in the data folder, or found on PATH. */
  installed: z.boolean(),
  /** Where it launches from. */
  source: z.enum(['bundled', 'installed', 'path', 'settings']).optional(),
  /** Installed and its credentials are present. */
  ready: z.boolean(),
  /** Why it is not ready, for the user: "Claude Code is not installed", "Set ANTHROPIC_API_KEY". */
  reason: z.string().optional(),
  /** The way out when it is not ready: `install` (`foundry/installAgent`) or `set_credentials` (Configure Agent). */
  action: z.enum(['install', 'set_credentials']).optional(),
  /** Environment variables that carry its credentials (any one is enough). */
  credentialVars: z.array(z.string()),
  /** An install in progress, or the last one that failed. */
  install: z
    .object({
      status: z.enum(['queued', 'installing', 'failed']),
      /** Progress or the failure. */
      message: z.string().optional(),
    })
    .optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/**
 * How an agent is reached. Agents are data: a local ACP process over stdio (`command`, `args`,
 * `env`), or an agent that a sandbox-agent server runs, over its HTTP API (`sandboxAgent`).
 */
export const AgentDefinition = z
  .object({
    /** The executable (stdio). */
    command: z.string().min(1).optional(),
    /** Its arguments. */
    args: z.array(z.string()).default([]),
    /** Extra environment variables. */
    env: z.record(z.string(), z.string()).optional(),
    /** Reach the agent through a sandbox-agent server instead of starting a process. */
    sandboxAgent: z
      .object({
        /** The server's base URL (`http://127.0.0.1:2468`). */
        url: z.string().url(),
        /** sandbox-agent's agent id (`claude`, `codex`, `opencode`). */
        agent: z.string().min(1),
        /** Its bearer token, when it was started with one. */
        token: z.string().optional(),
      })
      .optional(),
  })
  .refine((d) => d.command !== undefined || d.sandboxAgent !== undefined, { message: 'an agent needs a command or sandboxAgent' });
export type AgentDefinition = z.infer<typeof AgentDefinition>;

// ---------------------------------------------------------------------------
// initialize, settings and discovery
// ---------------------------------------------------------------------------

/**
 * The sidecar's own settings, shared by every client. With `--listen` they are read from
 * `D/settings.json` at start, and `agentEnv`, `stalledAfterMs` and the GitHub ones (`githubApiUrl`,
 * `githubRepositories`, `pullRequestRefreshMs`) again whenever a client rewrites that file (the
 * others take effect at the next start).
 */
export const SidecarSettings = z.object({
  /** How many provisioning jobs run at once. */
  jobConcurrency: z.number().int().min(1).max(64).optional(),
  /** Ready worktrees kept per repository for new tasks (`foundry.pool.size`, default 2; 0 turns the pool off). */
  poolSize: z.number().int().min(0).max(16).optional(),
  /** Stop an agent process after it has been idle this long (ms). */
  agentIdleStopMs: z.number().int().min(100).optional(),
  /** Agent used when a request names none. */
  defaultAgent: z.string().optional(),
  /** Extra or overriding agent launch definitions, by id. */
  agents: z.record(z.string(), AgentDefinition).optional(),
  /** Debounce for worktree file-system changes before the changes projection refreshes (ms). */
  changesDebounceMs: z.number().int().min(0).optional(),
  /**
   * Non-secret environment per agent id (`foundry.agents.<id>.env`: a provider base URL, a config
   * folder), added to the agent process's environment. Secrets go through `foundry/setCredentials`.
   */
  agentEnv: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** A turn that has sent nothing this long is `stalled` (ms). */
  stalledAfterMs: z.number().int().min(100).optional(),
  /** GitHub's REST API base (`foundry.github.apiUrl`): GitHub Enterprise, or the loopback in tests. */
  githubApiUrl: z.string().url().optional(),
  /** Remote URL -> `owner/repo`, for remotes whose URL does not show one (`foundry.github.repositories`). */
  githubRepositories: z.record(z.string(), z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repo')).optional(),
  /** How often open pull requests are read again while a client is connected (ms). */
  pullRequestRefreshMs: z.number().int().min(1000).optional(),
  /** `foundry.retention.archiveIdleDays`: archive idle tasks untouched this many days (0 or absent = off). */
  retentionArchiveIdleDays: z.number().min(0).optional(),
  /** `foundry.retention.purgeDeletedDays`: purge deleted tasks this many days after their delete (0 or absent = off). */
  retentionPurgeDeletedDays: z.number().min(0).optional(),
  /** How often the retention job runs after its run at start (ms; default one hour). */
  retentionIntervalMs: z.number().int().min(100).optional(),
  /** Disk use is measured at most this often (ms; default one minute). */
  diskUsageThrottleMs: z.number().int().min(0).optional(),
  /** Checkpoints at each turn's end (`foundry.checkpoints.enabled`; default true). Applies at once. */
  checkpointsEnabled: z.boolean().optional(),
  /**
   * The Daytona provider (`foundry.daytona.*`): the API's base URL (default Daytona's cloud),
   * the target region, and the idle minutes after which Daytona itself stops a sandbox (its
   * auto-stop interval; default 15, 0 = never). The API key is a credential
   * (`foundry/setProviderCredentials`, or DAYTONA_API_KEY in the sidecar's environment).
   */
  daytona: z
    .object({
      apiUrl: z.string().url('daytona.apiUrl must be a URL').optional(),
      target: z.string().max(100).optional(),
      autoStopMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
      /**
       * How long one Daytona API call may take before its stage fails with "timed out" and a
       * Retry (default 60 s; an upload or download gets ten times that, a command its own limit).
       */
      requestTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
    })
    .optional(),
});
export type SidecarSettings = z.infer<typeof SidecarSettings>;

/**
 * `initialize`'s `initializationOptions`. With `--stdio` (one client) the settings travel here.
 * With `--listen` they come from `D/settings.json` and only `dataDir` is read: it must name the
 * sidecar's own folder (else -32002), so one client never overrides another's settings.
 *
 * LSP's `initialize` request is Foundry's handshake, the first request on every connection.
 *
 * Direction: client -> sidecar. Sent by the extension (once per window connection), the CLI (once
 * per command), the tests and the bench.
 *
 * Params: LSP's InitializeParams, of which the sidecar reads `clientInfo {name, version}` (named in
 * its log) and `initializationOptions`: these fields. With `--listen` the settings fields are
 * still checked against this schema, then ignored.
 *
 * Result: `{ capabilities: {}, serverInfo: { name: 'foundry-sidecar', version }, foundry }`, where
 * `foundry` is a FoundryServerInfo.
 *
 * Errors:
 * - -32602 InvalidParams: `initializationOptions` fails this schema (no `dataDir`, a setting out
 *   of range); the message names the field.
 * - -32002 InvalidState: `initialized` (this connection already sent `initialize`);
 *   `shutting_down` (the sidecar is draining); with `--listen`, `other_data_dir` (`dataDir` is not
 *   the sidecar's folder, compared by real path). With `--stdio`, the data folder could not be
 *   opened: another sidecar holds its lock (after a 5 s wait), or its database cannot be used (not
 *   a database, or written by a newer Foundry). The message names the folder or the file, and the
 *   process exits (code 1) once the error is sent.
 */
export const InitializationOptions = SidecarSettings.extend({
  /** Folder holding the SQLite database and the sandboxes. */
  dataDir: z.string().min(1),
});
export type InitializationOptions = z.infer<typeof InitializationOptions>;

/**
 * What `initialize` answers, beside LSP's `capabilities` and `serverInfo {name, version}`. The
 * extension compares it with its own build: a window newer than the sidecar hands it over
 * (`foundry/handOver`), and a different `protocolVersion` never talks.
 */
export const FoundryServerInfo = z.object({
  /** The sidecar's PROTOCOL_VERSION. */
  protocolVersion: z.number(),
  /** The sidecar's Foundry version (semantic). */
  version: z.string(),
  /** The sidecar's process id. */
  pid: z.number(),
  /** The data folder it serves. */
  dataDir: z.string(),
  /** `stdio`: this is its one client. `listen`: one of any number, on a local socket. */
  mode: z.enum(['stdio', 'listen']),
});
export type FoundryServerInfo = z.infer<typeof FoundryServerInfo>;

/**
 * # Lifecycle: initialize, initialized, shutdown, exit
 *
 * LSP's lifecycle, per connection. `initialize` (see InitializationOptions) comes first: any other
 * request before it gets -32002 `not_initialized`. The `initialized` notification (client ->
 * sidecar) makes the connection ready: only then does it get pushes, starting with one
 * `foundry/serverStatus` at once. With `--stdio` it also starts the sidecar's recovery (interrupted
 * jobs resume), so the one client sees its pushes.
 *
 * `shutdown` (client -> sidecar request, no params, result `null`, accepted in any state) and
 * `exit` (client -> sidecar notification) are sent by the extension when a window leaves the
 * sidecar and by the CLI after each command. Their meaning depends on the mode:
 * - `--stdio`: `shutdown` drains the sidecar and answers once it is drained: every client hears
 *   `foundry/sidecarExiting` (`shutdown`), new requests get -32002 `shutting_down`, requests in
 *   flight finish (up to 10 s), jobs stop at a step boundary with their rows left open, scripts and
 *   agents end, a running turn is recorded as interrupted, and the database closes. `exit` then ends
 *   the process: code 0 after a `shutdown`, 1 without one (after draining). A client that goes away
 *   (stdin closed) is the same as `exit`.
 * - `--listen`: `shutdown` concerns only this connection: it answers at once, and the connection's
 *   later requests get -32002 `shutdown`. On `exit` the sidecar does nothing; the client closes its
 *   socket, which ends the connection and its subscriptions. The sidecar runs on for its other
 *   clients and exits `--idle-exit-seconds` after the last one left, once nothing runs.
 */

/**
 * `D/sidecar.json`: written by a `--listen` sidecar once it listens, removed when it exits.
 *
 * It is how clients find the one sidecar of a data folder `D`. The sidecar writes it once it holds
 * the folder's lock and its socket is bound (a temporary file renamed into place, mode 0600), and
 * removes it at exit if it still names its pid. shared/attach.ts (the extension and the CLI) reads
 * it to connect to `socket`; when nothing answers there, it starts a sidecar itself. A `--stdio`
 * sidecar writes none.
 */
export const SidecarInfo = z.object({
  /** The sidecar's process id. */
  pid: z.number(),
  /** Unix socket path or Windows named pipe. */
  socket: z.string(),
  /** Its Foundry version (semantic). */
  version: z.string(),
  /** Its PROTOCOL_VERSION. */
  protocolVersion: z.number(),
  /** The Node executable it runs on (the CLI reuses it). */
  runtime: z.string(),
  /** When it started listening, epoch milliseconds. */
  startedAt: z.number(),
});
export type SidecarInfo = z.infer<typeof SidecarInfo>;

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

/**
 * # Admission: the errors every request can get
 *
 * Every request in `Requests` is checked in this order before its handler runs
 * (server/src/clients/clientConnection.ts `admit`, then server/src/handlers/index.ts):
 * 1. -32002 InvalidState `not_initialized`: this connection has not completed `initialize`.
 * 2. -32002 InvalidState `shutting_down`: the sidecar is draining (a `--stdio` shutdown, a signal,
 *    the idle exit, a hand-over); the client reconnects to the next sidecar.
 * 3. -32002 InvalidState `shutdown`: this connection sent `shutdown` (`--listen`).
 * 4. -32602 InvalidParams: the params fail the request's schema. Absent params count as `{}`,
 *    params that are not an object (`42`, `"text"`) fail every request, and unknown fields are
 *    ignored. The message is `Invalid params: <field>: <why>`.
 *
 * Then the handler runs. It may answer -32602 (naming the field), -32001 (`<kind> not found:
 * <id>`) and -32002 (`<request> is not allowed while the state is '<state>'`) as each request
 * says, and -32603 Internal (`<method> failed: <why>`, also logged) for any other failure inside
 * it: the database, git or an agent on the effects worker. `RequestErrors` lists each request's
 * codes.
 */
export interface RequestDef<P extends z.ZodType, R extends z.ZodType> {
  readonly method: string;
  readonly params: P;
  readonly result: R;
}
const request = <P extends z.ZodType, R extends z.ZodType>(method: string, params: P, result: R): RequestDef<P, R> => ({
  method,
  params,
  result,
});
export interface NotificationDef<P extends z.ZodType> {
  readonly method: string;
  readonly params: P;
}
const notification = <P extends z.ZodType>(method: string, params: P): NotificationDef<P> => ({ method, params });

export type ParamsOf<D> = D extends RequestDef<infer P, z.ZodType> ? z.input<P> : D extends NotificationDef<infer P> ? z.input<P> : never;
export type ResultOf<D> = D extends RequestDef<z.ZodType, infer R> ? z.infer<R> : never;

const Empty = z.object({});
/**
 * A branch name by git's ref-format rules (`git check-ref-format --branch`), checked up front,
 * minus names that mislead: 'HEAD', and 'refs/...' (git would nest it: refs/heads/refs/heads/x).
 */
const branchName = z
  .string()
  .min(1, 'branch must not be empty')
  .max(200)
  .superRefine((b, ctx) => {
    const rules: [broken: boolean, message: string][] = [
      [b === 'HEAD', 'branch must not be HEAD'],
      [b === '@', 'branch must not be "@"'],
      [b.startsWith('-'), 'branch must not start with "-"'],
      [b.startsWith('refs/'), 'branch must be a short name, not start with "refs/"'],
      [/[\s~^:?*[\\\x00-\x1f\x7f]/.test(b), 'branch must not contain whitespace, control characters or any of ~ ^ : ? * [ \\'],
      [b.includes('..'), 'branch must not contain ".."'],
      [b.includes('@{'), 'branch must not contain "@{"'],
      [b.startsWith('/') || b.endsWith('/') || b.includes('//'), 'branch must not start or end with "/" or contain "//"'],
      [b.endsWith('.'), 'branch must not end with "."'],
      [b.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')), 'branch parts must not start with "." or end with ".lock"'],
    ];
    for (const [broken, message] of rules) if (broken) ctx.addIssue({ code: 'custom', message });
  });
const agentId = z.string().min(1, 'agent must not be empty').max(100).regex(/^[\w.-]+$/, 'agent must be a plain id');
const sessionMode = z.string().min(1, 'mode must not be empty').max(100).regex(/^[\w.-]+$/, 'mode must be a plain id');
const title = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(200, `${what} is longer than 200 characters`);

/**
 * No-op round trip: the floor benchmarks compare against.
 *
 * Direction: client -> sidecar. Sent by the bench and the tests; the extension and the CLI never
 * send it.
 *
 * Params: none (`{}`).
 *
 * Result: `{}`.
 *
 * Errors:
 * - -32602 InvalidParams: params that are not an object.
 * - -32002 InvalidState: admission only (`not_initialized`, `shutting_down`, `shutdown`).
 */
export const Ping = request('foundry/ping', Empty, Empty);

/**
 * Register a git repository (idempotent by path). `setupScript`: absent keeps the current one, "" clears it.
 * `regenerableFolders`: absent keeps the current list, given replaces it.
 *
 * Any path into a known repository (the same path, a symbolic link, a subfolder, a linked
 * worktree) answers that repository, with `setupScript` applied. A new one is asked of git on the
 * effects worker, stored, and pushed in `foundry/workbenchUpdated` `repos`.
 *
 * Direction: client -> sidecar. Sent by the extension (Add Repository, and before Create Task on a
 * repository its workbench does not know yet; both send the folder's setup script), the CLI
 * (`foundry create --repo`, without a setup script) and the tests.
 *
 * Params: `path`, and optionally `setupScript`, `teardownScript` (the same rules), `copyIgnored`
 * (the git-ignored files, such as `.env`, copied from the main checkout into each new worktree,
 * pooled or fresh) and `regenerableFolders`.
 *
 * Result: the Repo as it now is.
 *
 * Errors:
 * - -32602 InvalidParams: `path` is empty, or git finds no repository there (`path: <why>`);
 *   `setupScript` or `teardownScript` is longer than 100,000 characters; a `copyIgnored` path is
 *   empty, absolute or leaves the repository (`copyIgnored: …`); `regenerableFolders` holds a path
 *   or an empty name.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: git could not tell the known repositories' identities apart, or the
 *   database failed.
 */
export const AddRepo = request(
  'foundry/addRepo',
  z.object({
    /** A folder in the repository: its main working tree, a subfolder, a linked worktree or a symbolic link to one. */
    path: z.string().min(1, 'path must not be empty'),
    /** The repository's setup script: absent keeps the current one, "" (or blank) clears it. */
    setupScript: z.string().max(100_000).optional(),
    /** Git-ignored paths copied from the main checkout into each new worktree: absent keeps the current list, [] clears it. */
    copyIgnored: z
      .array(z.string().min(1, 'copyIgnored: a path must not be empty').max(1000).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'copyIgnored: a path must be relative and stay inside the repository'))
      .max(100)
      .optional(),
    /** The script archive runs in a task's worktree before removing it: absent keeps the current one, "" (or blank) clears it. */
    teardownScript: z.string().max(100_000).optional(),
    /** Folder names snapshots leave out (`foundry.regenerableFolders`): absent keeps the current list. */
    regenerableFolders: z.array(folderName).max(200).optional(),
    /** Where its new tasks' sandboxes live: absent keeps the current one (a new repository: `local`). */
    provider: ProviderId.optional(),
  }),
  Repo,
);

/**
 * Create a task; returns once its rows are committed, provisioning runs in the background.
 *
 * The task, its first session (`Chat 1`) and its provisioning job are committed in one
 * transaction; the title and a unique branch are chosen in memory. Provisioning (worktree, setup
 * script, agent, session) then arrives as `foundry/workbenchUpdated` pushes.
 *
 * When the repository's instant sandbox pool has a ready worktree that ran the same setup script,
 * the same transaction leases it to the task (a leased worktree belongs to that task alone):
 * provisioning then renames its branch to the task's and skips the worktree and setup script. A
 * pool worktree found stale (the base commit moved) or broken never fails the create: the task
 * gets a fresh worktree and its history says why (a `pool` event).
 *
 * Direction: client -> sidecar. Sent by the extension (Create Task), the CLI (`foundry create`),
 * the tests and the bench.
 *
 * Params: `repoId` and `prompt`; optionally `title`, `branch`, `agent`, `model`, `setupScript`.
 *
 * Result: the new task's TaskSummary: status `init_enqueue_provision`, one session
 * `pending_provision`.
 *
 * Errors:
 * - -32602 InvalidParams: a field fails its schema (the message names it, a branch name by git's
 *   rules); `agent` (or the default agent) is not a known agent; `branch` is already used by
 *   another task of the repository; so is `fromBranch` (or the pull request's branch); both
 *   `fromBranch` and `fromPullRequest`, or `fromBranch` with another `branch`.
 * - -32001 NotFound: `repoId` names no repository.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const CreateTask = request(
  'foundry/createTask',
  z.object({
    /** The repository (`foundry/addRepo`'s `id`). */
    repoId: id('repoId'),
    /** The first message to the agent. */
    prompt: z.string().min(1, 'prompt must not be empty').max(200_000),
    /** Trimmed; absent: the prompt's first line, cut to about 60 characters. */
    title: title('title').optional(),
    /** The task's branch, by git's rules; absent: a unique `foundry/<slug of the title>`. */
    branch: branchName.optional(),
    /** Agent id; absent: the sidecar's default agent. */
    agent: agentId.optional(),
    /** Model id passed to the agent. */
    model: z.string().max(200).optional(),
    /** The first session's approval policy (or an agent mode id); absent: `ask`. */
    mode: sessionMode.optional(),
    /** The repository's setup script, set in the same transaction (absent keeps it, "" clears it); the task runs this one. */
    setupScript: z.string().max(100_000).optional(),
    /** Where its sandbox lives; absent: the repository's provider. */
    provider: ProviderId.optional(),
    /**
     * Start from this existing branch (local, or on `origin`) instead of a new one: the task's
     * branch is it. Fetched in the `init_attach_branch` stage; a branch checked out in the main
     * working tree fails that stage ("switch your checkout off 'x' first").
     */
    fromBranch: branchName.optional(),
    /**
     * Start from this pull request of the repository's GitHub remote: `refs/pull/N/head` is
     * fetched in the `init_attach_branch` stage into the task's branch (`branch`, or `pr/N`).
     */
    fromPullRequest: z.number({ error: 'fromPullRequest must be a pull request number' }).int().min(1).optional(),
  }).refine((p) => p.fromBranch === undefined || p.fromPullRequest === undefined, { message: 'fromBranch and fromPullRequest cannot both be given', path: ['fromPullRequest'] }),
  TaskSummary,
);

/**
 * The lightweight workbench summary, read from projections.
 *
 * Direction: client -> sidecar. Sent by the extension (its bootstrap on each connection, and
 * again on a gap in `foundry/workbenchUpdated` versions), the CLI (`foundry tasks`, and
 * `foundry send` to find a task's session), the tests and the bench.
 *
 * Params: none (`{}`).
 *
 * Result: `{version, repos, tasks}`: every repository and every task, archived ones included.
 * `version` is that of the last `foundry/workbenchUpdated`: a client drops pushes up to it.
 *
 * Errors:
 * - -32602 InvalidParams: params that are not an object.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const GetWorkbench = request(
  'foundry/getWorkbench',
  Empty,
  z.object({
    /** The workbench version this read reflects. */
    version: z.number(),
    /** Every repository. */
    repos: z.array(Repo),
    /** Every task. */
    tasks: z.array(TaskSummary),
  }),
);

/**
 * Open a new session (chat tab) on a task; returns at once.
 *
 * The session is named `Chat <n>`. On a provisioned task (`idle`, `running`) a background job
 * creates its agent session; on a task still provisioning (or in `error`) it waits for the task.
 *
 * Direction: client -> sidecar. Sent by the extension (New Session), the tests and the bench.
 *
 * Params: `taskId`; optionally `agent` and `model` (absent: the task's).
 *
 * Result: the new SessionSummary: status `pending_session_create` on a provisioned task, else
 * `pending_provision`.
 *
 * Errors:
 * - -32602 InvalidParams: a field fails its schema; the agent (given, or the task's) is not a
 *   known agent.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task is `archived` or `archive_remove_sandbox`; admission.
 * - -32603 Internal: the database failed.
 */
export const CreateWorkbenchSession = request(
  'foundry/createWorkbenchSession',
  z.object({
    /** The task to open the session on. */
    taskId: id('taskId'),
    /** Agent id; absent: the task's agent. */
    agent: agentId.optional(),
    /** Model id; absent: the task's model. */
    model: z.string().max(200).optional(),
    /** Approval policy (or an agent mode id); absent: `ask`. */
    mode: sessionMode.optional(),
  }),
  SessionSummary,
);

/**
 * Send a message. Never waits: it starts a turn at once, or queues the message durably.
 *
 * A `ready` session with nothing queued starts the turn now (`queued: false`): it turns `running`
 * and the turn runs in the background (its agent process is started, and the conversation resumed,
 * when needed). Otherwise the message joins the session's queue (`queued: true`, in
 * SessionSummary `queue`), which is committed before the answer and survives a reload, a sidecar
 * restart and an agent crash: while the session is provisioning (`pending_provision`,
 * `pending_session_create`), during a turn (`running`, `needs_input`), or behind messages queued
 * earlier. Queued messages are sent one turn each, in order, as the session turns `ready`. A paused
 * queue (after Stop or a failed turn) resumes with this message behind the ones already waiting.
 *
 * The transcript arrives as `foundry/transcriptAppended` to subscribers; the end of each turn is a
 * `foundry` transcript event (`turn_ended` or `turn_failed`).
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's composer), the CLI
 * (`foundry send`) and the tests.
 *
 * Params: `sessionId` and `text`.
 *
 * Result: `{turnId, queued, messageId?}`: `turnId` names the turn in the transcript's `foundry`
 * events (a queued message keeps it); `messageId` names the queued message.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`, or `text` empty or longer than 200,000 characters.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session is in `error` (restart it first: `foundry/retrySession`) or
 *   `closed`; admission.
 * - -32603 Internal: the database failed.
 */
export const SendMessage = request(
  'foundry/sendMessage',
  z.object({
    /** The session to send to. */
    sessionId: id('sessionId'),
    /** The user's message. */
    text: z.string().min(1, 'text must not be empty').max(200_000),
  }),
  z.object({
    /** `turn_…`. */
    turnId: z.string(),
    /** The message waits in the session's queue. */
    queued: z.boolean(),
    /** The queued message (`msg_…`), when `queued`. */
    messageId: z.string().optional(),
  }),
);

/**
 * Cancel the running turn (ACP session/cancel).
 *
 * Answers once the cancel is sent, not when the turn ended: the turn then ends with stop reason
 * `cancelled`, seen in the transcript and the session's status. A permission request waiting in
 * `needs_input` is answered ACP `cancelled` first. On a `ready` session it does nothing.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's Stop) and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: `{}`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session is neither `running`, `needs_input` nor `ready`
 *   (`pending_provision`, `pending_session_create`, `error`, `closed`); admission.
 * - -32603 Internal: the agent could not be told to cancel (effects worker), or the database failed.
 */
export const CancelTurn = request(
  'foundry/cancelTurn',
  z.object({
    /** The session whose turn to cancel. */
    sessionId: id('sessionId'),
  }),
  Empty,
);

/**
 * Answer the agent's permission request with one of its options (ACP outcome `selected`).
 *
 * The session goes back to `running` and the turn carries on; the request and its answer are in
 * the transcript (the ACP messages as exchanged). A request is answered once: after that, after
 * Stop, or after a sidecar restart (the request died with the agent process) it is gone.
 *
 * Direction: client -> sidecar. Sent by the extension (a button of the chat tab's permission
 * prompt) and the tests.
 *
 * Params: `sessionId`, `requestId` (the session's `pendingPermission.requestId`) and `optionId`
 * (one of its `options`).
 *
 * Result: the SessionSummary, `running`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`, `requestId` or `optionId` empty or not a string.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session waits for no such request (already answered, cancelled,
 *   expired, or never asked), or `optionId` is not one of its options; admission.
 * - -32603 Internal: the answer could not be passed to the agent (effects worker), or the
 *   database failed.
 */
export const ReplyPermission = request(
  'foundry/replyPermission',
  z.object({
    /** The session whose agent asked. */
    sessionId: id('sessionId'),
    /** The `pendingPermission.requestId` being answered. */
    requestId: id('requestId'),
    /** The chosen option's `optionId`. */
    optionId: id('optionId'),
  }),
  SessionSummary,
);

/**
 * Page through a session's transcript.
 *
 * Direction: client -> sidecar. Sent by the extension (a chat tab loading, and catching up after
 * it subscribed) and the tests.
 *
 * Params: `sessionId`; optionally `after` and `limit`.
 *
 * Result: `{events, next}`: the events with `seq` greater than `after`, in order, at most `limit`;
 * `next` is the last one's `seq` (or `after` when there is none), the `after` of the next page.
 * An empty page is the end.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`; `after` negative or not an integer; `limit` outside 1..5000.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const GetTranscript = request(
  'foundry/getTranscript',
  z.object({
    /** The session whose transcript to read. */
    sessionId: id('sessionId'),
    /** Return events after this `seq` (exclusive); default 0, the start. */
    after: z.number().int().min(0, 'after must be >= 0').optional(),
    /** At most this many events; default 1000. */
    limit: z.number().int().min(1, 'limit must be >= 1').max(5000, 'limit must be <= 5000').optional(),
  }),
  z.object({
    /** TranscriptEvents in `seq` order. */
    events: z.array(TranscriptEvent),
    /** The `after` of the next page. */
    next: z.number(),
  }),
);

/**
 * Stream `foundry/transcriptAppended` for this session to the calling client.
 *
 * Until the client unsubscribes or its connection closes. Subscribing twice is subscribing once.
 * While any client is subscribed to a session, a turn that ends there leaves it read.
 *
 * Direction: client -> sidecar. Sent by the extension (a chat tab opening) and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: `{}`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const SubscribeSession = request(
  'foundry/subscribeSession',
  z.object({
    /** The session to hear. */
    sessionId: id('sessionId'),
  }),
  Empty,
);
/**
 * Stop streaming `foundry/transcriptAppended` for this session to the calling client. Not being
 * subscribed is no error.
 *
 * Direction: client -> sidecar. Sent by the extension (a chat tab closing) and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: `{}`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const UnsubscribeSession = request(
  'foundry/unsubscribeSession',
  z.object({
    /** The session to stop hearing. */
    sessionId: id('sessionId'),
  }),
  Empty,
);

/**
 * A task's history and the output of its setup script.
 *
 * Direction: client -> sidecar. Sent by the extension (Show Task Log), the CLI (`foundry log`) and
 * the tests.
 *
 * Params: `taskId`.
 *
 * Result: `{history, setupOutput}`: every HistoryEvent, oldest first, and the last 256 KiB of the
 * setup script's output ("" when it has not run).
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const GetTaskLog = request(
  'foundry/getTaskLog',
  z.object({
    /** The task whose log to read. */
    taskId: id('taskId'),
  }),
  z.object({
    /** The task's history, oldest first. */
    history: z.array(HistoryEvent),
    /** The tail of the setup script's output. */
    setupOutput: z.string(),
  }),
);

/**
 * Rename a task, in any status. A new title is recorded in its history and pushed.
 *
 * Direction: client -> sidecar. Sent by the extension (Rename Task), the tests and the bench.
 *
 * Params: `taskId` and `title`.
 *
 * Result: the TaskSummary.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `title` blank or longer than 200 characters.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const RenameTask = request(
  'foundry/renameTask',
  z.object({
    /** The task to rename. */
    taskId: id('taskId'),
    /** The new title, trimmed. */
    title: title('title'),
  }),
  TaskSummary,
);
/**
 * Archive a task, in durable steps that each resume after a crash: stop its agents
 * (`archive_stop_agents`), run the repository's teardown script (`archive_run_teardown`, output in
 * the task log), snapshot the whole worktree - uncommitted, untracked and git-ignored files,
 * executable bits and symbolic links, minus regenerable folders - under
 * `refs/foundry/archive/<taskId>` (`archive_snapshot`), then remove the worktree
 * (`archive_remove_sandbox`), forced only once the snapshot is recorded and its tree equals the
 * worktree's state, and only a worktree Foundry provably made for this task. The branch stays. A
 * dirty worktree archives: nothing is lost, `foundry/unarchiveTask` brings it back byte for byte.
 * An archived task answers as it is; a task whose archive failed (`error`) may be archived again
 * (Retry), optionally skipping the teardown script (Archive anyway).
 *
 * Direction: client -> sidecar. Sent by the extension (Archive Task; Retry and Archive anyway
 * after a failed teardown), the retention job (idle tasks) and the tests.
 *
 * Params: `taskId`; optionally `skipTeardown`.
 *
 * Result: the TaskSummary: status `archive_stop_agents`, or `archived` when it already was.
 * The job's steps and outcome are pushed: `archived`, or `error` with an `errorMessage` (a failing
 * teardown script: its exit code and last line).
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `skipTeardown` not a boolean.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task is neither `idle` nor `error` (nor `archived`): its status, such
 *   as `running` (stop the turn first), a provisioning stage, an archive step (wait) or `deleted`;
 *   admission.
 * - -32603 Internal: the database failed.
 */
export const ArchiveTask = request(
  'foundry/archiveTask',
  z.object({
    /** The task to archive. */
    taskId: id('taskId'),
    /** Archive without running the repository's teardown script ("Archive anyway" after it failed). */
    skipTeardown: z.boolean({ error: 'skipTeardown must be a boolean' }).optional(),
  }),
  TaskSummary,
);
/**
 * Unarchive a task: a job recreates its worktree from the archive snapshot, byte for byte (every
 * file, its mode and symbolic links; the index as it was), on the same branch (`unarchive_restore`,
 * then `idle`). Its sessions come back as after a restart: each can be chatted in again. When the
 * branch moved since, or is checked out in another working tree, the worktree is restored onto
 * `<branch>-restored` instead, and the task's history says so.
 *
 * Direction: client -> sidecar. Sent by the extension (Unarchive Task) and the tests.
 *
 * Params: `taskId`.
 *
 * Result: the TaskSummary: status `unarchive_restore`. The outcome is pushed: `idle` with its
 * `worktreePath`, or `error` with an `errorMessage` (`foundry/unarchiveTask` again retries).
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task is not `archived` (nor in `error` after a failed unarchive);
 *   `no_snapshot` (archived by an earlier version, with nothing to restore); admission.
 * - -32603 Internal: the database failed.
 */
export const UnarchiveTask = request(
  'foundry/unarchiveTask',
  z.object({
    /** The archived task. */
    taskId: id('taskId'),
  }),
  TaskSummary,
);
/**
 * Delete a task, keeping a way back: a job stops its agents (`delete_stop_agents`), snapshots the
 * worktree under `refs/foundry/deleted/<taskId>/snapshot` (`delete_snapshot`), then removes the
 * worktree and the branch (`delete_remove_sandbox`): the branch tip stays reachable as
 * `refs/foundry/deleted/<taskId>/branch`. The task's rows stay as a tombstone (`deleted`) until
 * `foundry/runCleanup` purges it. A branch the task attached to (`fromBranch`, a pull request) is
 * the user's and is kept. An archived task deletes without a worktree to remove.
 *
 * Direction: client -> sidecar. Sent by the extension (Delete Task) and the tests.
 *
 * Params: `taskId`.
 *
 * Result: the TaskSummary: status `delete_stop_agents` (or `deleted` when it already was).
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task is neither `idle`, `error` nor `archived`: its status (a running
 *   turn, provisioning, an archive or delete step); admission.
 * - -32603 Internal: the database failed.
 */
export const DeleteTask = request(
  'foundry/deleteTask',
  z.object({
    /** The task to delete. */
    taskId: id('taskId'),
  }),
  TaskSummary,
);
/**
 * Undo a delete: a job brings back the branch (at its tip from `refs/foundry/deleted/<taskId>/branch`;
 * onto `<branch>-restored` when a branch of that name now points elsewhere), and the worktree, byte for byte,
 * from the snapshot (`undo_delete_restore`, then `idle`). Sessions and transcripts come back.
 *
 * Direction: client -> sidecar. Sent by the extension (the Delete notification's Undo, Undo Delete
 * on a deleted task) and the tests.
 *
 * Params: `taskId`.
 *
 * Result: the TaskSummary: status `undo_delete_restore`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task (a purged one is gone).
 * - -32002 InvalidState: the task is not `deleted` (nor in `error` after a failed undo); admission.
 * - -32603 Internal: the database failed.
 */
export const UndoDeleteTask = request(
  'foundry/undoDeleteTask',
  z.object({
    /** The deleted task. */
    taskId: id('taskId'),
  }),
  TaskSummary,
);

/** What a purge or clean up of one task would remove (`foundry/getCleanupInventory`). */
export const CleanupItem = z.object({
  /** The task. */
  taskId: z.string(),
  /** Its title. */
  title: z.string(),
  /** Its repository. */
  repoId: z.string(),
  /** Its status (`deleted`, or the live status of a task whose stale refs go). */
  status: TaskStatus,
  /** The refs that go, all under `refs/foundry/`. */
  refs: z.array(z.string()),
  /** A worktree folder that goes (a leftover Foundry provably made), if any. */
  worktree: z.string().optional(),
  /** A branch that goes, if any. */
  branch: z.string().optional(),
  /** Whether the task's rows (sessions, transcripts) go too: a purge of a deleted task. */
  removesTask: z.boolean(),
  /** The size of what goes: the snapshots' files, and a leftover worktree's. */
  bytes: z.number(),
  /**
   * It holds work that exists nowhere else: commits, or snapshot content (uncommitted or
   * git-ignored files), reachable from no branch and no remote-tracking branch.
   */
  uniqueWork: z.boolean(),
  /** The regenerable folders the snapshots left out (relative paths): they are not kept anywhere. */
  excluded: z.array(z.string()),
});
export type CleanupItem = z.infer<typeof CleanupItem>;
export const CleanupScope = z.enum(['deleted', 'cleanup'], { error: "scope must be 'deleted' or 'cleanup'" });
export type CleanupScope = z.infer<typeof CleanupScope>;
/**
 * What a purge (`deleted`: every deleted task's tombstone, snapshot and kept branch tip) or a
 * clean up (`cleanup`: that, plus the stale archive refs of tasks unarchived since, and worktree
 * records whose folder is gone) would remove, read from git in the effects worker. Nothing is
 * removed. Only what Foundry made is ever listed: refs under `refs/foundry/` of its own tasks.
 *
 * Direction: client -> sidecar. Sent by the extension (Purge Deleted Tasks, Clean Up: shown before
 * anything is removed) and the tests.
 *
 * Params: `scope`; optionally `repoId`.
 *
 * Result: `{items}`, one CleanupItem per task with something to remove.
 *
 * Errors:
 * - -32602 InvalidParams: `scope`; `repoId`.
 * - -32001 NotFound: `repoId` names no repository.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: git failed reading a repository, or the database failed.
 */
export const GetCleanupInventory = request(
  'foundry/getCleanupInventory',
  z.object({
    /** `deleted`: purge deleted tasks; `cleanup`: everything Foundry left behind. */
    scope: CleanupScope,
    /** Only this repository's tasks. */
    repoId: id('repoId').optional(),
  }),
  z.object({
    /** What would go, per task. */
    items: z.array(CleanupItem),
  }),
);
/**
 * Remove, for good, what `foundry/getCleanupInventory` listed for these tasks: one durable job per
 * task, each checking again before every removal (a ref only under `refs/foundry/` of that task; a
 * worktree only with Foundry's ownership proof). A purged task's rows go and it is pushed in
 * `removedTaskIds`.
 *
 * Direction: client -> sidecar. Sent by the extension (after the user confirmed the inventory),
 * the retention job (deleted tasks past `retentionPurgeDeletedDays`) and the tests.
 *
 * Params: `taskIds` and `scope`.
 *
 * Result: `{queued}`: the tasks whose job was queued.
 *
 * Errors:
 * - -32602 InvalidParams: `taskIds` (empty, not ids, or an id that names no task); `scope`.
 * - -32002 InvalidState: scope `deleted` and a task that is not `deleted`; admission.
 * - -32603 Internal: the database failed.
 */
export const RunCleanup = request(
  'foundry/runCleanup',
  z.object({
    /** The tasks whose inventory goes. */
    taskIds: z.array(id('taskIds'), { error: 'taskIds must be an array of task ids' }).min(1, 'taskIds must not be empty').max(10_000),
    /** As for `foundry/getCleanupInventory`. */
    scope: CleanupScope,
  }),
  z.object({
    /** The tasks whose job was queued. */
    queued: z.array(z.string()),
  }),
);
/**
 * Retry a task in `error`: provisioning resumes at the stage that failed. The repository's setup
 * script (with `setupScript` applied) is snapshotted on the task again, and its sessions in
 * `error` go back to `pending_provision`.
 *
 * Direction: client -> sidecar. Sent by the extension (Retry Task in the tree and the palette, and
 * the chat tab's Retry on a session waiting for a failed task; each with the repository's current
 * setup script) and the tests.
 *
 * Params: `taskId`; optionally `setupScript`.
 *
 * Result: the TaskSummary, at the stage it resumes from.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `setupScript` longer than 100,000 characters.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task is not in `error` (its status); admission.
 * - -32603 Internal: the database failed.
 */
export const RetryTask = request(
  'foundry/retryTask',
  z.object({
    /** The task to retry. */
    taskId: id('taskId'),
    /** As for createTask (absent keeps the repository's script, "" clears it); the retried task runs the repository's script as it is after this request. */
    setupScript: z.string().max(100_000).optional(),
  }),
  TaskSummary,
);
/**
 * Retry a session in `error`, or Restart one whose agent process crashed. When its task is in
 * `error` too, the task is retried (as `foundry/retryTask` without `setupScript`); otherwise the
 * session goes back to `pending_session_create` (a background job starts its agent and creates its
 * agent session, or resumes the conversation with `session/load` when it had one) on a provisioned
 * task, or to `pending_provision`. Its queued messages are sent once it is `ready`.
 *
 * Direction: client -> sidecar. Sent by the extension (Retry Session in the tree, the chat tab's
 * Retry) and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: the SessionSummary.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session is not in `error` (its status); admission.
 * - -32603 Internal: the database failed.
 */
export const RetrySession = request(
  'foundry/retrySession',
  z.object({
    /** The session to retry. */
    sessionId: id('sessionId'),
  }),
  SessionSummary,
);
/**
 * Close a session: it turns `closed` (and read), a running turn is abandoned, and its agent
 * process is stopped. The transcript is kept. A closed session answers as it is.
 *
 * Direction: client -> sidecar. Sent by the extension (Close Session) and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: the SessionSummary, `closed`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the agent process could not be stopped (effects worker; the session is closed
 *   already), or the database failed.
 */
export const CloseWorkbenchSession = request(
  'foundry/closeWorkbenchSession',
  z.object({
    /** The session to close. */
    sessionId: id('sessionId'),
  }),
  SessionSummary,
);
/**
 * Rename a session, in any status.
 *
 * Direction: client -> sidecar. Sent by the extension (Rename Session) and the tests.
 *
 * Params: `sessionId` and `name`.
 *
 * Result: the SessionSummary.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`; `name` blank or longer than 200 characters.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const RenameWorkbenchSession = request(
  'foundry/renameWorkbenchSession',
  z.object({
    /** The session to rename. */
    sessionId: id('sessionId'),
    /** The new name, trimmed. */
    name: title('name'),
  }),
  SessionSummary,
);
/**
 * Clear a session's `unread` flag (pushed when it changes).
 *
 * Direction: client -> sidecar. Sent by the extension (a chat tab showing the session) and the
 * tests.
 *
 * Params: `sessionId`.
 *
 * Result: the SessionSummary.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const MarkSessionRead = request(
  'foundry/markSessionRead',
  z.object({
    /** The session to mark read. */
    sessionId: id('sessionId'),
  }),
  SessionSummary,
);

const semver = z.string().regex(/^\d+\.\d+\.\d+([-+][\w.-]+)?$/, 'version must be a semantic version like 1.2.3');

/**
 * Ask the running sidecar to drain and exit so that the caller starts its own. `update`: only a
 * client newer than the sidecar may ask. `restart` ("Foundry: Restart Sidecar"): a client of the
 * same version or newer.
 *
 * After the answer the sidecar drains (every client hears `foundry/sidecarExiting`, `hand_over` or
 * `restart`; see Lifecycle) and exits with code 0; its open jobs resume in the next sidecar.
 *
 * Direction: client -> sidecar. Sent by the extension (a window newer than the sidecar: `update`;
 * Restart Sidecar: `restart`) and the tests.
 *
 * Params: `version` and `reason`.
 *
 * Result: `{draining: true}`.
 *
 * Errors:
 * - -32602 InvalidParams: `version` is not a semantic version; `reason` is neither `update` nor
 *   `restart`.
 * - -32002 InvalidState: `running_<sidecar version>`: an `update` from a client that is not newer
 *   than the sidecar, or a `restart` from an older one; admission.
 */
export const HandOver = request(
  'foundry/handOver',
  z.object({
    /** The calling client's Foundry version. */
    version: semver,
    /** `update` (the default): a newer client takes over. `restart`: the user asked for a fresh sidecar. */
    reason: z.enum(['update', 'restart']).default('update'),
  }),
  z.object({
    /** Always true: the drain has begun. */
    draining: z.literal(true),
  }),
);

const absolutePath = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(4096)
    .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, `${what} must be an absolute path`);

/**
 * Import the per-window databases of earlier Foundry versions (the absolute paths of their
 * foundry.db files), nothing lost. Returns at once; each file not already queued is imported by
 * a background job, once: a file still held by its sidecar is skipped (see the sidecar log), an
 * imported one is renamed to `foundry.db.imported-<timestamp>`, and its tasks arrive as pushes.
 *
 * A file that is missing or no database is no error of this request: its job skips it and logs why.
 *
 * Direction: client -> sidecar. Sent by the extension (after its first bootstrap, with every
 * earlier workspace-storage database it finds) and the tests.
 *
 * Params: `databases`.
 *
 * Result: `{queued}`.
 *
 * Errors:
 * - -32602 InvalidParams: `databases` is empty, longer than 1,000, or holds a path that is empty
 *   or not absolute.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const ImportDatabases = request(
  'foundry/importDatabases',
  z.object({
    /** Absolute paths of earlier `foundry.db` files; a path given twice counts once. */
    databases: z.array(absolutePath('database')).min(1, 'databases must name at least one file').max(1000),
  }),
  z.object({
    /** How many files got a new import job (a file with one queued already is not counted). */
    queued: z.number(),
  }),
);

/**
 * Change a session's mode: an approval policy (`ask`, `accept_edits`, `full_access`) or one of the
 * agent's own modes from `modes` (`plan`). One session's mode never changes another's.
 *
 * The choice is stored at once and applied to the agent: ACP `session/set_mode` on a live agent
 * session; a policy that lives in the agent's launch configuration (OpenCode's `permission`)
 * restarts its process, which resumes the conversation. It is applied again after every agent
 * restart and `session/load`. A `mode_changed` transcript event records it.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's mode picker) and the tests.
 *
 * Params: `sessionId` and `mode`.
 *
 * Result: the SessionSummary with the new `mode`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`; `mode` is neither a policy nor one of the session's `modes`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session is `closed`; a turn is in progress and the change needs an
 *   agent restart (wait for it to end); admission.
 * - -32603 Internal: the agent refused the mode, or the database failed.
 */
export const SetSessionMode = request(
  'foundry/setSessionMode',
  z.object({
    /** The session to change. */
    sessionId: id('sessionId'),
    /** An ApprovalPolicy or one of the session's `modes`. */
    mode: sessionMode,
  }),
  SessionSummary,
);

/**
 * Change a session's model: ACP `session/set_model`, or `session/set_config_option` (`model`),
 * whichever the agent supports. Stored at once, applied to a live agent session now and again after
 * every agent restart and `session/load`.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's model picker) and the tests.
 *
 * Params: `sessionId` and `model`.
 *
 * Result: the SessionSummary with the new `model`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`; `model` empty, or not one of the session's `models` once
 *   the agent reported them.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session is `closed`; admission.
 * - -32603 Internal: the agent refused the model, or the database failed.
 */
export const SetSessionModel = request(
  'foundry/setSessionModel',
  z.object({
    /** The session to change. */
    sessionId: id('sessionId'),
    /** One of the session's `models` (any id before the agent reported them). */
    model: z.string().min(1, 'model must not be empty').max(200),
  }),
  SessionSummary,
);

/**
 * Change the text of a message still waiting in the queue.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's queued message, Edit) and the tests.
 *
 * Params: `sessionId`, `messageId` and `text`.
 *
 * Result: the SessionSummary.
 *
 * Errors:
 * - -32602 InvalidParams: a field fails its schema (`text` empty or over 200,000 characters).
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the message is not waiting in this session's queue (sent already, or removed); admission.
 * - -32603 Internal: the database failed.
 */
export const EditQueuedMessage = request(
  'foundry/editQueuedMessage',
  z.object({
    /** The session whose queue holds the message. */
    sessionId: id('sessionId'),
    /** The QueuedMessage `id`. */
    messageId: id('messageId'),
    /** The new text. */
    text: z.string().min(1, 'text must not be empty').max(200_000),
  }),
  SessionSummary,
);

/**
 * Remove a message still waiting in the queue.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's queued message, Remove) and the tests.
 *
 * Params: `sessionId` and `messageId`.
 *
 * Result: the SessionSummary.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId` or `messageId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the message is not waiting in this session's queue; admission.
 * - -32603 Internal: the database failed.
 */
export const RemoveQueuedMessage = request(
  'foundry/removeQueuedMessage',
  z.object({
    /** The session whose queue holds the message. */
    sessionId: id('sessionId'),
    /** The QueuedMessage `id`. */
    messageId: id('messageId'),
  }),
  SessionSummary,
);

/**
 * Resume a paused queue ("Send queued"): the oldest queued message starts its turn as soon as the
 * session is `ready`. On a queue that is not paused it does nothing.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's Send queued) and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: the SessionSummary.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session is in `error` or `closed`; admission.
 * - -32603 Internal: the database failed.
 */
export const SendQueued = request(
  'foundry/sendQueued',
  z.object({
    /** The session whose queue to resume. */
    sessionId: id('sessionId'),
  }),
  SessionSummary,
);

/**
 * Continue a conversation with another agent: a new session in the same task and worktree whose
 * first message is a bounded digest (at most 8 KB) of this one: the user's messages, the agent's
 * final answers, the files changed, the plan entries still open and the last error. The earlier
 * session is left as it is. Returns at once; the new session starts like any other.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's "Continue with…") and the tests.
 *
 * Params: `sessionId` and `agent`; optionally `mode` and `model` for the new session.
 *
 * Result: the new SessionSummary (`pending_session_create`, its digest queued).
 *
 * Errors:
 * - -32602 InvalidParams: a field fails its schema; `agent` is not a known agent.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the task is archived; admission.
 * - -32603 Internal: the database failed.
 */
export const HandoffSession = request(
  'foundry/handoffSession',
  z.object({
    /** The session to continue. */
    sessionId: id('sessionId'),
    /** The agent of the new session. */
    agent: agentId,
    /** The new session's approval policy; absent: `ask`. */
    mode: sessionMode.optional(),
    /** The new session's model; absent: the agent's default. */
    model: z.string().max(200).optional(),
  }),
  SessionSummary,
);

/**
 * The agents Foundry knows: the built-ins (each with its pinned version) and those defined in the
 * settings, whether each is installed and ready, and why not. Read from memory: no process is
 * started and nothing is installed.
 *
 * Direction: client -> sidecar. Sent by the extension (Configure Agent, the agent pickers) and the tests.
 *
 * Params: none (`{}`).
 *
 * Result: `{agents}`, AgentInfo[] in a stable order.
 *
 * Errors:
 * - -32602 InvalidParams: params that are not an object.
 * - -32002 InvalidState: admission only.
 */
export const ListAgents = request(
  'foundry/listAgents',
  Empty,
  z.object({
    /** Every agent, built-ins first. */
    agents: z.array(AgentInfo),
  }),
);

/**
 * Install an agent's pinned version into the data folder (`D/agents/<id>@<version>`) with npm's own
 * library, as a background job that is not tied to a task. Returns at once; progress and the result
 * arrive as `foundry/agentsUpdated`. Installing an agent already installed does nothing.
 *
 * Direction: client -> sidecar. Sent by the extension (Install Agent, and the "Install" of a task
 * whose agent is missing) and the tests.
 *
 * Params: `agentId`.
 *
 * Result: the AgentInfo, with `install.status` `queued` unless it is installed already.
 *
 * Errors:
 * - -32602 InvalidParams: `agentId` is not a plain id.
 * - -32001 NotFound: `agentId` names no agent.
 * - -32002 InvalidState: the agent is not one Foundry installs (`demo`, or one defined in the
 *   settings); admission.
 */
export const InstallAgent = request(
  'foundry/installAgent',
  z.object({
    /** The agent to install (an AgentInfo `id`). */
    agentId: agentId,
  }),
  AgentInfo,
);

/**
 * Give the sidecar an agent's credentials (API keys, a gateway's base URL) for its processes'
 * environment. Kept in the sidecar's memory only: never written to the database, logs, transcripts
 * or notifications. Every client sends them again on each connect (the extension from VS Code's
 * SecretStorage; the CLI from its environment). An empty `env` clears them. Agent processes started
 * afterwards get them; a running one keeps its environment until it restarts.
 *
 * Direction: client -> sidecar. Sent by the extension (on connect, and after Configure Agent) and
 * the tests.
 *
 * Params: `agentId` and `env`.
 *
 * Result: the AgentInfo, ready once its credentials are present.
 *
 * Errors:
 * - -32602 InvalidParams: `agentId` is not a plain id; a variable name is not a plain
 *   environment variable name, or a value is longer than 10,000 characters.
 * - -32001 NotFound: `agentId` names no agent.
 * - -32002 InvalidState: admission only.
 */
export const SetCredentials = request(
  'foundry/setCredentials',
  z.object({
    /** The agent the credentials are for. */
    agentId: agentId,
    /** Variables for its processes' environment (`ANTHROPIC_API_KEY`, a base URL); `{}` clears them. */
    env: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env: variable names must be plain environment variable names'),
      z.string().max(10_000, 'env: a value is longer than 10,000 characters'),
    ),
  }),
  AgentInfo,
);

/** Whether a sandbox provider can be used now. */
export const ProviderInfo = z.object({
  id: ProviderId,
  /** Its credentials are present (always true for `local`). */
  ready: z.boolean(),
  /** Why it is not ready ("Set the Daytona API key"). */
  reason: z.string().optional(),
});
export type ProviderInfo = z.infer<typeof ProviderInfo>;

/**
 * Give the sidecar a sandbox provider's credentials (Daytona's API key). Kept in the sidecar's
 * memory only, like `foundry/setCredentials`: never written to the database, logs, transcripts or
 * notifications; every client sends them again on each connect (the extension from SecretStorage).
 * An empty `apiKey` clears them (DAYTONA_API_KEY in the sidecar's environment still applies).
 * Tasks that failed for want of them are retried.
 *
 * Direction: client -> sidecar. Sent by the extension (on connect, and after "Foundry: Set
 * Daytona API Key") and the tests.
 *
 * Params: `provider` and `apiKey`.
 *
 * Result: the ProviderInfo.
 *
 * Errors:
 * - -32602 InvalidParams: `provider` is not a provider id, or is `local` (which takes none);
 *   `apiKey` is longer than 10,000 characters.
 * - -32002 InvalidState: admission only.
 */
export const SetProviderCredentials = request(
  'foundry/setProviderCredentials',
  z.object({
    /** The provider the key is for (`daytona`). */
    provider: ProviderId.refine((p) => p !== 'local', "provider: 'local' takes no credentials"),
    /** The provider's API key; "" clears it. */
    apiKey: z.string().max(10_000, 'apiKey is longer than 10,000 characters'),
  }),
  ProviderInfo,
);

// ---------------------------------------------------------------------------
// Review: derived git state and detail reads (served from the projection, or for the one file
// or folder asked, with one bounded call to the effects worker)
// ---------------------------------------------------------------------------

/** A path inside a task's worktree: relative, `/`-separated, never leaving it or entering `.git`. */
const worktreePath = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(4096, `${what} is longer than 4096 characters`)
    .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\'), `${what} must be relative to the worktree, with / separators`)
    .refine((p) => !p.split('/').some((part) => part === '..' || part === '.' || part === ''), `${what} must not contain empty, '.' or '..' parts`)
    .refine((p) => p.split('/')[0] !== '.git', `${what} must not be inside .git`);

/**
 * The task's changed files against its base, from the changes projection (no git runs).
 *
 * Direction: client -> sidecar. Sent by the extension (the changed files under a task, Open All
 * Changes), the CLI and the tests.
 *
 * Params: `taskId`.
 *
 * Result: `files` (sorted by path) and `refreshedAt` (epoch milliseconds of the projection's last
 * refresh; null before the first). A refresh under way is pushed when it lands (workbenchUpdated
 * with the task's new `changes` and `git`).
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const GetFileChanges = request(
  'foundry/getFileChanges',
  z.object({
    /** The task whose changed files to list. */
    taskId: id('taskId'),
  }),
  z.object({
    /** The changed files, sorted by path. */
    files: z.array(FileChange),
    /** The projection's last refresh, epoch milliseconds; null before the first. */
    refreshedAt: z.number().nullable(),
  }),
);

/**
 * Both sides of one file's diff, for an editor's diff view: the file at the base (or at HEAD) and
 * in the worktree. Computed for this one file with one bounded call to the effects worker.
 *
 * Direction: client -> sidecar. Sent by the extension's `foundry:` documents (the native diff
 * editor), the CLI and the tests.
 *
 * Params: `taskId`, `path` (relative to the worktree) and `against`: `base` (default: the commit
 * the task branched from) or `head` (the branch's last commit: what is not committed yet).
 *
 * Result: `path`; `original` (null: the file does not exist on that side) and `modified` (null:
 * deleted in the worktree); `binary` (no text is given for either side) or `tooLarge` (a side is
 * over 5 MB: no text either) instead of the texts.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `path` absolute, with `..`, or inside `.git`; `against`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task has no worktree (still provisioning, or archived).
 * - -32603 Internal: git failed.
 */
export const GetFileDiff = request(
  'foundry/getFileDiff',
  z.object({
    /** The task whose file to compare. */
    taskId: id('taskId'),
    /** The file, relative to the worktree. */
    path: worktreePath('path'),
    /** Compare with the base (default) or with HEAD. */
    against: z.enum(['base', 'head'], { error: "against must be 'base' or 'head'" }).optional(),
  }),
  z.object({
    /** The file asked for. */
    path: z.string(),
    /** The file on the base (or HEAD) side; null when it does not exist there. */
    original: z.string().nullable(),
    /** The file in the worktree; null when it was deleted. */
    modified: z.string().nullable(),
    /** Binary on either side: no texts. */
    binary: z.boolean().optional(),
    /** Over 5 MB on either side: no texts. */
    tooLarge: z.boolean().optional(),
  }),
);

/** One entry of a worktree folder. */
export const FileTreeEntry = z.object({
  /** Its name in the folder. */
  name: z.string(),
  /** Relative to the worktree. */
  path: z.string(),
  /** A symlink is never followed. */
  type: z.enum(['file', 'directory', 'symlink']),
  /** Its change against the base, for files the projection lists. */
  change: FileChangeStatus.optional(),
});
export type FileTreeEntry = z.infer<typeof FileTreeEntry>;

/**
 * The entries of one folder of a task's worktree, directories first, then by name; `.git` is left
 * out. Read for this one folder with one bounded call to the effects worker.
 *
 * Direction: client -> sidecar. Sent by the extension (the worktree's file tree), the CLI and the
 * tests.
 *
 * Params: `taskId` and `dir` (relative to the worktree; absent: its root).
 *
 * Result: `dir` and `entries`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `dir` absolute, with `..`, or inside `.git`.
 * - -32001 NotFound: `taskId` names no task, or `dir` is not a folder of its worktree.
 * - -32002 InvalidState: the task has no worktree (still provisioning, or archived).
 * - -32603 Internal: the folder could not be read.
 */
export const GetFileTree = request(
  'foundry/getFileTree',
  z.object({
    /** The task whose worktree to list. */
    taskId: id('taskId'),
    /** The folder, relative to the worktree; absent: the root. */
    dir: worktreePath('dir').optional(),
  }),
  z.object({
    /** The folder listed ('' for the root). */
    dir: z.string(),
    /** Its entries, directories first, then by name. */
    entries: z.array(FileTreeEntry),
  }),
);

/**
 * Bring one file of a task's worktree back to its base version (an added file is removed). It is
 * reversible: the file as it was (or its absence) is first kept under a Foundry ref in the
 * repository (`refs/foundry/reverts/<taskId>/<revertId>`), and `foundry/undoRevert` restores it.
 * The changes projection refreshes after it and pushes.
 *
 * Direction: client -> sidecar. Sent by the extension (Revert File), the CLI and the tests.
 *
 * Params: `taskId` and `path`.
 *
 * Result: `revertId` (for Undo Revert) and `path`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `path` absolute, with `..`, or inside `.git`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task has no worktree; a turn is running in one of its sessions (the
 *   agent may be writing the file); the file has no change to revert.
 * - -32603 Internal: git failed (the worktree is left as it was).
 */
export const RevertFile = request(
  'foundry/revertFile',
  z.object({
    /** The task whose file to revert. */
    taskId: id('taskId'),
    /** The file, relative to the worktree. */
    path: worktreePath('path'),
  }),
  z.object({
    /** For `foundry/undoRevert`. */
    revertId: z.string(),
    /** The file reverted. */
    path: z.string(),
  }),
);

/**
 * Undo a `foundry/revertFile`: the file comes back as it was before the revert, from its Foundry
 * ref. Refused when the file changed since the revert (the newer content would be lost).
 *
 * Direction: client -> sidecar. Sent by the extension (Undo Revert), the CLI and the tests.
 *
 * Params: `taskId` and `revertId`.
 *
 * Result: `path`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`; `revertId`.
 * - -32001 NotFound: `taskId` names no task, or `revertId` no revert of it.
 * - -32002 InvalidState: the task has no worktree; a turn is running; the file changed since the
 *   revert.
 * - -32603 Internal: git failed (the worktree is left as it was).
 */
export const UndoRevert = request(
  'foundry/undoRevert',
  z.object({
    /** The task of the revert. */
    taskId: id('taskId'),
    /** The revert to undo, as `foundry/revertFile` answered it. */
    revertId: id('revertId'),
  }),
  z.object({
    /** The file restored. */
    path: z.string(),
  }),
);

// ---------------------------------------------------------------------------
// Ship: repository actions as durable jobs, pull requests, the repository overview, review
// comments (each served from the database; git and GitHub run only in jobs)
// ---------------------------------------------------------------------------

/**
 * Start a repository action; returns at once with its durable row (`queued`). The action runs as a
 * background job (one at a time per repository, surviving a sidecar restart), and every move of
 * its row is pushed as `foundry/repoActionUpdated`; the task's `lastAction` follows in
 * `foundry/workbenchUpdated`. The changes projection refreshes after it. A failure is never
 * silent: the row ends `failed` with git's or GitHub's reason (a rejected push, an auth failure,
 * a missing git identity and how to set it), and a conflict names its files.
 *
 * Direction: client -> sidecar. Sent by the extension (Commit, Push, Create Pull Request, Merge
 * Pull Request, Fetch, Rebase on Base, Merge Base In, Apply to My Checkout), the CLI and the tests.
 *
 * Params: `taskId` or `repoId` (only `fetch` takes a `repoId`), `kind`; for `commit` an optional
 * `message` (absent: `foundry/proposeCommitMessage`'s); for `create_pull_request` optional `title`,
 * `body`, `draft`; for `merge_pull_request` an optional `mergeMethod`.
 *
 * Result: `actionId` and `status` (`queued`).
 *
 * Errors:
 * - -32602 InvalidParams: neither or both of `taskId` and `repoId`; `kind`; a `repoId` with a
 *   kind that needs a task; a field fails its schema.
 * - -32001 NotFound: `taskId` or `repoId` names nothing.
 * - -32002 InvalidState: the task has no worktree (provisioning, archived); `rebase_on_base` or
 *   `merge_base_in` while a turn runs or the worktree has uncommitted changes; `commit` with
 *   nothing to commit; `merge_pull_request` when the task has no open pull request.
 * - -32603 Internal: the database failed.
 */
export const RunRepoAction = request(
  'foundry/runRepoAction',
  z
    .object({
      /** The task whose branch and worktree it acts on. */
      taskId: id('taskId').optional(),
      /** The repository, for a repository-wide `fetch`. */
      repoId: id('repoId').optional(),
      /** What to do. */
      kind: RepoActionKind,
      /** `commit`: its message; absent: the proposed one. */
      message: z.string().trim().min(1, 'message must not be empty').max(100_000).optional(),
      /** `create_pull_request`: absent: the task's title. */
      title: title('title').optional(),
      /** `create_pull_request`: absent: the task's prompt and the agent's summary. */
      body: z.string().max(65_536).optional(),
      /** `create_pull_request`: open it as a draft. */
      draft: z.boolean().optional(),
      /** `merge_pull_request`: GitHub's merge method; absent: `merge`. */
      mergeMethod: z.enum(['merge', 'squash', 'rebase']).optional(),
    })
    .refine((p) => (p.taskId === undefined) !== (p.repoId === undefined), { message: 'give exactly one of taskId and repoId', path: ['taskId'] })
    .refine((p) => p.repoId === undefined || p.kind === 'fetch', { message: 'only fetch takes a repoId; the other kinds need a taskId', path: ['repoId'] }),
  z.object({
    /** `act_…`: the row `foundry/repoActionUpdated` pushes. */
    actionId: z.string(),
    /** `queued`. */
    status: RepoActionStatus,
  }),
);

/**
 * The recent repository actions (newest first, at most 50), from the database: what the status
 * bar and the explorer show after a reload, before the next push.
 *
 * Direction: client -> sidecar. Sent by the extension (bootstrap), the CLI and the tests.
 *
 * Params: optionally `taskId` or `repoId` to narrow them.
 *
 * Result: `actions`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`, `repoId`.
 * - -32001 NotFound: `taskId` or `repoId` names nothing.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const ListRepoActions = request(
  'foundry/listRepoActions',
  z.object({
    /** Only this task's actions. */
    taskId: id('taskId').optional(),
    /** Only this repository's actions. */
    repoId: id('repoId').optional(),
  }),
  z.object({
    /** Newest first. */
    actions: z.array(RepoAction),
  }),
);

/**
 * A commit message proposed from the task (its title and prompt) and the agent's last summary
 * (the final message of its last turn, kept when the turn ended): read from the database.
 *
 * Direction: client -> sidecar. Sent by the extension (Commit's input box), the CLI and the tests.
 *
 * Params: `taskId`.
 *
 * Result: `message`: a subject line, a blank line and a body.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const ProposeCommitMessage = request(
  'foundry/proposeCommitMessage',
  z.object({
    /** The task to commit. */
    taskId: id('taskId'),
  }),
  z.object({
    /** Subject, blank line, body. */
    message: z.string(),
  }),
);

/**
 * Give the sidecar a GitHub token for the pull-request actions and projections, kept in its
 * memory only (never in SQLite, logs or notifications). The extension sends the token of VS Code's
 * GitHub authentication session on every connection; without one the sidecar uses `GITHUB_TOKEN`
 * (or `GH_TOKEN`) from its environment. `null` forgets it.
 *
 * Direction: client -> sidecar. Sent by the extension and the tests.
 *
 * Params: `token` (or null).
 *
 * Result: `{}`.
 *
 * Errors:
 * - -32602 InvalidParams: `token`.
 * - -32002 InvalidState: admission only.
 */
export const SetGitHubToken = request(
  'foundry/setGitHubToken',
  z.object({
    /** A GitHub token; null forgets the one given. */
    token: z.string().min(1, 'token must not be empty').max(10_000).nullable(),
  }),
  Empty,
);

/** One branch of a repository, as the repository overview projection last saw it. */
export const BranchInfo = z.object({
  /** Its short name. */
  name: z.string(),
  /** Commits it has that the default branch lacks. */
  ahead: z.number(),
  /** Commits the default branch has that it lacks. */
  behind: z.number(),
  /** Its upstream (`origin/x`), when it has one. */
  upstream: z.string().optional(),
  /** Its last commit. */
  lastCommit: CommitInfo.optional(),
  /** The task whose branch it is. */
  taskId: z.string().optional(),
  /**
   * Its open (or last) pull request on GitHub. A task's own pull request comes from the PR
   * projection (checks and reviews included); another branch's from list-pulls alone (`checks`
   * `none`, no `reviewDecision`).
   */
  pullRequest: PullRequestInfo.optional(),
});
export type BranchInfo = z.infer<typeof BranchInfo>;

/** How fresh the repository overview is. */
export const OverviewFreshness = z.object({
  /** When the branches were last read, epoch milliseconds; null: never. */
  branchesAt: z.number().nullable(),
  /** When the pull requests were last read from GitHub; null: never (or no GitHub remote). */
  pullRequestsAt: z.number().nullable(),
  /** `refreshing`: a refresh job is queued or running; `stale`: older than a minute; `error`: the last refresh failed (`error`). */
  status: z.enum(['fresh', 'refreshing', 'stale', 'error']),
  /** Why the last refresh failed. */
  error: z.string().optional(),
});
export type OverviewFreshness = z.infer<typeof OverviewFreshness>;

/** A repository's branches and pull requests, from its cached projection. */
export const RepoOverview = z.object({
  repoId: z.string(),
  /** The default branch first, then by last commit, newest first. */
  branches: z.array(BranchInfo),
  freshness: OverviewFreshness,
});
export type RepoOverview = z.infer<typeof RepoOverview>;

/**
 * A repository's branches (each with ahead/behind, its task and its pull request) from the cached
 * overview projection, with its freshness. Never runs git or GitHub: a stale overview is answered
 * as it is (`status: 'stale'`); `foundry/refreshRepo` brings it up to date.
 *
 * Direction: client -> sidecar. Sent by the extension (Create Task from Branch or Pull Request),
 * the CLI and the tests.
 *
 * Params: `repoId`.
 *
 * Result: a RepoOverview.
 *
 * Errors:
 * - -32602 InvalidParams: `repoId`.
 * - -32001 NotFound: `repoId` names no repository.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const GetRepoOverview = request(
  'foundry/getRepoOverview',
  z.object({
    /** The repository. */
    repoId: id('repoId'),
  }),
  RepoOverview,
);

/**
 * Enqueue a refresh of a repository's overview (its branches, then its pull requests through
 * GitHub's list-pulls with a conditional request) and return at once. The new overview is pushed
 * as `foundry/repoOverviewUpdated`; a refresh already queued is not queued twice.
 *
 * Direction: client -> sidecar. Sent by the extension, the CLI and the tests.
 *
 * Params: `repoId`.
 *
 * Result: the overview's `freshness` (`refreshing`).
 *
 * Errors:
 * - -32602 InvalidParams: `repoId`.
 * - -32001 NotFound: `repoId` names no repository.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const RefreshRepo = request(
  'foundry/refreshRepo',
  z.object({
    /** The repository. */
    repoId: id('repoId'),
  }),
  OverviewFreshness,
);

/** A review comment on one line of a task's diff, kept in the sidecar until it is sent. */
export const ReviewComment = z.object({
  /** `rc_…`. */
  id: z.string(),
  taskId: z.string(),
  /** The file, relative to the worktree. */
  path: z.string(),
  /** 1-based line on that side. */
  line: z.number(),
  /** `modified`: the worktree's side of the diff; `original`: the base's (a removed line). */
  side: z.enum(['original', 'modified']),
  /** The line's text when the comment was added, quoted in the message. */
  lineText: z.string().optional(),
  text: z.string(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
});
export type ReviewComment = z.infer<typeof ReviewComment>;

const commentText = z.string().trim().min(1, 'text must not be empty').max(20_000, 'text is longer than 20,000 characters');

/**
 * Add a review comment on a line of a task's diff. Stored until sent, so it survives a reload;
 * the task's `reviewComments` count is pushed.
 *
 * Direction: client -> sidecar. Sent by the extension (the Comments API on `foundry:` diff
 * documents), the CLI and the tests.
 *
 * Params: `taskId`, `path`, `line`, `side` (default `modified`), `text`, optionally `lineText`.
 *
 * Result: the ReviewComment.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`, `path`, `line`, `side`, `text`, `lineText`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: the task is archived.
 * - -32603 Internal: the database failed.
 */
export const AddReviewComment = request(
  'foundry/addReviewComment',
  z.object({
    /** The task under review. */
    taskId: id('taskId'),
    /** The file, relative to the worktree. */
    path: worktreePath('path'),
    /** 1-based line. */
    line: z.number({ error: 'line must be a number' }).int().min(1, 'line must be 1 or more'),
    /** Which side of the diff; absent: `modified`. */
    side: z.enum(['original', 'modified'], { error: "side must be 'original' or 'modified'" }).optional(),
    /** The comment. */
    text: commentText,
    /** The line's text, quoted in the message. */
    lineText: z.string().max(2_000).optional(),
  }),
  ReviewComment,
);

/**
 * Change an unsent review comment's text.
 *
 * Direction: client -> sidecar. Sent by the extension, the CLI and the tests.
 *
 * Params: `commentId`, `text`.
 *
 * Result: the ReviewComment.
 *
 * Errors:
 * - -32602 InvalidParams: `commentId`, `text`.
 * - -32001 NotFound: `commentId` names no unsent comment.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const EditReviewComment = request(
  'foundry/editReviewComment',
  z.object({
    /** The comment. */
    commentId: id('commentId'),
    /** Its new text. */
    text: commentText,
  }),
  ReviewComment,
);

/**
 * Delete an unsent review comment.
 *
 * Direction: client -> sidecar. Sent by the extension, the CLI and the tests.
 *
 * Params: `commentId`.
 *
 * Result: `{}`.
 *
 * Errors:
 * - -32602 InvalidParams: `commentId`.
 * - -32001 NotFound: `commentId` names no unsent comment.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const DeleteReviewComment = request(
  'foundry/deleteReviewComment',
  z.object({
    /** The comment. */
    commentId: id('commentId'),
  }),
  Empty,
);

/**
 * A task's unsent review comments, by file then line, from the database.
 *
 * Direction: client -> sidecar. Sent by the extension (the comment threads of a diff), the CLI
 * and the tests.
 *
 * Params: `taskId`.
 *
 * Result: `comments`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const ListReviewComments = request(
  'foundry/listReviewComments',
  z.object({
    /** The task. */
    taskId: id('taskId'),
  }),
  z.object({
    /** By path, then line. */
    comments: z.array(ReviewComment),
  }),
);

/**
 * Send a task's unsent review comments to one of its sessions as ONE message, which quotes each
 * comment's file, line and text (one turn, not one per comment; queued like any message when a
 * turn runs). In the same transaction the comments are marked sent and leave the list.
 *
 * Direction: client -> sidecar. Sent by the extension (Send Review Comments), the CLI and the
 * tests.
 *
 * Params: `taskId`, `sessionId`; optionally `commentIds` (absent: all unsent) and `note` (a line
 * put before the comments).
 *
 * Result: `sent` (how many), `text` (the message), and `turnId`, `queued`, `messageId` as
 * `foundry/sendMessage` answers them.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`, `sessionId`, `commentIds`, `note`.
 * - -32001 NotFound: `taskId` or `sessionId` names nothing; the session is not the task's; a
 *   comment id names no unsent comment of the task.
 * - -32002 InvalidState: no unsent comment; the session cannot take a message (as
 *   `foundry/sendMessage`).
 * - -32603 Internal: the database failed.
 */
export const SendReviewComments = request(
  'foundry/sendReviewComments',
  z.object({
    /** The task whose comments to send. */
    taskId: id('taskId'),
    /** The session (chat tab) to send them to. */
    sessionId: id('sessionId'),
    /** Only these comments; absent: every unsent one. */
    commentIds: z.array(id('commentIds')).min(1, 'commentIds must not be empty').optional(),
    /** A line put before the comments. */
    note: z.string().max(20_000).optional(),
  }),
  z.object({
    /** How many comments the message carried. */
    sent: z.number(),
    /** The message, quoting each comment. */
    text: z.string(),
    /** `turn_…`, as `foundry/sendMessage` answers. */
    turnId: z.string(),
    /** The message waits in the session's queue (a turn was running). */
    queued: z.boolean(),
    /** The queued message (`msg_…`), when `queued`. */
    messageId: z.string().optional(),
  }),
);

/**
 * A task's checkpoints, oldest first, and which checkpoint each turn started from (the chat tab's
 * "Restore to here" at each user message), with the task's latest restore.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab), the CLI and the tests.
 *
 * Params: `taskId`.
 *
 * Result: `checkpoints`, `turns`, and `restore` (the latest restore, if any).
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`.
 * - -32001 NotFound: `taskId` names no task.
 * - -32002 InvalidState: admission only.
 * - -32603 Internal: the database failed.
 */
export const ListCheckpoints = request(
  'foundry/listCheckpoints',
  z.object({
    /** The task. */
    taskId: id('taskId'),
  }),
  z.object({
    /** Oldest first. */
    checkpoints: z.array(Checkpoint),
    /** Each turn's starting checkpoint, in the order the turns began. */
    turns: z.array(TurnCheckpoint),
    /** The task's latest restore. */
    restore: CheckpointRestore.optional(),
  }),
);

/**
 * Bring a task's worktree back to a checkpoint, byte-identical (files, index and branch HEAD;
 * regenerable folders untouched). Returns at once; the restore runs as a durable job that first
 * takes a `before_restore` checkpoint of the present, so it can itself be undone, and resumes
 * after a sidecar restart. Its progress and result come in `foundry/checkpointsUpdated`. Messages
 * sent meanwhile wait in the queue until it ends.
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's "Restore to here"), the CLI
 * and the tests.
 *
 * Params: `taskId`, `checkpointId`.
 *
 * Result: `{ status: 'queued', restoreId }`.
 *
 * Errors:
 * - -32602 InvalidParams: `taskId`, `checkpointId`.
 * - -32001 NotFound: `taskId` names no task, or `checkpointId` no checkpoint of it.
 * - -32002 InvalidState: a turn of the task runs (`running`: stop it first); a restore is already
 *   queued or running; the task has no worktree (provisioning, archived).
 * - -32603 Internal: the database failed.
 */
export const RestoreCheckpoint = request(
  'foundry/restoreCheckpoint',
  z.object({
    /** The task. */
    taskId: id('taskId'),
    /** The checkpoint to restore (`cp_…`). */
    checkpointId: id('checkpointId'),
  }),
  z.object({
    /** Always `queued`: the restore runs as a job. */
    status: z.literal('queued'),
    /** The restore (`rst_…`), as `foundry/checkpointsUpdated` reports it. */
    restoreId: z.string(),
  }),
);

/**
 * Undo a session's last turn: restore the checkpoint that turn started from, as
 * `foundry/restoreCheckpoint` does (a `before_restore` checkpoint first, then the job).
 *
 * Direction: client -> sidecar. Sent by the extension (the chat tab's "Undo Last Turn"), the CLI
 * and the tests.
 *
 * Params: `sessionId`.
 *
 * Result: `{ status: 'queued', restoreId, checkpointId }`.
 *
 * Errors:
 * - -32602 InvalidParams: `sessionId`.
 * - -32001 NotFound: `sessionId` names no session.
 * - -32002 InvalidState: the session has no turn with a checkpoint before it (`no_checkpoint`), a
 *   turn of the task runs, a restore is queued or running, or the task has no worktree.
 * - -32603 Internal: the database failed.
 */
export const UndoLastTurn = request(
  'foundry/undoLastTurn',
  z.object({
    /** The session (chat tab). */
    sessionId: id('sessionId'),
  }),
  z.object({
    /** Always `queued`: the restore runs as a job. */
    status: z.literal('queued'),
    /** The restore (`rst_…`). */
    restoreId: z.string(),
    /** The checkpoint being restored. */
    checkpointId: z.string(),
  }),
);

export const Requests = {
  Ping,
  AddRepo,
  CreateTask,
  GetWorkbench,
  CreateWorkbenchSession,
  SendMessage,
  CancelTurn,
  ReplyPermission,
  GetTranscript,
  SubscribeSession,
  UnsubscribeSession,
  GetTaskLog,
  RenameTask,
  ArchiveTask,
  UnarchiveTask,
  DeleteTask,
  UndoDeleteTask,
  GetCleanupInventory,
  RunCleanup,
  RetryTask,
  RetrySession,
  CloseWorkbenchSession,
  RenameWorkbenchSession,
  MarkSessionRead,
  HandOver,
  ImportDatabases,
  SetSessionMode,
  SetSessionModel,
  EditQueuedMessage,
  RemoveQueuedMessage,
  SendQueued,
  HandoffSession,
  ListAgents,
  InstallAgent,
  SetCredentials,
  SetProviderCredentials,
  GetFileChanges,
  GetFileDiff,
  GetFileTree,
  RevertFile,
  UndoRevert,
  RunRepoAction,
  ListRepoActions,
  ProposeCommitMessage,
  SetGitHubToken,
  GetRepoOverview,
  RefreshRepo,
  AddReviewComment,
  EditReviewComment,
  DeleteReviewComment,
  ListReviewComments,
  SendReviewComments,
  ListCheckpoints,
  RestoreCheckpoint,
  UndoLastTurn,
} as const;

/** One of the contract's JSON-RPC error codes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The error codes each request can answer, by request: the machine-readable form of the Errors
 * in each request's doc comment (test/server/protocol-doc.test.mjs checks that both agree, and
 * that the sidecar answers them).
 */
export const RequestErrors: Record<keyof typeof Requests, readonly ErrorCode[]> = {
  Ping: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState],
  AddRepo: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState, ErrorCodes.Internal],
  CreateTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  GetWorkbench: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState, ErrorCodes.Internal],
  CreateWorkbenchSession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SendMessage: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  CancelTurn: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ReplyPermission: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  GetTranscript: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SubscribeSession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  UnsubscribeSession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  GetTaskLog: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RenameTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ArchiveTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  UnarchiveTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  DeleteTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  UndoDeleteTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  GetCleanupInventory: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RunCleanup: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RetryTask: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RetrySession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  CloseWorkbenchSession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RenameWorkbenchSession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  MarkSessionRead: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  HandOver: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState],
  ImportDatabases: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SetSessionMode: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SetSessionModel: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  EditQueuedMessage: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RemoveQueuedMessage: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SendQueued: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  HandoffSession: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ListAgents: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState],
  InstallAgent: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState],
  SetCredentials: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState],
  SetProviderCredentials: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState],
  GetFileChanges: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  GetFileDiff: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  GetFileTree: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RevertFile: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  UndoRevert: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RunRepoAction: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ListRepoActions: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ProposeCommitMessage: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SetGitHubToken: [ErrorCodes.InvalidParams, ErrorCodes.InvalidState],
  GetRepoOverview: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RefreshRepo: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  AddReviewComment: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  EditReviewComment: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  DeleteReviewComment: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ListReviewComments: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  SendReviewComments: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  ListCheckpoints: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  RestoreCheckpoint: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
  UndoLastTurn: [ErrorCodes.InvalidParams, ErrorCodes.NotFound, ErrorCodes.InvalidState, ErrorCodes.Internal],
};

// ---------------------------------------------------------------------------
// Notifications (sidecar -> client)
// ---------------------------------------------------------------------------

/**
 * New or changed tasks as whole summaries. `version` grows by one per notification;
 * a client drops versions <= its bootstrap and bootstraps again on a gap.
 *
 * Sent after each committed change (coalesced); a settled workbench sends nothing.
 *
 * Direction: sidecar -> client, to every ready connection (after `initialized`). Heard by the
 * extension's workbench store, the CLI (`foundry watch`) and the tests.
 *
 * Params: `version`, `tasks`, `removedTaskIds`; `repos` and `removedRepoIds` when any.
 */
export const WorkbenchUpdated = notification(
  'foundry/workbenchUpdated',
  z.object({
    /** Persisted; one more than the previous notification's. */
    version: z.number(),
    /** New or changed tasks, whole. */
    tasks: z.array(TaskSummary),
    /** Tasks gone: purged (`foundry/runCleanup`). An archived or deleted task stays, as `archived` / `deleted`. */
    removedTaskIds: z.array(z.string()),
    /** Repositories added or changed, when any. */
    repos: z.array(Repo).optional(),
    /** Repositories gone, when any: a duplicate row merged into the row of the same repository. */
    removedRepoIds: z.array(z.string()).optional(),
  }),
);
export type WorkbenchUpdatedParams = z.infer<typeof WorkbenchUpdated.params>;

/**
 * Transcript events, only to clients subscribed to that session.
 *
 * Direction: sidecar -> client, to the ready connections subscribed to the session
 * (`foundry/subscribeSession`). Heard by the extension's chat tabs and the tests.
 *
 * Params: `sessionId` and `events`.
 */
export const TranscriptAppended = notification(
  'foundry/transcriptAppended',
  z.object({
    /** The session the events belong to. */
    sessionId: z.string(),
    /** New TranscriptEvents, in `seq` order. */
    events: z.array(TranscriptEvent),
  }),
);
export type TranscriptAppendedParams = z.infer<typeof TranscriptAppended.params>;

/**
 * Whether the sidecar has background work: pushed only when `quiescent` flips. Quiescent
 * means no job is queued or running, no turn is in progress and no turn's checkpoint is being
 * written - then nothing more is sent
 * until something changes. Lets a status bar show a spinner and tests wait for "settled".
 *
 * Direction: sidecar -> client, to every ready connection: once right after its `initialized`,
 * then on each flip. Heard by the extension's status bar, the CLI (`foundry watch`) and the tests.
 *
 * Params: `quiescent`, `jobs` and `turns`.
 */
export const ServerStatus = notification(
  'foundry/serverStatus',
  z.object({
    /** No job queued or running, no turn in progress, no turn checkpoint being written. */
    quiescent: z.boolean(),
    /** Jobs queued or running, and turn checkpoints being written. */
    jobs: z.number(),
    /** Turns in progress. */
    turns: z.number(),
  }),
);
export type ServerStatusParams = z.infer<typeof ServerStatus.params>;

/**
 * The sidecar is draining and will exit: sent to every client first, so a planned exit (a
 * hand-over to a newer version, a restart, SIGTERM) is never mistaken for a crash. Clients
 * reconnect to (or start) the next sidecar without alarming the user.
 *
 * Direction: sidecar -> client, to every ready connection when a drain begins (see Lifecycle).
 * Heard by the extension and the tests.
 *
 * Params: `reason` and `detail`.
 */
export const SidecarExiting = notification(
  'foundry/sidecarExiting',
  z.object({
    /**
     * `hand_over`: a newer client's `foundry/handOver`; `restart`: a `restart` hand-over; `idle`:
     * no client and nothing running (`--listen`); `signal`: SIGTERM, SIGINT or SIGHUP;
     * `shutdown`: the `--stdio` client's shutdown, exit or disconnection.
     */
    reason: z.enum(['hand_over', 'restart', 'idle', 'signal', 'shutdown']),
    /** For the log: the signal's name, the version taking over, ... */
    detail: z.string().optional(),
  }),
);
export type SidecarExitingParams = z.infer<typeof SidecarExiting.params>;

/**
 * The agents changed: an install progressed, finished or failed, or credentials arrived. Whole
 * AgentInfo list, as `foundry/listAgents` answers it. Never carries a credential's value.
 *
 * Direction: sidecar -> client, to every ready connection. Heard by the extension (Configure Agent,
 * tasks waiting on an install) and the tests.
 *
 * Params: `agents`.
 */
export const AgentsUpdated = notification(
  'foundry/agentsUpdated',
  z.object({
    /** Every agent, as `foundry/listAgents` answers. */
    agents: z.array(AgentInfo),
  }),
);
export type AgentsUpdatedParams = z.infer<typeof AgentsUpdated.params>;

/**
 * A repository action's row moved (queued, running with progress, succeeded or failed). Whole
 * RepoAction, as `foundry/listRepoActions` answers it.
 *
 * Direction: sidecar -> client, to every ready connection. Heard by the extension (the status bar,
 * the action's progress notification, the explorer), the CLI (`foundry watch`) and the tests.
 *
 * Params: `action`.
 */
export const RepoActionUpdated = notification(
  'foundry/repoActionUpdated',
  z.object({
    /** The action's row, whole. */
    action: RepoAction,
  }),
);
export type RepoActionUpdatedParams = z.infer<typeof RepoActionUpdated.params>;

/**
 * A repository's overview changed (a refresh started, landed or failed). Whole RepoOverview, as
 * `foundry/getRepoOverview` answers it. A refresh that finds nothing new (GitHub's 304) pushes only
 * when the freshness status flips.
 *
 * Direction: sidecar -> client, to every ready connection. Heard by the extension and the tests.
 *
 * Params: `overview`.
 */
export const RepoOverviewUpdated = notification(
  'foundry/repoOverviewUpdated',
  z.object({
    /** The overview, whole. */
    overview: RepoOverview,
  }),
);
export type RepoOverviewUpdatedParams = z.infer<typeof RepoOverviewUpdated.params>;

/**
 * A task's checkpoints or its latest restore changed (a turn's checkpoint landed, a restore was
 * queued, started, finished or failed), or a turn's checkpoint was skipped as unchanged
 * (`turnChecked`). The same lists `foundry/listCheckpoints` answers.
 *
 * Direction: sidecar -> client, to every ready connection. Heard by the extension (the chat tab's
 * checkpoint markers and restore result) and the tests.
 *
 * Params: `taskId`, `checkpoints`, `turns`, optionally `restore` and `turnChecked`.
 */
export const CheckpointsUpdated = notification(
  'foundry/checkpointsUpdated',
  z.object({
    /** The task. */
    taskId: z.string(),
    /** Oldest first. */
    checkpoints: z.array(Checkpoint),
    /** Each turn's starting checkpoint. */
    turns: z.array(TurnCheckpoint),
    /** The task's latest restore. */
    restore: CheckpointRestore.optional(),
    /**
     * The end-of-turn checkpoint this push reports on: `unchanged` when nothing had changed since
     * the task's last checkpoint, so none was written (pushed all the same: the attempt is over).
     */
    turnChecked: z.object({ turnId: z.string(), unchanged: z.boolean() }).optional(),
  }),
);
export type CheckpointsUpdatedParams = z.infer<typeof CheckpointsUpdated.params>;

export const Notifications = { WorkbenchUpdated, TranscriptAppended, ServerStatus, SidecarExiting, AgentsUpdated, RepoActionUpdated, RepoOverviewUpdated, CheckpointsUpdated } as const;

export type Workbench = ResultOf<typeof GetWorkbench>;
