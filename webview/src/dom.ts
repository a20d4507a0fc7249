/** Small DOM helpers shared by the chat tab's views. */
/** Create an element with attributes and children (strings become text nodes). */
export function element(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}
