/**
 * Syntax highlighting for code blocks in agent markdown: a small tokenizer, no network and no
 * grammar files. Each token becomes `<span class="hl-<token>">`; chat.css colours the classes
 * from VS Code theme variables. The output is escaped HTML (and DOMPurify sanitises the whole
 * message after this anyway).
 */
import { languageFor, type Language, type Token } from './highlightLanguages';

/** Highlighted HTML for `code`, or undefined when the language is not one we know. */
export function highlight(code: string, lang: string): string | undefined {
  const language = languageFor(lang);
  if (!language) return undefined;
  let out = '';
  let plainFrom = 0;
  let i = 0;
  while (i < code.length) {
    // No token starts with white space: skip it without trying every rule.
    if (isSpace(code.charCodeAt(i))) {
      i++;
      continue;
    }
    const match = matchAt(language, code, i);
    if (!match) {
      i++;
      continue;
    }
    out += escapeHtml(code.slice(plainFrom, i));
    out += match.token ? `<span class="hl-${match.token}">${escapeHtml(match.text)}</span>` : escapeHtml(match.text);
    i += match.text.length;
    plainFrom = i;
  }
  return out + escapeHtml(code.slice(plainFrom));
}

function matchAt(language: Language, code: string, at: number): { text: string; token: Token | undefined } | undefined {
  for (const [pattern, token] of language.rules) {
    pattern.lastIndex = at;
    const m = pattern.exec(code);
    if (!m || m[0] === '') continue;
    if (typeof token === 'function') return { text: m[0], token: token(m[0], code, at + m[0].length) };
    return { text: m[0], token };
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
