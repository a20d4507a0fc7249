/**
 * Transcript events -> the chat tab's transcript model. Pure: no DOM, no messaging.
 *
 * `applyEvents` never mutates its input: items that changed are new objects and
 * the rest are shared, so a renderer can compare items by identity.
 *
 * Payloads (see TranscriptEvent in shared/protocol.ts):
 * - client: ACP JSON-RPC messages Foundry sent to the agent (`session/prompt` is a user turn);
 * - agent: ACP messages from the agent (`session/update` notifications, responses);
 * - foundry: a FoundryEvent.
 */
import type { FoundryEvent, TranscriptEvent } from '../../shared/protocol';
import { asRecord, contentText, records, rpcId, str } from './payload';
import { slashCommands, type SlashCommand } from './slashCommands';
import { toolContent, toolLocations, toolStatus, type ToolDiff, type ToolLocation, type ToolStatus } from './toolCall';
import { contextUsage, turnUsage, type ContextUsage, type TurnUsage } from './usage';

export type { ToolDiff, ToolLocation, ToolStatus } from './toolCall';

export interface PlanEntry {
  readonly content: string;
  readonly status: string;
  readonly priority?: string;
}

export type TranscriptItem =
  /** A prompt Foundry sent; `at` is when (epoch ms). */
  | { readonly kind: 'user'; readonly key: string; readonly text: string; readonly at: number }
  /** Markdown text streamed by the agent; `streaming` while more may be appended. */
  | { readonly kind: 'agent'; readonly key: string; readonly text: string; readonly streaming: boolean; readonly messageId?: string }
  | { readonly kind: 'thought'; readonly key: string; readonly text: string; readonly streaming: boolean; readonly messageId?: string }
  | {
      readonly kind: 'tool';
      readonly key: string;
      readonly toolCallId: string;
      readonly title: string;
      readonly toolKind: string;
      readonly status: ToolStatus;
      /** Text the tool reported (e.g. why it failed); diffs and terminals are not repeated here. */
      readonly detail: string;
      /** Files the tool reads or changes. */
      readonly locations: readonly ToolLocation[];
      /** File changes it carries; the same array until an update replaces the content. */
      readonly diffs: readonly ToolDiff[];
    }
  | { readonly kind: 'plan'; readonly key: string; readonly entries: readonly PlanEntry[] }
  /**
   * A line of Foundry's own. `event`: the FoundryEvent kind it shows, if any; `icon`: a codicon other
   * than the tone's; `openSession`: the other session of a handoff, which the line links to.
   */
  | {
      readonly kind: 'notice';
      readonly key: string;
      readonly tone: 'info' | 'error';
      readonly text: string;
      readonly at: number;
      readonly event?: string;
      readonly icon?: string;
      readonly openSession?: string;
    }
  /**
   * The agent answered the prompt. `usage`: the response's token counts, when it has them;
   * `context`: the context window (and cost) the agent last reported during the turn.
   */
  | {
      readonly kind: 'turnEnd';
      readonly key: string;
      readonly at: number;
      readonly stopReason: string;
      readonly usage?: TurnUsage;
      readonly context?: ContextUsage;
    };

/** The reduced transcript: what the chat tab shows, and what reducing the next events needs. */
export interface TranscriptModel {
  /** Highest seq applied; events at or below it are ignored. */
  readonly lastSeq: number;
  readonly items: readonly TranscriptItem[];
  /** The agent's slash commands, from its last `available_commands_update`. */
  readonly commands: readonly SlashCommand[];
  /** The context window and cost from the agent's last `usage_update`. */
  readonly context: ContextUsage | undefined;
  /** Index of the agent or thought item that chunks are appended to, if any. */
  readonly openIndex: number | undefined;
  /** Index of the current turn's plan item, if any. */
  readonly planIndex: number | undefined;
  /** Index of the last turn's end line until the next prompt (a late usage_update updates it). */
  readonly turnEndIndex: number | undefined;
  /** A usage_update arrived since the current turn started. */
  readonly contextInTurn: boolean;
  /** toolCallId -> index of its row. */
  readonly tools: Readonly<Record<string, number>>;
  /** JSON-RPC id -> method of requests Foundry sent that have not been answered yet. */
  readonly pendingRequests: Readonly<Record<string, string>>;
}

export const emptyTranscript: TranscriptModel = {
  lastSeq: 0,
  items: [],
  commands: [],
  context: undefined,
  openIndex: undefined,
  planIndex: undefined,
  turnEndIndex: undefined,
  contextInTurn: false,
  tools: {},
  pendingRequests: {},
};

