/**
 * Markdown -> sanitised HTML for agent messages: markdown-it with raw HTML off, then DOMPurify.
 *
 * Agent text is untrusted (a prompt-injected agent may write anything), and nothing in it may make
 * the tab fetch a URL: an image URL can carry data out. So an image shows only when it is embedded
 * (`data:`); any other image becomes a link with its alt text, which loads nothing until the user
 * opens it (VS Code then asks before it opens an external site). The sanitiser drops every other
 * attribute or element that would load something. The webview's CSP (`img-src` = its own
 * resources and `data:`) is the second wall. Code blocks are highlighted (highlight.ts) before
 * sanitising, so the sanitiser sees the highlighter's spans too.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { highlight } from './highlight';

// A fenced block in a language highlight.ts knows gets token spans; any other is escaped as is.
const md = new MarkdownIt({ html: false, linkify: true, breaks: false, highlight: (code, lang) => highlight(code, lang) ?? '' });

/** Embedded data is the only image source that loads nothing. */
export function isEmbedded(url: string): boolean {
  return /^data:/i.test(url.trim());
}

md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const src = String(token.attrGet('src') ?? '');
  if (isEmbedded(src)) return self.renderToken(tokens, idx, options);
  const alt = md.utils.escapeHtml(self.renderInlineAsText(token.children ?? [], options, env) || 'image');
  const url = md.utils.escapeHtml(src);
  const content = `<i class="codicon codicon-file-media" aria-hidden="true"></i>${alt}`;
  // An image that is itself a link's content stays that link's content (links do not nest).
  const inLink = tokens.slice(0, idx).reduce((depth, t) => depth + (t.type === 'link_open' ? 1 : t.type === 'link_close' ? -1 : 0), 0) > 0;
  if (inLink) return `<span class="remote-image" title="Image not loaded: ${url}">${content}</span>`;
  return `<a class="remote-image" href="${url}" title="Image not loaded: ${url}">${content}</a>`;
};

/** The markdown-it stage alone (no DOM needed): HTML in which no image loads from a URL. */
export function markdownHtml(text: string): string {
  return md.render(text);
}

/** Elements that load or embed something by themselves; markdown-it never emits them. */
const LoadingTags = ['audio', 'video', 'source', 'track', 'picture', 'iframe', 'frame', 'object', 'embed', 'link', 'style', 'base', 'meta', 'input', 'form'];
/** Attributes that make an element fetch a URL (as opposed to `href` on a link, which waits for a click). */
const LoadingAttributes = ['src', 'srcset', 'lowsrc', 'dynsrc', 'poster', 'background', 'data', 'ping', 'formaction', 'action', 'longdesc', 'xlink:href'];

let hooked = false;
function purifier(): typeof DOMPurify {
  if (hooked) return DOMPurify;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    for (const name of LoadingAttributes) {
      const value = node.getAttribute(name);
      if (value !== null && !(name === 'src' && isEmbedded(value))) node.removeAttribute(name);
    }
    if (node.hasAttribute('href') && node.tagName !== 'A') node.removeAttribute('href');
    if (/url\s*\(|image-set|@import/i.test(node.getAttribute('style') ?? '')) node.removeAttribute('style');
  });
  return DOMPurify;
}

/** Sanitise HTML for the transcript: scripts, handlers and anything that loads a URL are removed. */
export function sanitize(html: string): string {
  return purifier().sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: LoadingTags });
}

export function renderMarkdown(text: string): string {
  return sanitize(markdownHtml(text));
}
