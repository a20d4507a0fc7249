/**
 * The Foundry wire contract: every JSON-RPC method, notification, payload schema,
 * status enum and error code exchanged between the extension, the sidecar, the
 * webview and the tests. Nothing else in the codebase spells a method name.
 *
 * With zod the schema is the type: `z.infer` gives the TypeScript shape, and the
 * sidecar validates every incoming payload against the same schema.
 */
import { z } from 'zod';

/**
 * Bumped on any incompatible change of this contract. A client and a sidecar of different
 * protocol versions never talk: the newer one hands over or asks for a reload.
 */
export const PROTOCOL_VERSION = 2;

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

/** Provisioning stages a task walks through, in order. */
export const ProvisionStages = [
  'init_enqueue_provision',
  'init_ensure_name',
  'init_create_sandbox',
  'init_ensure_agent',
  'init_create_session',
] as const;
export type ProvisionStage = (typeof ProvisionStages)[number];

export const TaskStatus = z.enum([
  ...ProvisionStages,
  /** Some session has a turn in progress. */
  'running',
  /** Provisioned; no turn in progress. */
  'idle',
  /** Provisioning failed: see errorMessage; `foundry/retryTask` resumes from the failed stage. */
  'error',
  /** Archive in progress: agent processes stopping, worktree being removed. */
  'archive_remove_sandbox',
  'archived',
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
  /** The agent could not start or create the session; `foundry/retrySession`. */
  'error',
  /** Closed by the user; the transcript is kept. */
  'closed',
]);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const isProvisioning = (s: TaskStatus): boolean => (ProvisionStages as readonly string[]).includes(s);

/** A human label for a status, used by the tree, the status bar and the chat tab. */
export const statusLabel: Record<TaskStatus | SessionStatus, string> = {
  init_enqueue_provision: 'Queued',
  init_ensure_name: 'Naming branch',
  init_create_sandbox: 'Creating worktree',
  init_ensure_agent: 'Preparing agent',
  init_create_session: 'Starting session',
  running: 'Running',
  idle: 'Idle',
  error: 'Error',
  archive_remove_sandbox: 'Archiving',
  archived: 'Archived',
  pending_provision: 'Preparing environment',
  pending_session_create: 'Starting agent session',
  ready: 'Ready',
  closed: 'Closed',
};

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

const id = (what: string) => z.string({ error: `${what} must be a string id` }).min(1, `${what} must not be empty`).max(200);

export const Repo = z.object({
  id: z.string(),
  name: z.string(),
  /** Absolute path of the repository's main working tree. */
  path: z.string(),
  defaultBranch: z.string(),
  /** Shell script run in each new worktree (cwd = worktree). */
  setupScript: z.string().optional(),
});
export type Repo = z.infer<typeof Repo>;