/** Apply events in order; events with a seq already applied are skipped. */
export function applyEvents(model: TranscriptModel, events: readonly TranscriptEvent[]): TranscriptModel {
  const fresh = events.filter((e) => e.seq > model.lastSeq).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return model;
  const draft = new Draft(model);
  for (const event of fresh) {
    if (event.seq <= draft.lastSeq) continue;
    draft.lastSeq = event.seq;
    reduceEvent(draft, event);
  }
  return draft.finish();
}

/** Mutable working copy used inside one `applyEvents` call. */
class Draft implements TranscriptModel {
  lastSeq: number;
  items: TranscriptItem[];
  commands: readonly SlashCommand[];
  context: ContextUsage | undefined;
  openIndex: number | undefined;
  planIndex: number | undefined;
  turnEndIndex: number | undefined;
  contextInTurn: boolean;
  tools: Record<string, number>;
  pendingRequests: Record<string, string>;

  constructor(model: TranscriptModel) {
    this.lastSeq = model.lastSeq;
    this.items = [...model.items];
    this.commands = model.commands;
    this.context = model.context;
    this.openIndex = model.openIndex;
    this.planIndex = model.planIndex;
    this.turnEndIndex = model.turnEndIndex;
    this.contextInTurn = model.contextInTurn;
    this.tools = { ...model.tools };
    this.pendingRequests = { ...model.pendingRequests };
  }

  add(item: TranscriptItem): number {
    this.items.push(item);
    return this.items.length - 1;
  }

  /** A turn is over: tool calls it left pending or in progress will never finish. */
  settleTools(): void {
    for (const index of Object.values(this.tools)) {
      const item = this.items[index];
      if (item?.kind === 'tool' && (item.status === 'pending' || item.status === 'in_progress')) {
        this.items[index] = { ...item, status: 'failed', detail: item.detail || 'The turn ended before this tool call finished.' };
      }
    }
  }

  /** Stop appending chunks to the open agent/thought item. */
  closeStream(): void {
    if (this.openIndex === undefined) return;
    const item = this.items[this.openIndex];
    if ((item.kind === 'agent' || item.kind === 'thought') && item.streaming) {
      this.items[this.openIndex] = { ...item, streaming: false };
    }
    this.openIndex = undefined;
  }

  /** A new turn starts: chunks, the plan, tool ids and the turn's usage start afresh. */
  startTurn(): void {
    this.closeStream();
    this.planIndex = undefined;
    this.turnEndIndex = undefined;
    this.contextInTurn = false;
    this.tools = {};
  }

  finish(): TranscriptModel {
    return {
      lastSeq: this.lastSeq,
      items: this.items,
      commands: this.commands,
      context: this.context,
      openIndex: this.openIndex,
      planIndex: this.planIndex,
      turnEndIndex: this.turnEndIndex,
      contextInTurn: this.contextInTurn,
      tools: this.tools,
      pendingRequests: this.pendingRequests,
    };
  }
}

/** What every reducer gets about the event it reduces. */
interface EventInfo {
  /** The item key an item created by this event gets. */
  readonly key: string;
  /** When the event was recorded (epoch ms). */
  readonly at: number;
}

function reduceEvent(d: Draft, event: TranscriptEvent): void {
  const info: EventInfo = { key: `e${event.seq}`, at: event.at };
  if (event.sender === 'foundry') return reduceFoundry(d, info, event.payload);
  const msg = asRecord(event.payload);
  if (!msg) return;
  if (event.sender === 'client') return reduceClient(d, info, msg);
  return reduceAgent(d, info, msg);
}

// ---------------------------------------------------------------------------
// client: what Foundry sent to the agent
// ---------------------------------------------------------------------------

function reduceClient(d: Draft, info: EventInfo, msg: Record<string, unknown>): void {
  const method = typeof msg.method === 'string' ? msg.method : undefined;
  const id = rpcId(msg.id);
  if (method === undefined) return; // a response to an agent's request (e.g. permission)
  if (id !== undefined) d.pendingRequests[id] = method;
  if (method !== 'session/prompt') return;
  // A prompt is only sent once any session/load has finished, recorded answer or not.
  for (const [pending, m] of Object.entries(d.pendingRequests)) if (m === 'session/load' && pending !== id) delete d.pendingRequests[pending];
  d.startTurn();
  const params = asRecord(msg.params);
  d.add({ kind: 'user', key: info.key, text: contentText(params?.prompt), at: info.at });
}

// ---------------------------------------------------------------------------
// agent: what the agent sent to Foundry
// ---------------------------------------------------------------------------

