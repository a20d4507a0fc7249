/** How the demo agent cuts a message into streamed pieces. */

/** Pieces are at most this long, so long text streams in many chunks. */
const MAX_CHUNK = 40;
/** Short text is still cut into this many pieces (fewer only when it has fewer characters). */
const MIN_CHUNKS = 4;

/**
 * Splits text into deterministic pieces: MIN_CHUNKS pieces for short text, pieces
 * of MAX_CHUNK characters for long text. Never splits a surrogate pair.
 */
export function splitChunks(text: string): string[] {
  const chars = Array.from(text);
  const size = Math.min(MAX_CHUNK, Math.max(1, Math.ceil(chars.length / MIN_CHUNKS)));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}
