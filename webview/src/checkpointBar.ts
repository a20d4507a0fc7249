/**
 * Checkpoints in the chat tab (issue 9): "Undo Last Turn" under the toolbar, with the latest
 * restore's progress, result (files restored) or error beside it; and a "Restore to here" marker at
 * each user message whose turn began from a checkpoint. It reports clicks and sends nothing itself.
 */
import type { ChatState } from '../../shared/webview-protocol';
import { turnInProgress } from '../../shared/protocol';
import { element, icon } from './dom';

export interface CheckpointEvents {
  undoLastTurn(): void;
  restore(checkpointId: string): void;
}

type Checkpoints = NonNullable<ChatState['checkpoints']>;

export class CheckpointBar {
  private readonly undo = element('button', { type: 'button', class: 'checkpoint-undo', 'data-role': 'undo-last-turn', title: 'Bring the worktree back to how it was before the last turn' }, icon('discard'), ' Undo Last Turn');
  private readonly status = element('span', { class: 'checkpoint-status', 'data-role': 'restore-status', role: 'status', 'aria-live': 'polite' });
  /** A refusal of the last click, until the next click or restore. */
  private refusal: string | undefined;
  private shownRestore = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly events: CheckpointEvents,
  ) {
    root.append(this.undo, this.status);
    this.undo.addEventListener('click', () => {
      this.refusal = undefined;
      this.undo.setAttribute('disabled', '');
      events.undoLastTurn();
    });
  }

  render(state: ChatState | undefined): void {
    const cps = state?.checkpoints;
    const running = state?.session ? turnInProgress(state.session.status) : false;
    const restoring = cps?.restore?.status === 'queued' || cps?.restore?.status === 'running';
    this.root.hidden = !cps || cps.turns.length === 0;
    this.undo.toggleAttribute('disabled', running || restoring || !cps?.turns.length);
    const key = JSON.stringify(cps?.restore ?? null);
    if (key !== this.shownRestore) {
      this.shownRestore = key;
      this.refusal = undefined;
    }
    const text = this.refusal ?? restoreText(cps);
    this.status.textContent = text;
    this.status.dataset.tone = this.refusal || cps?.restore?.status === 'failed' ? 'error' : 'info';
  }

  /** The request's answer: a refusal shows until the next change. */
  settle(error: string | undefined): void {
    this.refusal = error;
    this.undo.removeAttribute('disabled');
  }

  /**
   * Put a "Restore to here" button on each rendered user message whose turn began from a
   * checkpoint: the turn is the session's last one begun at or before the message's time.
   */
  mark(log: HTMLElement, state: ChatState | undefined): void {
    const turns = state?.checkpoints?.turns ?? [];
    const disabled = (state?.session && turnInProgress(state.session.status)) || ['queued', 'running'].includes(state?.checkpoints?.restore?.status ?? '');
    for (const el of log.querySelectorAll<HTMLElement>('.message.user[data-at]')) {
      const at = Number(el.dataset.at);
      const turn = turns.filter((t) => t.startedAt <= at).at(-1);
      let marker = el.querySelector<HTMLElement>('.checkpoint-marker');
      if (!turn) {
        marker?.remove();
        continue;
      }
      if (!marker) {
        marker = element('button', { type: 'button', class: 'checkpoint-marker', 'data-role': 'restore-here', title: 'Bring the worktree back to how it was when this message was sent' }, icon('history'), ' Restore to here');
        el.prepend(marker);
      }
      marker.dataset.checkpoint = turn.checkpointId;
      marker.toggleAttribute('disabled', Boolean(disabled));
    }
  }

  /** Clicks on the markers (delegated from the transcript). */
  listen(log: HTMLElement): void {
    log.addEventListener('click', (e) => {
      const marker = (e.target as HTMLElement | null)?.closest<HTMLElement>('.checkpoint-marker');
      if (!marker?.dataset.checkpoint || marker.hasAttribute('disabled')) return;
      this.refusal = undefined;
      this.events.restore(marker.dataset.checkpoint);
    });
  }
}

function restoreText(cps: Checkpoints | undefined): string {
  const r = cps?.restore;
  if (!r) return '';
  switch (r.status) {
    case 'queued':
      return 'Restore queued…';
    case 'running':
      return 'Restoring the worktree…';
    case 'done': {
      const n = (r.written ?? 0) + (r.removed ?? 0);
      return `Restored: ${n} ${n === 1 ? 'file' : 'files'} (${r.written ?? 0} written, ${r.removed ?? 0} removed). The state before it is a checkpoint too.`;
    }
    case 'failed':
      return `Restore failed: ${r.error ?? 'unknown error'}`;
  }
}