function reduceAgent(d: Draft, info: EventInfo, msg: Record<string, unknown>): void {
  if (msg.method === 'session/update') {
    const update = asRecord(asRecord(msg.params)?.update);
    if (update) reduceUpdate(d, info, update);
    return;
  }
  if (typeof msg.method === 'string') return; // other requests from the agent: Foundry records its answer
  const id = rpcId(msg.id);
  if (id === undefined) return;
  const method = d.pendingRequests[id];
  delete d.pendingRequests[id];
  const error = asRecord(msg.error);
  if (error) {
    if (method === 'session/prompt' || method === undefined) {
      d.closeStream();
      d.add({ kind: 'notice', key: info.key, tone: 'error', text: turnFailed(str(error.message)), at: info.at });
    }
    return;
  }
  if (method !== 'session/prompt') return;
  d.closeStream();
  const result = asRecord(msg.result);
  const stopReason = str(result?.stopReason) ?? 'end_turn';
  const notice = stopNotices[stopReason];
  if (notice) d.add({ kind: 'notice', key: `${info.key}-stop`, tone: 'info', text: notice, at: info.at });
  const usage = turnUsage(result?.usage);
  d.turnEndIndex = d.add({
    kind: 'turnEnd',
    key: info.key,
    at: info.at,
    stopReason,
    ...(usage ? { usage } : {}),
    ...(d.contextInTurn && d.context ? { context: d.context } : {}),
  });
}

const stopNotices: Record<string, string> = {
  cancelled: 'Turn cancelled.',
  max_tokens: 'The agent stopped: it reached its token limit.',
  max_turn_requests: 'The agent stopped: it reached its request limit for one turn.',
  refusal: 'The agent refused to continue.',
};

function reduceUpdate(d: Draft, info: EventInfo, update: Record<string, unknown>): void {
  // Session state: applies whenever it comes, replayed during session/load or not.
  switch (update.sessionUpdate) {
    case 'available_commands_update':
      d.commands = slashCommands(update.availableCommands);
      return;
    case 'usage_update':
      return setContext(d, update);
  }
  // While `session/load` is outstanding the agent replays history the transcript already holds.
  if (Object.values(d.pendingRequests).includes('session/load')) return;
  switch (update.sessionUpdate) {
    case 'agent_message_chunk':
      return appendChunk(d, info, 'agent', contentText(update.content), str(update.messageId));
    case 'agent_thought_chunk':
      return appendChunk(d, info, 'thought', contentText(update.content), str(update.messageId));
    case 'tool_call':
    case 'tool_call_update':
      return upsertTool(d, info, update);
    case 'plan':
      return setPlan(d, info, update);
    default:
      return; // modes, config options, user_message_chunk replays: not shown
  }
}

/** Chunks of one message grow one bubble; a chunk of another message (its messageId) starts a new one. */
function appendChunk(d: Draft, info: EventInfo, kind: 'agent' | 'thought', text: string, messageId: string | undefined): void {
  const open = d.openIndex === undefined ? undefined : d.items[d.openIndex];
  const sameMessage = open && (open.kind === 'agent' || open.kind === 'thought') && (!messageId || !open.messageId || open.messageId === messageId);
  if (open && open.kind === kind && sameMessage) {
    d.items[d.openIndex!] = { ...open, text: open.text + text };
    return;
  }
  d.closeStream();
  d.openIndex = d.add({ kind, key: info.key, text, streaming: true, ...(messageId ? { messageId } : {}) });
}

/** A tool call's row: created by its first event, then each field replaced by the updates that carry it. */
function upsertTool(d: Draft, info: EventInfo, update: Record<string, unknown>): void {
  const toolCallId = str(update.toolCallId);
  if (toolCallId === undefined) return;
  d.closeStream();
  const index = d.tools[toolCallId];
  const existing = index === undefined ? undefined : d.items[index];
  const status = toolStatus(update.status);
  // `content` and `locations` replace the whole collection; absent or null leaves it as it was.
  const content = update.content === undefined || update.content === null ? undefined : toolContent(update.content);
  const locations = update.locations === undefined || update.locations === null ? undefined : toolLocations(update.locations);
  if (existing && existing.kind === 'tool') {
    d.items[index!] = {
      ...existing,
      title: str(update.title) ?? existing.title,
      toolKind: str(update.kind) ?? existing.toolKind,
      status: status ?? existing.status,
      detail: content ? content.detail : existing.detail,
      diffs: content ? content.diffs : existing.diffs,
      locations: locations ?? existing.locations,
    };
    return;
  }
  d.tools[toolCallId] = d.add({
    kind: 'tool',
    key: info.key,
    toolCallId,
    title: str(update.title) ?? 'Tool call',
    toolKind: str(update.kind) ?? 'other',
    status: status ?? 'pending',
    detail: content?.detail ?? '',
    diffs: content?.diffs ?? [],
    locations: locations ?? [],
  });
}

