/**
 * The chat tab's Content-Security-Policy. Nothing loads by default; the script needs the per-load
 * nonce; styles and fonts come from the webview's own resources; images only from those and
 * `data:`. Agent text is untrusted and must never make the tab fetch a remote URL (that would carry
 * data out), so no directive names a remote scheme or host: webview/src/markdown.ts also turns
 * remote images into links, and this is the second wall. No `vscode` import, so it is unit-tested.
 */
export function chatCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}
