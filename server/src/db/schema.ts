/** Row types of the sidecar's SQLite tables (kysely's database interface). */
export interface RepoRow {
  id: string;
  name: string;
  path: string;
  default_branch: string;
  setup_script: string | null;
  /** JSON string[]: git-ignored files (e.g. `.env`) copied from the main checkout into each new worktree (pool/copyIgnored). */
  copy_ignored?: string | null;
  /** Run in a task's worktree before archive snapshots and removes it; null = none. */
  teardown_script?: string | null;
  /** Its tasks' worktrees' disk use (bytes), measured in the background; null = not yet. */
  disk_bytes?: number | null;
  /** JSON array of folder names snapshots leave out; null = DEFAULT_REGENERABLE_FOLDERS. */
  regenerable_folders?: string | null;
  /** Where its new tasks' sandboxes live: 'local' | 'daytona'. */
  provider?: string;
  created_at: number;
}

export interface TaskRow {
  id: string;
  repo_id: string;
  title: string;
  prompt: string;
  branch: string;
  /** Whether the user chose the branch (ensure_name keeps it exact, and fails if git has it already). */
  branch_explicit: number;
  base_ref: string | null;
  status: string;
  status_message: string | null;
  error_message: string | null;
  /** The stage that failed, for retryTask. */
  failed_stage: string | null;
  agent: string;
  model: string | null;
  worktree_path: string | null;
  /**
   * The setup script init_create_sandbox runs, snapshotted from the repository when the task is
   * created or retried, so a later addRepo cannot change it mid-flight. '' = none; null = a task
   * from before snapshots (the repository's current script).
   */
  setup_script: string | null;
  changes_files: number;
  changes_added: number;
  changes_removed: number;
  /** The final agent message of the task's last finished turn (bounded), for the proposed commit message. */
  last_summary?: string | null;
  /** createTask `fromBranch`: the existing branch the task attached to (init_attach_branch). */
  from_branch?: string | null;
  /** createTask `fromPullRequest`: the pull request whose head the task's branch was fetched from. */
  from_pull_request?: number | null;
  /** The pool entry createTask leased for it (pool/); its provisioning adopts that worktree. */
  pool_entry_id?: string | null;
  /** The archive or delete snapshot holding the worktree's whole state (jobs/archive.ts, jobs/deleteTask.ts). */
  snapshot_commit?: string | null;
  /** JSON string[]: the regenerable folders that snapshot left out. */
  snapshot_excluded?: string | null;
  /** When it was archived or deleted (epoch ms). */
  shelved_at?: number | null;
  /** 1: the archive skips the teardown script ("Archive anyway"). */
  skip_teardown?: number;
  /** Its worktree's disk use (bytes), measured in the background; null = not yet. */
  disk_bytes?: number | null;
  /** Where its sandbox lives: 'local' | 'daytona' (providers/). */
  provider?: string;
  created_at: number;
  updated_at: number;
}