export const SessionSummary = z.object({
  id: z.string(),
  taskId: z.string(),
  name: z.string(),
  agent: z.string(),
  model: z.string().optional(),
  status: SessionStatus,
  /** A turn ended while no client was subscribed; cleared by `foundry/markSessionRead`. */
  unread: z.boolean(),
  errorMessage: z.string().optional(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

export const Changes = z.object({ files: z.number(), added: z.number(), removed: z.number() });
export type Changes = z.infer<typeof Changes>;

export const TaskSummary = z.object({
  id: z.string(),
  repoId: z.string(),
  title: z.string(),
  branch: z.string(),
  status: TaskStatus,
  /** What the current stage is doing, for a tooltip. */
  statusMessage: z.string().optional(),
  errorMessage: z.string().optional(),
  agent: z.string(),
  sessions: z.array(SessionSummary),
  /** Projection refreshed in the background: files changed against the base, lines added/removed. */
  changes: Changes,
  /** Worktree folder, once created. */
  worktreePath: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const TranscriptSender = z.enum(['client', 'agent', 'foundry']);
export type TranscriptSender = z.infer<typeof TranscriptSender>;

export const TranscriptEvent = z.object({
  /** Per session, from 1. */
  seq: z.number(),
  sessionId: z.string(),
  /** Epoch milliseconds. */
  at: z.number(),
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
  kind: z.enum([
    'turn_started',
    'turn_ended',
    'turn_failed',
    'turn_interrupted',
    'agent_started',
    'agent_stopped',
    'agent_restarted',
    'session_replaced',
    'permission_rejected',
  ]),
  turnId: z.string().optional(),
  /** Human-readable detail: the error of a failed turn, the notice of a restart. */
  text: z.string().optional(),
  stopReason: z.string().optional(),
  /** The user's message of a turn that failed before it reached the agent (so it is never lost). */
  prompt: z.string().optional(),
});
export type FoundryEvent = z.infer<typeof FoundryEvent>;

export const HistoryEvent = z.object({
  at: z.number(),
  kind: z.enum(['created', 'stage_started', 'stage_finished', 'error', 'retry', 'interrupted', 'resumed', 'renamed', 'archived', 'imported']),
  stage: z.string().optional(),
  durationMs: z.number().optional(),
  message: z.string().optional(),
});
export type HistoryEvent = z.infer<typeof HistoryEvent>;

/** How an agent's ACP process is launched. Agents are data. */
export const AgentDefinition = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).optional(),
});
export type AgentDefinition = z.infer<typeof AgentDefinition>;

// ---------------------------------------------------------------------------
// initialize, settings and discovery
// ---------------------------------------------------------------------------

/** The sidecar's own settings, shared by every client. */
export const SidecarSettings = z.object({
  /** How many provisioning jobs run at once. */
  jobConcurrency: z.number().int().min(1).max(64).optional(),
  /** Stop an agent process after it has been idle this long (ms). */
  agentIdleStopMs: z.number().int().min(100).optional(),
  /** Agent used when a request names none. */
  defaultAgent: z.string().optional(),
  /** Extra or overriding agent launch definitions, by id. */
  agents: z.record(z.string(), AgentDefinition).optional(),
  /** Debounce for worktree file-system changes before the changes projection refreshes (ms). */
  changesDebounceMs: z.number().int().min(0).optional(),
});
export type SidecarSettings = z.infer<typeof SidecarSettings>;

/**
 * `initialize`'s `initializationOptions`. With `--stdio` (one client) the settings travel here.
 * With `--listen` they come from `D/settings.json` and only `dataDir` is read: it must name the
 * sidecar's own folder (else -32002), so one client never overrides another's settings.
 */
export const InitializationOptions = SidecarSettings.extend({
  /** Folder holding the SQLite database and the sandboxes. */
  dataDir: z.string().min(1),
});
export type InitializationOptions = z.infer<typeof InitializationOptions>;

/** What `initialize` answers, beside LSP's `capabilities` and `serverInfo {name, version}`. */
export const FoundryServerInfo = z.object({
  protocolVersion: z.number(),
  version: z.string(),
  pid: z.number(),
  dataDir: z.string(),
  mode: z.enum(['stdio', 'listen']),
});
export type FoundryServerInfo = z.infer<typeof FoundryServerInfo>;

/** `D/sidecar.json`: written by a `--listen` sidecar once it listens, removed when it exits. */
export const SidecarInfo = z.object({
  pid: z.number(),
  /** Unix socket path or Windows named pipe. */
  socket: z.string(),
  version: z.string(),
  protocolVersion: z.number(),
  /** The Node executable it runs on (the CLI reuses it). */
  runtime: z.string(),
  startedAt: z.number(),
});
export type SidecarInfo = z.infer<typeof SidecarInfo>;

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

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
const title = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(200, `${what} is longer than 200 characters`);

/** No-op round trip: the floor benchmarks compare against. Client -> sidecar. */
export const Ping = request('foundry/ping', Empty, Empty);

/** Register a git repository (idempotent by path). `setupScript`: absent keeps the current one, "" clears it. Client -> sidecar. */
export const AddRepo = request(
  'foundry/addRepo',
  z.object({ path: z.string().min(1, 'path must not be empty'), setupScript: z.string().max(100_000).optional() }),
  Repo,
);

/** Create a task; returns once its rows are committed, provisioning runs in the background. */
export const CreateTask = request(
  'foundry/createTask',
  z.object({
    repoId: id('repoId'),
    prompt: z.string().min(1, 'prompt must not be empty').max(200_000),
    title: title('title').optional(),
    branch: branchName.optional(),
    agent: agentId.optional(),
    model: z.string().max(200).optional(),
    /** The repository's setup script, set in the same transaction (absent keeps it, "" clears it); the task runs this one. */
    setupScript: z.string().max(100_000).optional(),
  }),
  TaskSummary,
);

/** The lightweight workbench summary, read from projections. */
export const GetWorkbench = request(
  'foundry/getWorkbench',
  Empty,
  z.object({ version: z.number(), repos: z.array(Repo), tasks: z.array(TaskSummary) }),
);

/** Open a new session (chat tab) on a task; returns at once. */
export const CreateWorkbenchSession = request(
  'foundry/createWorkbenchSession',
  z.object({ taskId: id('taskId'), agent: agentId.optional(), model: z.string().max(200).optional() }),
  SessionSummary,
);

/** Send a message; -32002 unless the session is `ready`. */
export const SendMessage = request(
  'foundry/sendMessage',
  z.object({ sessionId: id('sessionId'), text: z.string().min(1, 'text must not be empty').max(200_000) }),
  z.object({ turnId: z.string() }),
);

/** Cancel the running turn (ACP session/cancel). */
export const CancelTurn = request('foundry/cancelTurn', z.object({ sessionId: id('sessionId') }), Empty);

/** Page through a session's transcript. */
export const GetTranscript = request(
  'foundry/getTranscript',
  z.object({
    sessionId: id('sessionId'),
    after: z.number().int().min(0, 'after must be >= 0').optional(),
    limit: z.number().int().min(1, 'limit must be >= 1').max(5000, 'limit must be <= 5000').optional(),
  }),
  z.object({ events: z.array(TranscriptEvent), next: z.number() }),
);

/** Stream `foundry/transcriptAppended` for this session to the calling client. */
export const SubscribeSession = request('foundry/subscribeSession', z.object({ sessionId: id('sessionId') }), Empty);
export const UnsubscribeSession = request('foundry/unsubscribeSession', z.object({ sessionId: id('sessionId') }), Empty);

/** A task's history and the output of its setup script. */
export const GetTaskLog = request(
  'foundry/getTaskLog',
  z.object({ taskId: id('taskId') }),
  z.object({ history: z.array(HistoryEvent), setupOutput: z.string() }),
);

export const RenameTask = request('foundry/renameTask', z.object({ taskId: id('taskId'), title: title('title') }), TaskSummary);
export const ArchiveTask = request('foundry/archiveTask', z.object({ taskId: id('taskId') }), TaskSummary);
export const RetryTask = request(
  'foundry/retryTask',
  /** `setupScript`: as for createTask; the retried task runs the repository's script as it is after this request. */
  z.object({ taskId: id('taskId'), setupScript: z.string().max(100_000).optional() }),
  TaskSummary,
);
export const RetrySession = request('foundry/retrySession', z.object({ sessionId: id('sessionId') }), SessionSummary);
export const CloseWorkbenchSession = request(
  'foundry/closeWorkbenchSession',
  z.object({ sessionId: id('sessionId') }),
  SessionSummary,
);
export const RenameWorkbenchSession = request(
  'foundry/renameWorkbenchSession',
  z.object({ sessionId: id('sessionId'), name: title('name') }),
  SessionSummary,
);
export const MarkSessionRead = request('foundry/markSessionRead', z.object({ sessionId: id('sessionId') }), SessionSummary);

const semver = z.string().regex(/^\d+\.\d+\.\d+([-+][\w.-]+)?$/, 'version must be a semantic version like 1.2.3');

/**
 * Ask the running sidecar to drain and exit so that the caller starts its own. `update`: only a
 * client newer than the sidecar may ask. `restart` ("Foundry: Restart Sidecar"): a client of the
 * same version or newer.
 */
export const HandOver = request(
  'foundry/handOver',
  z.object({ version: semver, reason: z.enum(['update', 'restart']).default('update') }),
  z.object({ draining: z.literal(true) }),
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
 */
export const ImportDatabases = request(
  'foundry/importDatabases',
  z.object({ databases: z.array(absolutePath('database')).min(1, 'databases must name at least one file').max(1000) }),
  z.object({ queued: z.number() }),
);

export const Requests = {
  Ping,
  AddRepo,
  CreateTask,
  GetWorkbench,
  CreateWorkbenchSession,
  SendMessage,
  CancelTurn,
  GetTranscript,
  SubscribeSession,
  UnsubscribeSession,
  GetTaskLog,
  RenameTask,
  ArchiveTask,
  RetryTask,
  RetrySession,
  CloseWorkbenchSession,
  RenameWorkbenchSession,
  MarkSessionRead,
  HandOver,
  ImportDatabases,
} as const;

// ---------------------------------------------------------------------------
// Notifications (sidecar -> client)
// ---------------------------------------------------------------------------

/**
 * New or changed tasks as whole summaries. `version` grows by one per notification;
 * a client drops versions <= its bootstrap and bootstraps again on a gap.
 */
export const WorkbenchUpdated = notification(
  'foundry/workbenchUpdated',
  z.object({
    version: z.number(),
    tasks: z.array(TaskSummary),
    removedTaskIds: z.array(z.string()),
    /** Repositories added or changed, when any. */
    repos: z.array(Repo).optional(),
    /** Repositories gone, when any: a duplicate row merged into the row of the same repository. */
    removedRepoIds: z.array(z.string()).optional(),
  }),
);
export type WorkbenchUpdatedParams = z.infer<typeof WorkbenchUpdated.params>;

/** Transcript events, only to clients subscribed to that session. */
export const TranscriptAppended = notification(
  'foundry/transcriptAppended',
  z.object({ sessionId: z.string(), events: z.array(TranscriptEvent) }),
);
export type TranscriptAppendedParams = z.infer<typeof TranscriptAppended.params>;

/**
 * Whether the sidecar has background work: pushed only when `quiescent` flips. Quiescent
 * means no job is queued or running and no turn is in progress - then nothing more is sent
 * until something changes. Lets a status bar show a spinner and tests wait for "settled".
 */
export const ServerStatus = notification(
  'foundry/serverStatus',
  z.object({ quiescent: z.boolean(), jobs: z.number(), turns: z.number() }),
);
export type ServerStatusParams = z.infer<typeof ServerStatus.params>;

/**
 * The sidecar is draining and will exit: sent to every client first, so a planned exit (a
 * hand-over to a newer version, a restart, SIGTERM) is never mistaken for a crash. Clients
 * reconnect to (or start) the next sidecar without alarming the user.
 */
export const SidecarExiting = notification(
  'foundry/sidecarExiting',
  z.object({ reason: z.enum(['hand_over', 'restart', 'idle', 'signal', 'shutdown']), detail: z.string().optional() }),
);
export type SidecarExitingParams = z.infer<typeof SidecarExiting.params>;

export const Notifications = { WorkbenchUpdated, TranscriptAppended, ServerStatus, SidecarExiting } as const;

export type Workbench = ResultOf<typeof GetWorkbench>;
