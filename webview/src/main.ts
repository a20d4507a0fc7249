/**
 * Chat tab entry: wires the panel messages, the transcript reducer, the
 * transcript view and the composer, and keeps draft and scroll in the webview
 * state so they survive the tab being hidden and a window reload.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import './chat.css';
import { statusLabel } from '../../shared/protocol';
import { type ChatAction, type ChatState, ChatViewState, type FromWebview, ToWebview } from '../../shared/webview-protocol';
import { CheckpointBar } from './checkpointBar';
import { Composer } from './composer';
import { composerModel } from './composerModel';
import { element } from './dom';
import { ErrorBanner } from './errorBanner';
import { PermissionPrompt } from './permissionPrompt';
import { QueueView } from './queueView';
import { Toolbar } from './toolbar';
import { applyEvents, emptyTranscript, type TranscriptModel } from './transcript';
import { TranscriptView } from './transcriptView';
import { contextText } from './usage';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: ChatViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const restored = ChatViewState.safeParse(vscode.getState());
let viewState: ChatViewState | undefined = restored.success ? restored.data : undefined;
// The panel names the session in the page, so the state that VS Code saves for the tab names it
// from the first moment, before any snapshot.
const pageSessionId = document.body.dataset.sessionId;
if (pageSessionId && viewState?.sessionId !== pageSessionId) {
  viewState = ChatViewState.parse({ sessionId: pageSessionId });
  vscode.setState(viewState);
}

const header = element('header', { class: 'header' });
const toolbarRoot = element('div', { class: 'toolbar' });
const bannerRoot = element('section', { class: 'error-banner' });
const log = element('main', { id: 'transcript', class: 'transcript', role: 'log', 'aria-label': 'Transcript', 'aria-live': 'polite' });
const placeholder = element('div', { class: 'placeholder' });
const queueRoot = element('section', { class: 'queue' });
const permissionRoot = element('section', { class: 'permission' });
const footer = element('footer', { class: 'composer' });
const checkpointRoot = element('div', { class: 'checkpoints', 'data-role': 'checkpoints', hidden: '' });
const top = element('div', { class: 'top' }, header, toolbarRoot, checkpointRoot);
document.body.append(top, bannerRoot, log, placeholder, queueRoot, permissionRoot, footer);

/** Which part of the tab asked, so its reply settles that part. */
type Origin = 'composer' | 'toolbar' | 'banner' | 'queue' | 'transcript' | 'permission' | 'checkpoints';

const view = new TranscriptView(log, {
  openFile: (path, line) => request({ action: 'openFile', path, ...(line ? { line } : {}) }, 'transcript'),
  openSession: (sessionId) => request({ action: 'openSession', sessionId }, 'transcript'),
});
let transcript: TranscriptModel = emptyTranscript;
let state: ChatState | undefined;
/** Restore the saved scroll position at the next paint (after a snapshot). */
let restoreScroll = true;
let nextRequestId = 1;
const pending = new Map<number, { action: ChatAction; origin: Origin }>();

const restoredDraft = viewState?.draft ?? '';
const composer = new Composer(footer, restoredDraft, {
  send: (text) => request({ action: 'send', text }, 'composer'),
  retry: () => request({ action: 'retry' }, 'composer'),
  draftChanged: (draft) => saveState({ draft }),
});

const toolbar = new Toolbar(toolbarRoot, {
  setMode: (mode) => request({ action: 'setMode', mode }, 'toolbar'),
  setModel: (model) => request({ action: 'setModel', model }, 'toolbar'),
  stop: () => request({ action: 'stop' }, 'toolbar'),
  restart: () => request({ action: 'retry' }, 'toolbar'),
  handoff: () => request({ action: 'handoff' }, 'toolbar'),
});

const banner = new ErrorBanner(bannerRoot, {
  restart: () => request({ action: 'retry' }, 'banner'),
  agentAction: (agentAction) => request({ action: 'agentAction', agentAction }, 'banner'),
});

const queue = new QueueView(queueRoot, {
  edit: (messageId, text) => request({ action: 'editQueued', messageId, text }, 'queue'),
  remove: (messageId) => request({ action: 'removeQueued', messageId }, 'queue'),
  sendQueued: () => request({ action: 'sendQueued' }, 'queue'),
});

const checkpoints = new CheckpointBar(checkpointRoot, {
  undoLastTurn: () => request({ action: 'undoLastTurn' }, 'checkpoints'),
  restore: (checkpointId) => request({ action: 'restoreCheckpoint', checkpointId }, 'checkpoints'),
});
checkpoints.listen(log);

const permission = new PermissionPrompt(permissionRoot, (requestId, optionId) => request({ action: 'replyPermission', requestId, optionId }, 'permission'));

function request(action: ChatAction, origin: Origin): void {
  const requestId = nextRequestId++;
  pending.set(requestId, { action, origin });
  vscode.postMessage({ type: 'request', requestId, request: action });
}

function saveState(change: Partial<ChatViewState>): void {
  const sessionId = change.sessionId ?? viewState?.sessionId ?? state?.sessionId;
  if (!sessionId) return;
  viewState = ChatViewState.parse({ ...viewState, ...change, sessionId });
  vscode.setState(viewState);
  // VS Code for the web may not persist webview state before a reload: the panel keeps a copy.
  vscode.postMessage({ type: 'saveViewState', state: viewState });
}

// ---------------------------------------------------------------------------
// Painting: batched to one per animation frame while events stream in
// ---------------------------------------------------------------------------

