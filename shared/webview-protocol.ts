/**
 * Messages between a chat panel (extension host) and its webview, both ways.
 * Each side validates what arrives with these schemas before acting on it.
 *
 * Flow: the webview posts `ready` once its script runs (again after every
 * reload of the webview); only then does the panel post, starting with a
 * `snapshot`. Actions from the composer are requests with a correlation id;
 * the panel answers each with a `reply`.
 */
import { z } from 'zod';
import { AgentInfo, CheckpointRestore, SessionSummary, TaskSummary, TranscriptEvent, TurnCheckpoint } from './protocol';

// ---------------------------------------------------------------------------
// What the chat tab shows about its session
// ---------------------------------------------------------------------------

/** The slice of the task a chat tab shows; file paths inside `worktreePath` show relative to it. */
export const ChatTask = TaskSummary.pick({ id: true, title: true, status: true, statusMessage: true, errorMessage: true, worktreePath: true });
export type ChatTask = z.infer<typeof ChatTask>;

/** How far the panel got loading the transcript from the sidecar. */
export const SyncState = z.discriminatedUnion('phase', [
  /** Subscribing and paging history. */
  z.object({ phase: z.literal('loading') }),
  /** History loaded; pushed events are applied as they arrive. */
  z.object({ phase: z.literal('live') }),
  /** Loading failed; the panel tries again after the sidecar restarts. */
  z.object({ phase: z.literal('failed'), message: z.string() }),
]);
export type SyncState = z.infer<typeof SyncState>;

/** Everything the composer and the status line render from. */
export const ChatState = z.object({
  sessionId: z.string(),
  /** Undefined while the workbench store has not bootstrapped or when the session no longer exists. */
  session: SessionSummary.optional(),
  task: ChatTask.optional(),
  /** True once the store has bootstrapped: a missing session is then really gone. */
  workbenchLoaded: z.boolean(),
  sync: SyncState,
  /**
   * The session's agent as `foundry/listAgents` last described it, read when the session went into
   * `error`: its `action` is the way out the error banner offers (install it, set its credentials).
   */
  agent: AgentInfo.optional(),
  /**
   * The task's checkpoints as the tab needs them (foundry/listCheckpoints, then
   * foundry/checkpointsUpdated): the session's turns with the checkpoint each began from ("Restore
   * to here" at its user message), and the task's latest restore (its result or error).
   */
  checkpoints: z
    .object({
      turns: z.array(TurnCheckpoint),
      restore: CheckpointRestore.optional(),
    })
    .optional(),
});
export type ChatState = z.infer<typeof ChatState>;

// ---------------------------------------------------------------------------
// A tab's view state: in the webview state (getState/setState) and kept by the panel
// ---------------------------------------------------------------------------

/** Persisted by the webview; VS Code hands it to the panel serializer after a window reload. */
export const ChatViewState = z.object({
  sessionId: z.string().min(1),
  draft: z.string().default(''),
  /** Scroll offset of the transcript, and whether it was pinned to the bottom. */
  scrollTop: z.number().default(0),
  pinnedToBottom: z.boolean().default(true),
});
export type ChatViewState = z.infer<typeof ChatViewState>;

// ---------------------------------------------------------------------------
// Panel -> webview
// ---------------------------------------------------------------------------

export const ToWebview = z.discriminatedUnion('type', [
  /**
   * First message after `ready`: replaces whatever the webview showed. `viewState` is the draft and
   * scroll the panel kept for the session, when it has them (they outlive a window reload reliably).
   */
  z.object({
    type: z.literal('snapshot'),
    state: ChatState,
    events: z.array(TranscriptEvent),
    viewState: ChatViewState.optional(),
  }),
  /** New transcript events, in seq order, none seen before. */
  z.object({ type: z.literal('events'), events: z.array(TranscriptEvent) }),
  /** The session, its task or the transcript sync changed. */
  z.object({ type: z.literal('state'), state: ChatState }),
  /** The panel stored the view state with this draft (it now survives a window reload). */
  z.object({ type: z.literal('viewStateSaved'), draft: z.string() }),
  /** Answer to a `request`: `error` is the message to show when it was refused. */
  z.object({ type: z.literal('reply'), requestId: z.number(), error: z.string().optional() }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

// ---------------------------------------------------------------------------
// Webview -> panel
// ---------------------------------------------------------------------------

/** What the user asked for from the composer or the transcript. */
export const ChatAction = z.discriminatedUnion('action', [
  /** foundry/sendMessage */
  z.object({ action: z.literal('send'), text: z.string().min(1, 'text must not be empty') }),
  /** foundry/cancelTurn */
  z.object({ action: z.literal('stop') }),
  /** foundry/replyPermission: the user chose `optionId` for the session's pending request. */
  z.object({ action: z.literal('replyPermission'), requestId: z.string().min(1).max(200), optionId: z.string().min(1).max(200) }),
  /** foundry/retrySession, or foundry/retryTask when the task's provisioning failed. */
  z.object({ action: z.literal('retry') }),
  /** foundry/setSessionMode: an approval policy or one of the agent's modes. */
  z.object({ action: z.literal('setMode'), mode: z.string().min(1).max(100) }),
  /** foundry/setSessionModel. */
  z.object({ action: z.literal('setModel'), model: z.string().min(1).max(200) }),
  /** foundry/editQueuedMessage. */
  z.object({ action: z.literal('editQueued'), messageId: z.string().min(1).max(200), text: z.string().min(1, 'text must not be empty') }),
  /** foundry/removeQueuedMessage. */
  z.object({ action: z.literal('removeQueued'), messageId: z.string().min(1).max(200) }),
  /** foundry/sendQueued: resume a paused queue. */
  z.object({ action: z.literal('sendQueued') }),
  /** "Continue with…": the panel asks which agent, calls foundry/handoffSession and opens the new session's tab. */
  z.object({ action: z.literal('handoff') }),
  /** Open another session's chat tab (the other side of a handoff). */
  z.object({ action: z.literal('openSession'), sessionId: z.string().min(1).max(200) }),
  /** The way out of an agent that is not ready: `foundry.installAgent` or `foundry.configureAgent` for the session's agent. */
  z.object({ action: z.literal('agentAction'), agentAction: z.enum(['install', 'set_credentials']) }),
  /**
   * Open a file the transcript names (a tool call's location or diff) in an editor, at `line`
   * (1-based). `path` is absolute; the panel refuses one outside the task's worktree.
   */
  z.object({ action: z.literal('openFile'), path: z.string().min(1).max(4096), line: z.number().int().min(1).optional() }),
  /** foundry/restoreCheckpoint: "Restore to here" at a user message. */
  z.object({ action: z.literal('restoreCheckpoint'), checkpointId: z.string().min(1).max(200) }),
  /** foundry/undoLastTurn for the tab's session. */
  z.object({ action: z.literal('undoLastTurn') }),
]);
export type ChatAction = z.infer<typeof ChatAction>;

export const FromWebview = z.union([
  /** The webview's script is running and listening. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('request'), requestId: z.number(), request: ChatAction }),
  /** The draft or the scroll position changed: the panel keeps it for the next load of the tab. */
  z.object({ type: z.literal('saveViewState'), state: ChatViewState }),
]);
export type FromWebview = z.infer<typeof FromWebview>;

/** The view type of chat panels, used by the panel and its serializer. */
export const ChatViewType = 'foundry.chat';
