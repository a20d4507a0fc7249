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

export type ToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

export interface PlanEntry {
  readonly content: string;
  readonly status: string;
  readonly priority?: string;
}

export type TranscriptItem =
  | { readonly kind: 'user'; readonly key: string; readonly text: string }
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
    }
  | { readonly kind: 'plan'; readonly key: string; readonly entries: readonly PlanEntry[] }
  | { readonly kind: 'notice'; readonly key: string; readonly tone: 'info' | 'error'; readonly text: string };

/** The reduced transcript: what the chat tab shows, and what reducing the next events needs. */
export interface TranscriptModel {
  /** Highest seq applied; events at or below it are ignored. */
  readonly lastSeq: number;
  readonly items: readonly TranscriptItem[];
  /** Index of the agent or thought item that chunks are appended to, if any. */
  readonly openIndex: number | undefined;
  /** Index of the current turn's plan item, if any. */
  readonly planIndex: number | undefined;
  /** toolCallId -> index of its row. */
  readonly tools: Readonly<Record<string, number>>;
  /** JSON-RPC id -> method of requests Foundry sent that have not been answered yet. */
  readonly pendingRequests: Readonly<Record<string, string>>;
}

export const emptyTranscript: TranscriptModel = {
  lastSeq: 0,
  items: [],
  openIndex: undefined,
  planIndex: undefined,
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
class Draft {
  lastSeq: number;
  items: TranscriptItem[];
  openIndex: number | undefined;
  planIndex: number | undefined;
  tools: Record<string, number>;
  pendingRequests: Record<string, string>;

  constructor(model: TranscriptModel) {
    this.lastSeq = model.lastSeq;
    this.items = [...model.items];
    this.openIndex = model.openIndex;
    this.planIndex = model.planIndex;
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

  /** A new turn starts: chunks, the plan and tool ids start afresh. */
  startTurn(): void {
    this.closeStream();
    this.planIndex = undefined;
    this.tools = {};
  }

  finish(): TranscriptModel {
    return {
      lastSeq: this.lastSeq,
      items: this.items,
      openIndex: this.openIndex,
      planIndex: this.planIndex,
      tools: this.tools,
      pendingRequests: this.pendingRequests,
    };
  }
}

function reduceEvent(d: Draft, event: TranscriptEvent): void {
  const key = `e${event.seq}`;
  if (event.sender === 'foundry') return reduceFoundry(d, key, event.payload);
  const msg = asRecord(event.payload);
  if (!msg) return;
  if (event.sender === 'client') return reduceClient(d, key, msg);
  return reduceAgent(d, key, msg);
}

// ---------------------------------------------------------------------------
// client: what Foundry sent to the agent
// ---------------------------------------------------------------------------

function reduceClient(d: Draft, key: string, msg: Record<string, unknown>): void {
  const method = typeof msg.method === 'string' ? msg.method : undefined;
  const id = rpcId(msg.id);
  if (method === undefined) return; // a response to an agent's request (e.g. permission)
  if (id !== undefined) d.pendingRequests[id] = method;
  if (method !== 'session/prompt') return;
  // A prompt is only sent once any session/load has finished, recorded answer or not.
  for (const [pending, m] of Object.entries(d.pendingRequests)) if (m === 'session/load' && pending !== id) delete d.pendingRequests[pending];
  d.startTurn();
  const params = asRecord(msg.params);
  d.add({ kind: 'user', key, text: contentText(params?.prompt) });
}

// ---------------------------------------------------------------------------
// agent: what the agent sent to Foundry
// ---------------------------------------------------------------------------

function reduceAgent(d: Draft, key: string, msg: Record<string, unknown>): void {
  if (msg.method === 'session/update') {
    // While `session/load` is outstanding the agent replays history the transcript already holds.
    if (Object.values(d.pendingRequests).includes('session/load')) return;
    const update = asRecord(asRecord(msg.params)?.update);
    if (update) reduceUpdate(d, key, update);
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
      d.add({ kind: 'notice', key, tone: 'error', text: turnFailed(str(error.message)) });
    }
    return;
  }
  if (method !== 'session/prompt') return;
  d.closeStream();
  const stopReason = str(asRecord(msg.result)?.stopReason);
  const notice = stopReason ? stopNotices[stopReason] : undefined;
  if (notice) d.add({ kind: 'notice', key, tone: 'info', text: notice });
}

const stopNotices: Record<string, string> = {
  cancelled: 'Turn cancelled.',
  max_tokens: 'The agent stopped: it reached its token limit.',
  max_turn_requests: 'The agent stopped: it reached its request limit for one turn.',
  refusal: 'The agent refused to continue.',
};

function reduceUpdate(d: Draft, key: string, update: Record<string, unknown>): void {
  switch (update.sessionUpdate) {
    case 'agent_message_chunk':
      return appendChunk(d, key, 'agent', contentText(update.content), str(update.messageId));
    case 'agent_thought_chunk':
      return appendChunk(d, key, 'thought', contentText(update.content), str(update.messageId));
    case 'tool_call':
    case 'tool_call_update':
      return upsertTool(d, key, update);
    case 'plan':
      return setPlan(d, key, update);
    default:
      return; // usage, modes, commands, user_message_chunk replays: not shown
  }
}

/** Chunks of one message grow one bubble; a chunk of another message (its messageId) starts a new one. */
function appendChunk(d: Draft, key: string, kind: 'agent' | 'thought', text: string, messageId: string | undefined): void {
  const open = d.openIndex === undefined ? undefined : d.items[d.openIndex];
  const sameMessage = open && (open.kind === 'agent' || open.kind === 'thought') && (!messageId || !open.messageId || open.messageId === messageId);
  if (open && open.kind === kind && sameMessage) {
    d.items[d.openIndex!] = { ...open, text: open.text + text };
    return;
  }
  d.closeStream();
  d.openIndex = d.add({ kind, key, text, streaming: true, ...(messageId ? { messageId } : {}) });
}

function upsertTool(d: Draft, key: string, update: Record<string, unknown>): void {
  const toolCallId = str(update.toolCallId);
  if (toolCallId === undefined) return;
  d.closeStream();
  const index = d.tools[toolCallId];
  const existing = index === undefined ? undefined : d.items[index];
  const status = toolStatus(update.status);
  if (existing && existing.kind === 'tool') {
    d.items[index!] = {
      ...existing,
      title: str(update.title) ?? existing.title,
      toolKind: str(update.kind) ?? existing.toolKind,
      status: status ?? existing.status,
      detail: update.content === undefined ? existing.detail : toolDetail(update.content),
    };
    return;
  }
  d.tools[toolCallId] = d.add({
    kind: 'tool',
    key,
    toolCallId,
    title: str(update.title) ?? 'Tool call',
    toolKind: str(update.kind) ?? 'other',
    status: status ?? 'pending',
    detail: toolDetail(update.content),
  });
}

function setPlan(d: Draft, key: string, update: Record<string, unknown>): void {
  const entries: PlanEntry[] = [];
  for (const raw of Array.isArray(update.entries) ? update.entries : []) {
    const entry = asRecord(raw);
    const content = str(entry?.content);
    if (content !== undefined) entries.push({ content, status: str(entry?.status) ?? 'pending', priority: str(entry?.priority) });
  }
  d.closeStream();
  const existing = d.planIndex === undefined ? undefined : d.items[d.planIndex];
  if (existing && existing.kind === 'plan') {
    d.items[d.planIndex!] = { ...existing, entries };
    return;
  }
  d.planIndex = d.add({ kind: 'plan', key, entries });
}

// ---------------------------------------------------------------------------
// foundry: events Foundry itself recorded
// ---------------------------------------------------------------------------

const processEvents = new Set<FoundryEvent['kind']>(['agent_started', 'agent_stopped', 'agent_restarted', 'session_replaced', 'turn_interrupted']);

function reduceFoundry(d: Draft, key: string, payload: unknown): void {
  const event = asRecord(payload) as Partial<FoundryEvent> | undefined;
  if (!event) return;
  const text = str(event.text);
  // The agent process came or went: requests to the old one will never be answered.
  if (event.kind && processEvents.has(event.kind)) d.pendingRequests = {};
  switch (event.kind) {
    case 'turn_failed': {
      d.closeStream();
      d.settleTools();
      const last = d.items.at(-1);
      // Usually follows the agent's error response, already shown with the same message.
      if (last?.kind === 'notice' && last.tone === 'error' && last.text === turnFailed(text)) return;
      d.add({ kind: 'notice', key, tone: 'error', text: turnFailed(text) });
      return;
    }
    case 'turn_interrupted':
      d.closeStream();
      d.settleTools();
      d.add({ kind: 'notice', key, tone: 'info', text: text ?? 'Turn interrupted.' });
      return;
    case 'agent_restarted':
      d.add({ kind: 'notice', key, tone: 'info', text: text ?? 'The agent was restarted.' });
      return;
    case 'session_replaced':
      d.add({
        kind: 'notice',
        key,
        tone: 'info',
        text: text ?? 'The agent could not resume the conversation; a new agent session started.',
      });
      return;
    case 'permission_expired':
      d.add({ kind: 'notice', key, tone: 'info', text: text ?? 'The permission request expired.' });
      return;
    case 'permission_rejected':
      d.add({ kind: 'notice', key, tone: 'info', text: text ? `Permission request rejected: ${text}` : 'Permission request rejected.' });
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

// ---------------------------------------------------------------------------
// Payload helpers
// ---------------------------------------------------------------------------

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function rpcId(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function toolStatus(value: unknown): ToolStatus | undefined {
  return value === 'pending' || value === 'in_progress' || value === 'completed' || value === 'failed' ? value : undefined;
}

/** The text parts of a tool call's content list (`{type: 'content', content: block}` entries). */
function toolDetail(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((entry) => asRecord(entry))
    .filter((entry) => entry?.type === 'content')
    .map((entry) => contentText(entry?.content))
    .filter((text) => text !== '')
    .join('\n');
}

/** Text of one ACP content block or an array of them; non-text blocks become a short placeholder. */
function contentText(content: unknown): string {
  if (Array.isArray(content)) return content.map(contentText).join('');
  const block = asRecord(content);
  if (!block) return '';
  switch (block.type) {
    case 'text':
      return str(block.text) ?? '';
    case 'resource_link':
      return `[${str(block.name) ?? str(block.uri) ?? 'resource'}]`;
    case 'resource': {
      const resource = asRecord(block.resource);
      return str(resource?.text) ?? `[${str(resource?.uri) ?? 'resource'}]`;
    }
    case 'image':
      return '[image]';
    case 'audio':
      return '[audio]';
    default:
      return '';
  }
}