let frame: number | undefined;
function schedulePaint(): void {
  frame ??= requestAnimationFrame(() => {
    frame = undefined;
    paint();
  });
}

function paint(): void {
  const pinned = restoreScroll ? (viewState?.pinnedToBottom ?? true) : isAtBottom() || keptAtBottom;
  view.setRoot(state?.task?.worktreePath);
  view.render(transcript.items);
  paintHeader();
  toolbar.render(state?.session);
  banner.render(state?.session, state?.agent);
  checkpoints.render(state);
  checkpoints.mark(log, state);
  paintPlaceholder();
  const session = state?.session;
  queue.render(session?.queue ?? [], session?.queuePaused ?? false, session !== undefined && session.status !== 'error' && session.status !== 'closed');
  permission.render(state?.session?.pendingPermission);
  composer.setCommands(transcript.commands);
  composer.apply(composerModel(state));
  if (restoreScroll && state?.sync.phase !== 'loading') {
    restoreScroll = false;
    if (!pinned) log.scrollTop = viewState?.scrollTop ?? 0;
  }
  if (pinned) log.scrollTop = log.scrollHeight;
  keptAtBottom = pinned;
}

/** What the header last showed, to rebuild it only when that changes. */
let headerShown = '';
function paintHeader(): void {
  const title = state?.task?.title ?? '';
  const status = state?.session ? statusLabel[state.session.status] : '';
  const context = transcript.context;
  const key = JSON.stringify([title, status, state?.session?.status, context]);
  if (key === headerShown) return;
  headerShown = key;
  const usage = context ? contextText(context) : undefined;
  header.replaceChildren(
    element('span', { class: 'task-title', title: title }, title),
    usage ? element('span', { class: 'session-usage', 'data-role': 'usage', title: usage.title }, usage.text) : '',
    element('span', { class: 'session-status' }, status),
  );
  if (state?.session) header.dataset.status = state.session.status;
}

function paintPlaceholder(): void {
  let text = '';
  if (state?.sync.phase === 'failed') text = `Could not load the transcript: ${state.sync.message}`;
  else if (transcript.items.length === 0) text = state?.sync.phase === 'live' ? 'No messages yet.' : 'Loading transcript...';
  placeholder.textContent = text;
  placeholder.hidden = text === '';
  placeholder.dataset.tone = state?.sync.phase === 'failed' ? 'error' : 'info';
}

function isAtBottom(): boolean {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 8;
}

/**
 * The last paint left the transcript at its bottom and the user has not scrolled away since. The
 * banner, queue and toolbar around the transcript finish rendering after the paint (their buttons
 * are custom elements), which shrinks the transcript: it stays at the bottom all the same.
 */
let keptAtBottom = true;
new ResizeObserver(() => {
  if (keptAtBottom && !restoreScroll) log.scrollTop = log.scrollHeight;
}).observe(log);

let scrollSave: number | undefined;
log.addEventListener('scroll', () => {
  if (restoreScroll) return;
  keptAtBottom = isAtBottom();
  scrollSave ??= requestAnimationFrame(() => {
    scrollSave = undefined;
    saveState({ scrollTop: log.scrollTop, pinnedToBottom: isAtBottom() });
  });
});

// ---------------------------------------------------------------------------
// Messages from the panel
// ---------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = ToWebview.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Foundry chat: ignored an invalid message', parsed.error.issues[0]?.message);
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'snapshot':
      state = message.state;
      // The panel's copy wins unless the user already typed since this webview loaded.
      if (message.viewState && composer.text === restoredDraft) {
        viewState = { ...message.viewState, sessionId: message.state.sessionId };
        vscode.setState(viewState);
        composer.setText(viewState.draft);
      } else if (!message.viewState && restoredDraft) {
        // Only the webview's own state had the draft: give the panel its copy (it acks with the saved mark).
        saveState({ draft: restoredDraft });
      }
      transcript = applyEvents(emptyTranscript, message.events);
      view.clear();
      restoreScroll = true;
      paint();
      if (document.hasFocus() && composerModel(state).inputEnabled) composer.focus();
      return;
    case 'events':
      transcript = applyEvents(transcript, message.events);
      schedulePaint();
      return;
    case 'state':
      state = message.state;
      schedulePaint();
      return;
    case 'viewStateSaved':
      composer.draftSaved(message.draft);
      return;
    case 'reply': {
      const asked = pending.get(message.requestId);
      if (!asked) return;
      pending.delete(message.requestId);
      settle(asked.action, asked.origin, message.error);
      return;
    }
  }
});

/** A request's answer reached the tab: the part that asked shows the outcome. */
function settle(action: ChatAction, origin: Origin, error: string | undefined): void {
  switch (origin) {
    case 'composer':
      composer.settle(error, action.action === 'send' ? action.text : undefined);
      return;
    case 'toolbar':
    case 'banner':
      toolbar.settle(error, origin === 'toolbar' && action.action !== 'handoff');
      return;
    case 'queue':
      queue.settle();
      if (error && action.action === 'editQueued') queue.editRefused(action.messageId);
      if (error) composer.refuse(error);
      schedulePaint();
      return;
    case 'permission':
      if (error && action.action === 'replyPermission') {
        permission.refused(action.requestId);
        schedulePaint();
      }
      if (error) composer.refuse(error);
      return;
    case 'transcript':
      if (error) composer.refuse(error);
      return;
    case 'checkpoints':
      checkpoints.settle(error);
      schedulePaint();
      return;
  }
}

vscode.postMessage({ type: 'ready' });
