/**
 * Versioned schema migrations. Each entry runs once, in order, inside a transaction;
 * `PRAGMA user_version` records how many ran. Append only - never edit a shipped one.
 */
export const migrations: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('workbench_version', '0');
  CREATE TABLE repos (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL UNIQUE,
    default_branch TEXT NOT NULL, setup_script TEXT, created_at INTEGER NOT NULL
  );
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY, repo_id TEXT NOT NULL REFERENCES repos(id), title TEXT NOT NULL,
    prompt TEXT NOT NULL, branch TEXT NOT NULL, branch_explicit INTEGER NOT NULL DEFAULT 0,
    base_ref TEXT, status TEXT NOT NULL, status_message TEXT, error_message TEXT, failed_stage TEXT,
    agent TEXT NOT NULL, model TEXT, worktree_path TEXT,
    changes_files INTEGER NOT NULL DEFAULT 0, changes_added INTEGER NOT NULL DEFAULT 0,
    changes_removed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX tasks_repo ON tasks(repo_id);
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY, task_id TEXT NOT NULL REFERENCES tasks(id), name TEXT NOT NULL,
    agent TEXT NOT NULL, model TEXT, status TEXT NOT NULL, unread INTEGER NOT NULL DEFAULT 0,
    error_message TEXT, acp_session_id TEXT, is_first INTEGER NOT NULL DEFAULT 0,
    first_prompt_sent INTEGER NOT NULL DEFAULT 0, turn_id TEXT, position INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_task ON sessions(task_id);
  CREATE TABLE transcript (
    session_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, sender TEXT NOT NULL,
    payload TEXT NOT NULL, PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subject TEXT NOT NULL,
    task_id TEXT NOT NULL, step TEXT, attempts INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_open ON jobs(status) WHERE status IN ('queued', 'running');
  CREATE TABLE task_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, at INTEGER NOT NULL,
    kind TEXT NOT NULL, stage TEXT, duration_ms INTEGER, message TEXT
  );
  CREATE INDEX task_history_task ON task_history(task_id);
  CREATE TABLE processes (
    pgid INTEGER PRIMARY KEY, owner TEXT NOT NULL, kind TEXT NOT NULL, started_at INTEGER NOT NULL
  );
  `,
  // 2: branch lookups for createTask's uniqueness check are point queries
  `CREATE INDEX tasks_repo_branch ON tasks(repo_id, branch); DROP INDEX tasks_repo;`,
  // 3: a recorded process group names its leader's identity (boot id and start time), so a
  // reused pid is never signalled; started_at was never read. Rows from before have no
  // identity and are forgotten unsignalled on the next start.
  `
  ALTER TABLE processes DROP COLUMN started_at;
  ALTER TABLE processes ADD COLUMN boot_id TEXT;
  ALTER TABLE processes ADD COLUMN start_time TEXT;
  `,
  // 4: the setup script a task runs, snapshotted when it is created or retried ('' = none;
  // NULL for tasks from before, which read the repository's current script).
  `ALTER TABLE tasks ADD COLUMN setup_script TEXT;`,
  // 5: the agent's permission request waiting for the user (JSON PendingPermission; NULL = none),
  // so a window reload and the lists show it without reading transcripts.
  `ALTER TABLE sessions ADD COLUMN pending_permission TEXT;`,
  // 6: modes, models and the durable message queue. `mode` is the session's approval policy (or an
  // agent mode id); `agent_config` caches what the agent reported in session/new (JSON AgentConfig);
  // `stalled` flips while a turn is silent; `queue_paused` after Stop or a failed turn; `handoff_from`
  // names the session a handoff continues (its digest is queued when the agent session is created). A queued
  // message keeps its row until its session/prompt is in the transcript (`dispatched` while it is
  // on its way), so a crash never loses it.
  `
  ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'ask';
  ALTER TABLE sessions ADD COLUMN agent_config TEXT;
  ALTER TABLE sessions ADD COLUMN stalled INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN queue_paused INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN handoff_from TEXT;
  CREATE TABLE queued_messages (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id), position INTEGER NOT NULL,
    turn_id TEXT NOT NULL, text TEXT NOT NULL, dispatched INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX queued_messages_session ON queued_messages(session_id, position);
  `,
  // 7: the changes projection's detail: per task, its changed files against the base and its
  // branch's git state (ahead/behind, upstream, merges cleanly, last commit; `refreshes` counts
  // the projection's runs, `refresh_ms` is the last one's git time), and the reverts Undo Revert can restore (`after`: the file's blob id
  // as the revert left it, NULL = absent).
  `
  CREATE TABLE task_files (
    task_id TEXT NOT NULL, path TEXT NOT NULL, status TEXT NOT NULL, added INTEGER NOT NULL,
    removed INTEGER NOT NULL, old_path TEXT, binary INTEGER NOT NULL DEFAULT 0,
    untracked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (task_id, path)
  ) WITHOUT ROWID;
  CREATE TABLE task_git (
    task_id TEXT PRIMARY KEY, ahead INTEGER NOT NULL, behind INTEGER NOT NULL, upstream_ref TEXT,
    upstream_ahead INTEGER, upstream_behind INTEGER, merges_cleanly INTEGER, last_commit_sha TEXT,
    last_commit_subject TEXT, last_commit_at INTEGER, refreshed_at INTEGER NOT NULL,
    refresh_ms INTEGER NOT NULL DEFAULT 0, refreshes INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE task_reverts (
    id TEXT PRIMARY KEY, task_id TEXT NOT NULL, path TEXT NOT NULL, old_path TEXT,
    existed INTEGER NOT NULL, after TEXT, created_at INTEGER NOT NULL
  );
  CREATE INDEX task_reverts_task ON task_reverts(task_id);
  `,
  // 8: repository actions (foundry/runRepoAction), each a durable job: its row keeps the status,
  // the message (progress, then what happened or why it failed), the conflicting files, the
  // result and the params it was asked with (JSON; never a secret). The agent's last summary (the
  // final message of the task's last finished turn, for the proposed commit message), and the
  // projection's count of files changed since HEAD (what a commit would take; NULL = not known).
  `
  CREATE TABLE repo_actions (
    id TEXT PRIMARY KEY, repo_id TEXT NOT NULL, task_id TEXT, kind TEXT NOT NULL, status TEXT NOT NULL,
    message TEXT, conflicts TEXT, result TEXT, params TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX repo_actions_task ON repo_actions(task_id, created_at);
  CREATE INDEX repo_actions_repo ON repo_actions(repo_id, created_at);
  ALTER TABLE tasks ADD COLUMN last_summary TEXT;
  ALTER TABLE task_git ADD COLUMN uncommitted INTEGER;
  `,
  // 9: GitHub. Each task's pull request as the PR projection last read it (state, checks as JSON
  // PullRequestChecks, review decision, whether reviewers are requested) with the ETags of its three
  // conditional reads (the pull, the check runs of `checks_sha`, the reviews); and each
  // repository's overview projection: its branches (JSON BranchInfo[] without pull requests) and
  // its pull requests from list-pulls (JSON, with the list's ETag), each with when it was read and
  // the last refresh's error. Never a token.
  `
  CREATE TABLE task_pull_requests (
    task_id TEXT PRIMARY KEY, repo_id TEXT NOT NULL, number INTEGER NOT NULL, url TEXT NOT NULL,
    title TEXT NOT NULL, state TEXT NOT NULL, head_sha TEXT, checks TEXT NOT NULL,
    review_decision TEXT, reviewers_requested INTEGER NOT NULL DEFAULT 0, refreshed_at INTEGER NOT NULL,
    pull_etag TEXT, checks_etag TEXT, checks_sha TEXT, reviews_etag TEXT
  );
  CREATE INDEX task_pull_requests_repo ON task_pull_requests(repo_id, state);
  CREATE TABLE repo_overviews (
    repo_id TEXT PRIMARY KEY, branches TEXT NOT NULL DEFAULT '[]', branches_at INTEGER,
    pull_requests TEXT NOT NULL DEFAULT '[]', pull_requests_at INTEGER, pulls_etag TEXT, error TEXT
  );
  `,
  // 10: review comments kept until sent (issue 8): one row per comment on a line of a task's diff;
  // `sent_at` / `sent_turn_id` once foundry/sendReviewComments put it in a message (the row stays,
  // so the transcript's message can be traced back). And a task started from an existing branch
  // or pull request (createTask fromBranch / fromPullRequest) keeps where it came from: its
  // provisioning walks init_attach_branch first.
  `
  CREATE TABLE review_comments (
    id TEXT PRIMARY KEY, task_id TEXT NOT NULL REFERENCES tasks(id), path TEXT NOT NULL,
    line INTEGER NOT NULL, side TEXT NOT NULL, line_text TEXT, text TEXT NOT NULL,
    created_at INTEGER NOT NULL, sent_at INTEGER, sent_turn_id TEXT
  );
  CREATE INDEX review_comments_unsent ON review_comments(task_id, path, line) WHERE sent_at IS NULL;
  ALTER TABLE tasks ADD COLUMN from_branch TEXT;
  ALTER TABLE tasks ADD COLUMN from_pull_request INTEGER;
  `,
  // 11: checkpoints (issue 9). A repository's regenerable folders (JSON array of names; NULL = the
  // defaults). One row per snapshot of a task's worktree kept as a checkpoint (`kind` start | turn |
  // before_restore; the commit under `ref`, refs/foundry/checkpoints/<taskId>/<n>; `excluded`: JSON
  // array of the regenerable folders left out). `turn_checkpoints`: which checkpoint each turn began
  // from (written with the turn's start, no git). `checkpoint_restores`: each restore, a durable job.
  `
  ALTER TABLE repos ADD COLUMN regenerable_folders TEXT;
  CREATE TABLE checkpoints (
    id TEXT PRIMARY KEY, task_id TEXT NOT NULL, session_id TEXT, turn_id TEXT, kind TEXT NOT NULL,
    seq INTEGER NOT NULL, commit_sha TEXT NOT NULL, ref TEXT NOT NULL, files INTEGER NOT NULL,
    bytes INTEGER NOT NULL, excluded TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL
  );
  CREATE INDEX checkpoints_task ON checkpoints(task_id, seq);
  CREATE TABLE turn_checkpoints (
    turn_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, task_id TEXT NOT NULL,
    checkpoint_id TEXT NOT NULL, started_at INTEGER NOT NULL
  );
  CREATE INDEX turn_checkpoints_session ON turn_checkpoints(session_id, started_at);
  CREATE INDEX turn_checkpoints_task ON turn_checkpoints(task_id, started_at);
  CREATE TABLE checkpoint_restores (
    id TEXT PRIMARY KEY, task_id TEXT NOT NULL, checkpoint_id TEXT NOT NULL, session_id TEXT,
    status TEXT NOT NULL, before_checkpoint_id TEXT, written INTEGER, removed INTEGER, error TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX checkpoint_restores_task ON checkpoint_restores(task_id, created_at);
  `,
  // 12: archive, delete with undo, purge, bounded disk (issue 9). A repository's teardown script
  // (archive runs it before the snapshot); per task the snapshot commit holding its worktree's
  // whole state once archived or deleted (`refs/foundry/archive/<id>`, `refs/foundry/deleted/<id>/snapshot`)
  // with the regenerable folders it left out (JSON string[]), when it was shelved, whether the
  // archive skips the teardown script ("Archive anyway"), and disk use measured in the background
  // (bytes; NULL = not measured).
  `
  ALTER TABLE repos ADD COLUMN teardown_script TEXT;
  ALTER TABLE repos ADD COLUMN disk_bytes INTEGER;
  ALTER TABLE tasks ADD COLUMN snapshot_commit TEXT;
  ALTER TABLE tasks ADD COLUMN snapshot_excluded TEXT;
  ALTER TABLE tasks ADD COLUMN shelved_at INTEGER;
  ALTER TABLE tasks ADD COLUMN skip_teardown INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN disk_bytes INTEGER;
  `,
  // 13: the instant sandbox pool (server/src/pool/). One row per pool worktree of a repository:
  // `creating` (its worktree and setup script under way), `ready`, `failed` (its setup script
  // failed: the worktree is gone, the row keeps the backoff, `retry_at`), `leased` (it belongs to
  // `task_id` for good: never reaped, never reassigned; UNIQUE so no two tasks share one). The
  // entry's base commit and the hash of the setup script it ran decide whether it is stale;
  // `status_digest` is `git status --porcelain` once setup finished (a lease finding it changed
  // treats the entry as broken). A task records the entry it leased (`pool_entry_id`). And a
  // repository's ignored files copied into each new worktree (`copy_ignored`, JSON string[]).
  `
  CREATE TABLE pool_entries (
    id TEXT PRIMARY KEY, repo_id TEXT NOT NULL REFERENCES repos(id), status TEXT NOT NULL,
    worktree_path TEXT NOT NULL, branch TEXT NOT NULL, base_ref TEXT, setup_hash TEXT NOT NULL,
    status_digest TEXT, task_id TEXT UNIQUE, attempts INTEGER NOT NULL DEFAULT 0, error TEXT,
    retry_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE INDEX pool_entries_repo ON pool_entries(repo_id, status);
  ALTER TABLE tasks ADD COLUMN pool_entry_id TEXT;
  ALTER TABLE repos ADD COLUMN copy_ignored TEXT;
  `,
  // 14: sandbox providers (issue 10). Where a repository's new tasks and each task live (`local`
  // worktrees, `daytona` sandboxes), and per remote task its sandbox as the provider last saw it:
  // the provider's sandbox id (found again by its label, never created twice), its state, the
  // work dir of the repository inside it, the port sandbox-agent listens on and its preview URL
  // (the endpoint; its token is never stored: a new one is asked on each attach), and the uptime
  // counted so far (a rough cost indicator).
  `
  ALTER TABLE repos ADD COLUMN provider TEXT NOT NULL DEFAULT 'local';
  ALTER TABLE tasks ADD COLUMN provider TEXT NOT NULL DEFAULT 'local';
  CREATE TABLE sandboxes (
    task_id TEXT PRIMARY KEY, provider TEXT NOT NULL, sandbox_id TEXT, state TEXT NOT NULL,
    workdir TEXT, agent_port INTEGER, endpoint_url TEXT, started_at INTEGER,
    uptime_ms INTEGER NOT NULL DEFAULT 0, error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  `,
];
