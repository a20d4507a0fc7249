/** Small DOM helpers shared by the chat tab's views. */

/** Create an element with attributes and children (strings become text nodes). */
export function element(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

/** A codicon, hidden from screen readers (the text beside it says the same). */
export function icon(name: string, spin = false): HTMLElement {
  return element('i', { class: `codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}`, 'aria-hidden': 'true' });
}

/** The element matching `selector` inside `el`; a missing one is a bug in the view that built `el`. */
export function child(el: HTMLElement, selector: string): HTMLElement {
  const found = el.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`chat view: missing ${selector}`);
  return found;
}

/** A button that opens `path` at `line` in the editor (the transcript view handles the click). */
export function fileButton(path: string, line: number | undefined, label: string, cls: string): HTMLElement {
  const attrs: Record<string, string> = { type: 'button', class: cls, 'data-open-path': path, title: line ? `Open ${path} at line ${line}` : `Open ${path}` };
  if (line) attrs['data-line'] = String(line);
  return element('button', attrs, label);
}