/** Each plan update is the whole plan: it replaces the entries of the turn's plan. */
function setPlan(d: Draft, info: EventInfo, update: Record<string, unknown>): void {
  const entries: PlanEntry[] = [];
  for (const entry of records(update.entries)) {
    const content = str(entry.content);
    if (content !== undefined) entries.push({ content, status: str(entry.status) ?? 'pending', priority: str(entry.priority) });
  }
  d.closeStream();
  const existing = d.planIndex === undefined ? undefined : d.items[d.planIndex];
  if (existing && existing.kind === 'plan') {
    d.items[d.planIndex!] = { ...existing, entries };
    return;
  }
  d.planIndex = d.add({ kind: 'plan', key: info.key, entries });
}

/** The latest usage_update; one that comes after the prompt's answer still belongs to that turn's end line. */
function setContext(d: Draft, update: Record<string, unknown>): void {
  const context = contextUsage(update);
  if (!context) return;
  d.context = context;
  d.contextInTurn = true;
  const end = d.turnEndIndex === undefined ? undefined : d.items[d.turnEndIndex];
  if (end?.kind === 'turnEnd') d.items[d.turnEndIndex!] = { ...end, context };
}

// ---------------------------------------------------------------------------
// foundry: events Foundry itself recorded
// ---------------------------------------------------------------------------

const processEvents = new Set<FoundryEvent['kind']>(['agent_started', 'agent_stopped', 'agent_restarted', 'agent_exited', 'session_replaced', 'turn_interrupted']);

/** Foundry's system lines: the icon and fallback text of each event kind shown as one. */
const systemLines: Partial<Record<FoundryEvent['kind'], { icon: string; tone: 'info' | 'error'; text: string }>> = {
  agent_exited: { icon: 'debug-disconnect', tone: 'error', text: 'The agent process exited.' },
  fs_refused: { icon: 'lock', tone: 'info', text: 'A file access outside the worktree was refused.' },
  mode_changed: { icon: 'shield', tone: 'info', text: 'The mode changed.' },
  model_changed: { icon: 'chip', tone: 'info', text: 'The model changed.' },
  handoff: { icon: 'arrow-swap', tone: 'info', text: 'Handed over to another session.' },
  permission_expired: { icon: 'shield', tone: 'info', text: 'The permission request expired.' },
};

function reduceFoundry(d: Draft, info: EventInfo, payload: unknown): void {
  const event = asRecord(payload) as Partial<FoundryEvent> | undefined;
  if (!event) return;
  const text = str(event.text);
  const notice = (tone: 'info' | 'error', noticeText: string) => d.add({ kind: 'notice', key: info.key, tone, text: noticeText, at: info.at });
  // The agent process came or went: requests to the old one will never be answered.
  if (event.kind && processEvents.has(event.kind)) d.pendingRequests = {};
  if (event.kind === 'agent_exited') {
    d.closeStream();
    d.settleTools();
  }
  const line = event.kind ? systemLines[event.kind] : undefined;
  if (line && event.kind) {
    const other = str(event.otherSessionId);
    d.add({ kind: 'notice', key: info.key, tone: line.tone, text: text ?? line.text, at: info.at, event: event.kind, icon: line.icon, ...(other ? { openSession: other } : {}) });
    return;
  }
  switch (event.kind) {
    case 'turn_failed': {
      d.closeStream();
      d.settleTools();
      const last = d.items.at(-1);
      // Usually follows the agent's error response, already shown with the same message.
      if (last?.kind === 'notice' && last.tone === 'error' && last.text === turnFailed(text)) return;
      notice('error', turnFailed(text));
      return;
    }
    case 'turn_interrupted':
      d.closeStream();
      d.settleTools();
      notice('info', text ?? 'Turn interrupted.');
      return;
    case 'agent_restarted':
      notice('info', text ?? 'The agent was restarted.');
      return;
    case 'session_replaced':
      notice('info', text ?? 'The agent could not resume the conversation; a new agent session started.');
      return;
    case 'permission_rejected':
      notice('info', text ? `Permission request rejected: ${text}` : 'Permission request rejected.');
      return;
    case 'turn_ended':
      d.closeStream();
      d.settleTools();
      return;
    default:
      return; // turn_started, agent_started, agent_stopped: not shown
  }
}

function turnFailed(message: string | undefined): string {
  return message ? `Turn failed: ${message}` : 'Turn failed.';
}
