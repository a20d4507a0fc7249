/** Markdown text for tooltips. No `vscode` import. */

/** Escape text for markdown, so a title or an error message shows as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