export interface SessionRow {
  id: string;
  task_id: string;
  name: string;
  agent: string;
  model: string | null;
  status: string;
  unread: number;
  error_message: string | null;
  /** The agent's own ACP session id (internal). */
  acp_session_id: string | null;
  /** Whether this is the task's first session (its prompt is turn one). */
  is_first: number;
  first_prompt_sent: number;
  /** Turn in progress, if any. */
  turn_id: string | null;
  /** JSON PendingPermission while the session is `needs_input`, else null. */
  pending_permission?: string | null;
  /** ApprovalPolicy or an agent mode id. */
  mode?: string;
  /** JSON AgentConfig (agents/agentConfig.ts): the modes and models the agent reported. */
  agent_config?: string | null;
  /** 1 while a turn has sent nothing for the stall delay. */
  stalled?: number;
  /** 1 after Stop or a failed turn, until the user sends again or resumes the queue. */
  queue_paused?: number;
  /** The session this one continues (`foundry/handoffSession`), until its digest is queued. */
  handoff_from?: string | null;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface QueuedMessageRow {
  id: string;
  session_id: string;
  position: number;
  turn_id: string;
  text: string;
  /** 1 once its turn started; the row goes when its session/prompt is in the transcript. */
  dispatched: number;
  created_at: number;
}

export interface TranscriptRow {
  session_id: string;
  seq: number;
  at: number;
  sender: string;
  payload: string;
}

export interface JobRow {
  id: number;
  kind: string;
  /** Task id (provision, changes, archive), session id (create_session) or action id (repo_action). */
  subject: string;
  /**
   * The task the job writes to: jobs of one task never run at once. Jobs not of one task use a key
   * of their own: `agent:<id>` (install_agent), `repo:<repoId>` (repo_action: one at a time per repository).
   */
  task_id: string;
  step: string | null;
  attempts: number;
  status: string;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export interface HistoryRow {
  id: number;
  task_id: string;
  at: number;
  kind: string;
  stage: string | null;
  duration_ms: number | null;
  message: string | null;
}

export interface ProcessRow {
  /** Process group id (= pid of the group leader). */
  pgid: number;
  owner: string;
  kind: string;
  /** The leader's identity at spawn (effects/identity.ts); null when it could not be read. */
  boot_id: string | null;
  start_time: string | null;
}

/** One changed file of a task against its base (the changes projection). */
export interface TaskFileRow {
  task_id: string;
  path: string;
  /** FileChangeStatus. */
  status: string;
  added: number;
  removed: number;
  old_path: string | null;
  binary: number;
  untracked: number;
}

/** A task branch's git state (the changes projection); `refreshes` counts its runs. */
export interface TaskGitRow {
  task_id: string;
  ahead: number;
  behind: number;
  upstream_ref: string | null;
  upstream_ahead: number | null;
  upstream_behind: number | null;
  /** 1 clean, 0 conflicts, null not known. */
  merges_cleanly: number | null;
  last_commit_sha: string | null;
  last_commit_subject: string | null;
  last_commit_at: number | null;
  refreshed_at: number;
  /** How long the last refresh's git work took. */
  refresh_ms: number;
  refreshes: number;
  /** Files changed since HEAD, untracked ones included; null = not known yet. */
  uncommitted?: number | null;
}

/** One repository action (foundry/runRepoAction): a durable job's row, pushed as it moves. */
export interface RepoActionRow {
  /** `act_…`. */
  id: string;
  repo_id: string;
  /** null for a repository-wide action (`fetch` by repoId). */
  task_id: string | null;
  /** RepoActionKind. */
  kind: string;
  /** RepoActionStatus. */
  status: string;
  message: string | null;
  /** JSON string[]: the conflicting files. */
  conflicts: string | null;
  /** JSON RepoAction['result']. */
  result: string | null;
  /** JSON: the request's params for its kind (message, title, body, draft, mergeMethod); never a secret. */
  params: string;
  created_at: number;
  updated_at: number;
}

/** A revertFile that Undo Revert can restore from `refs/foundry/reverts/<task_id>/<id>`. */
export interface TaskRevertRow {
  id: string;
  task_id: string;
  path: string;
  old_path: string | null;
  /** 1 if the file existed before the revert. */
  existed: number;
  /** The file's blob id as the revert left it; null = absent. */
  after: string | null;
  created_at: number;
}

/** A review comment on one line of a task's diff; `sent_at` once a message carried it. */
export interface ReviewCommentRow {
  id: string;
  task_id: string;
  path: string;
  line: number;
  /** `original` | `modified`. */
  side: string;
  line_text: string | null;
  text: string;
  created_at: number;
  sent_at: number | null;
  /** The turn of the message that carried it. */
  sent_turn_id: string | null;
}

export interface MetaRow {
  key: string;
  value: string;
}

/** A task's pull request, as the PR projection last read it (github/pullRequests.ts). */
export interface TaskPullRequestRow {
  task_id: string;
  repo_id: string;
  number: number;
  url: string;
  title: string;
  /** PullRequestInfo['state']. */
  state: string;
  /** The head commit the checks were read for. */
  head_sha: string | null;
  /** JSON PullRequestChecks. */
  checks: string;
  review_decision: string | null;
  /** 1 while the pull names requested reviewers (review_required when nobody decided yet). */
  reviewers_requested: number;
  refreshed_at: number;
  /** The ETags of the last 200s: GET pull, its head's check runs (of `checks_sha`), its reviews. */
  pull_etag: string | null;
  checks_etag: string | null;
  checks_sha: string | null;
  reviews_etag: string | null;
}

/** A repository's overview projection (github/overview.ts). */
export interface RepoOverviewRow {
  repo_id: string;
  /** JSON BranchInfo[] as git read them (no pull requests: those join at read time). */
  branches: string;
  branches_at: number | null;
  /** JSON OverviewPull[]: list-pulls, newest first. */
  pull_requests: string;
  pull_requests_at: number | null;
  pulls_etag: string | null;
  /** Why the last refresh failed; null when it did not. */
  error: string | null;
}

/** One worktree of a repository's instant sandbox pool (migration 13; pool/poolStore.ts). */
export interface PoolEntryRow {
  id: string;
  repo_id: string;
  /** creating | ready | failed | leased */
  status: string;
  worktree_path: string;
  /** `foundry/pool/<id>` until leased; then renamed to the task's branch. */
  branch: string;
  base_ref: string | null;
  /** sha256 of the setup script it ran ('' hashes too). */
  setup_hash: string;
  /** `git status --porcelain` once the setup script finished. */
  status_digest: string | null;
  task_id: string | null;
  attempts: number;
  error: string | null;
  retry_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface CheckpointRow {
  id: string;
  task_id: string;
  session_id: string | null;
  turn_id: string | null;
  kind: 'start' | 'turn' | 'before_restore';
  /** 1, 2, … per task: the ref's last segment. */
  seq: number;
  commit_sha: string;
  ref: string;
  files: number;
  bytes: number;
  /** JSON string[]. */
  excluded: string;
  created_at: number;
}

export interface TurnCheckpointRow {
  turn_id: string;
  session_id: string;
  task_id: string;
  checkpoint_id: string;
  started_at: number;
}

export interface CheckpointRestoreRow {
  id: string;
  task_id: string;
  checkpoint_id: string;
  session_id: string | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  before_checkpoint_id: string | null;
  written: number | null;
  removed: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** A remote task's sandbox, as its provider last saw it (providers/daytona/). */
export interface SandboxRow {
  task_id: string;
  provider: string;
  /** The provider's id, once allocated (found again by the task's label before any create). */
  sandbox_id: string | null;
  /** shared/protocol.ts SandboxState. */
  state: string;
  /** The repository's folder inside the sandbox (the agents' cwd). */
  workdir: string | null;
  /** The port sandbox-agent listens on inside the sandbox. */
  agent_port: number | null;
  /** sandbox-agent's preview URL (its token is never stored). */
  endpoint_url: string | null;
  /** When it last started (epoch ms), while started. */
  started_at: number | null;
  /** Uptime counted up to its last stop (ms). */
  uptime_ms: number;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  sandboxes: SandboxRow;
  pool_entries: PoolEntryRow;
  repos: RepoRow;
  tasks: TaskRow;
  sessions: SessionRow;
  queued_messages: QueuedMessageRow;
  transcript: TranscriptRow;
  jobs: JobRow;
  task_history: HistoryRow;
  processes: ProcessRow;
  meta: MetaRow;
  task_files: TaskFileRow;
  task_git: TaskGitRow;
  task_reverts: TaskRevertRow;
  repo_actions: RepoActionRow;
  task_pull_requests: TaskPullRequestRow;
  repo_overviews: RepoOverviewRow;
  review_comments: ReviewCommentRow;
  checkpoints: CheckpointRow;
  turn_checkpoints: TurnCheckpointRow;
  checkpoint_restores: CheckpointRestoreRow;
}
