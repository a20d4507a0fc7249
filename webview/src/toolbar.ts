/**
 * The tab's toolbar, under the task title: the mode picker (Foundry's approval policies first,
 * then the agent's own modes), the model picker (when the agent reported models), Stop (while a
 * turn runs or waits for a permission answer), Restart (a session in error) and "Continue with…".
 * It reports what the user picks and sends nothing itself; a refusal (a mode change mid-turn, say)
 * shows in its note until the next action or change.
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import { type SessionSummary, turnInProgress } from '../../shared/protocol';
import { element } from './dom';

export interface ToolbarEvents {
  setMode(mode: string): void;
  setModel(model: string): void;
  stop(): void;
  restart(): void;
  handoff(): void;
}

interface Option {
  readonly value: string;
  readonly name: string;
  readonly description?: string;
}

export class Toolbar {
  private readonly mode = picker('Mode', 'mode');
  private readonly model = picker('Model', 'model');
  private readonly stopButton = button('Stop', 'debug-stop');
  private readonly restartButton = button('Restart', 'debug-restart');
  private readonly handoffButton = button('Continue with…', 'arrow-swap');
  private readonly note = element('div', { class: 'toolbar-note', 'data-role': 'toolbar-note', role: 'status', 'aria-live': 'polite', hidden: '' });
  private session: SessionSummary | undefined;
  /** A request from the toolbar is in flight. */
  private busy = false;
  /** What the note says (a refused request), until the next action or a change of the session. */
  private refusal: string | undefined;
  /** What the pickers last showed, to rebuild their options only when they change. */
  private shown = '';

  constructor(root: HTMLElement, events: ToolbarEvents) {
    root.dataset.role = 'toolbar';
    root.setAttribute('role', 'toolbar');
    root.setAttribute('aria-label', 'Session');
    root.append(this.mode.label, this.model.label, this.stopButton, this.restartButton, this.handoffButton);
    root.after(this.note);
    this.mode.select.addEventListener('change', () => this.act(() => events.setMode(this.mode.select.value)));
    this.model.select.addEventListener('change', () => this.act(() => events.setModel(this.model.select.value)));
    this.stopButton.addEventListener('click', () => this.act(() => events.stop()));
    this.restartButton.addEventListener('click', () => this.act(() => events.restart()));
    // The panel asks which agent in VS Code's own picker, which may stay open: Stop stays usable meanwhile.
    this.handoffButton.addEventListener('click', () => this.act(() => events.handoff(), false));
  }

  render(session: SessionSummary | undefined): void {
    const before = this.session;
    this.session = session;
    if (before && session && (before.status !== session.status || before.mode !== session.mode || before.model !== session.model)) this.refusal = undefined;
    this.paint();
  }

  /** A request finished (`locking`: one that held the toolbar); `error` is why it was refused. */
  settle(error: string | undefined, locking = true): void {
    if (locking) this.busy = false;
    this.refusal = error;
    // A refused pick goes back to what the session really has.
    this.shown = '';
    this.paint();
  }

  private act(run: () => void, lock = true): void {
    if (this.busy) return;
    this.busy = lock;
    this.refusal = undefined;
    this.paint();
    run();
  }

  private paint(): void {
    const s = this.session;
    const closed = !s || s.status === 'closed';
    const modes: Option[] = (s?.modes ?? []).map((m) => ({ value: m.id, name: m.name, description: m.description }));
    const models: Option[] = (s?.models ?? []).map((m) => ({ value: m.id, name: m.name, description: m.description }));
    const key = JSON.stringify([s?.mode, modes, s?.model, models]);
    if (key !== this.shown) {
      this.shown = key;
      fill(this.mode.select, modes, s?.mode, 'Mode');
      fill(this.model.select, models, s?.model, 'Default model');
    }
    this.mode.label.hidden = modes.length === 0;
    this.model.label.hidden = models.length === 0;
    this.mode.select.disabled = closed || this.busy;
    this.model.select.disabled = closed || this.busy;
    show(this.stopButton, s !== undefined && turnInProgress(s.status), !this.busy);
    show(this.restartButton, s?.status === 'error', !this.busy);
    show(this.handoffButton, s !== undefined, !this.busy);
    this.note.textContent = this.refusal ?? '';
    this.note.hidden = this.refusal === undefined;
  }
}

function picker(name: string, role: string): { label: HTMLElement; select: HTMLSelectElement } {
  const select = element('select', { 'data-role': `${role}-picker`, 'aria-label': name }) as HTMLSelectElement;
  const label = element('label', { class: 'picker' }, element('span', { class: 'picker-name' }, name), select);
  return { label, select };
}

/** The options in order; a current value the list lacks (an old mode id) is shown first. */
function fill(select: HTMLSelectElement, options: readonly Option[], current: string | undefined, unset: string): void {
  const list = [...options];
  if (current && !list.some((o) => o.value === current)) list.unshift({ value: current, name: current });
  const els = list.map((o) => {
    const el = element('option', { value: o.value, ...(o.description ? { title: o.description } : {}) }, o.name) as HTMLOptionElement;
    return el;
  });
  if (!current && list.length) els.unshift(element('option', { value: '', disabled: '' }, unset) as HTMLOptionElement);
  select.replaceChildren(...els);
  select.value = current ?? '';
}

function button(label: string, iconName: string): VscodeButton {
  const b = element('vscode-button', { icon: iconName, 'data-role': label === 'Continue with…' ? 'handoff' : label.toLowerCase() }, label) as VscodeButton;
  b.secondary = true;
  return b;
}

function show(b: VscodeButton, visible: boolean, enabled: boolean): void {
  b.hidden = !visible;
  b.disabled = !enabled;
  b.setAttribute('aria-disabled', String(!enabled));
}
