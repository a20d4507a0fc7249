/**
 * A line diff of a file's old and new text, as unified hunks with context. Pure.
 *
 * Myers' O((N+M)·D) algorithm on what is left once the common head and tail are cut off; past
 * `maxEdits` differing lines it gives up on finding the shortest script and shows the middle
 * as removed then added, which is still a correct diff, just not a minimal one.
 */

export type DiffOp = ' ' | '+' | '-';

export interface DiffLine {
  readonly op: DiffOp;
  readonly text: string;
}

/** A unified-diff hunk: `@@ -oldStart,oldLines +newStart,newLines @@` and its lines. */
export interface Hunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly DiffLine[];
}

/** Lines of a text; a final newline does not start another line; null (a new file) has none. */
export function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The full edit script from `a` to `b`: every line of both, each kept, removed or added. */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 1000): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const middle = myers(midA, midB, maxEdits) ?? [...midA.map((text) => line('-', text)), ...midB.map((text) => line('+', text))];
  return [...a.slice(0, head).map((text) => line(' ', text)), ...middle, ...a.slice(a.length - tail).map((text) => line(' ', text))];
}

function line(op: DiffOp, text: string): DiffLine {
  return { op, text };
}

/** The shortest edit script, or undefined when it needs more than `maxEdits` edits. */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  // v[k + off]: the furthest x reached on diagonal k (x - y = k).
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v for diagonals -(d+1)..d+1 as it was before step d, to walk back from the end.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, maxEdits); d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[]): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const at = (k: number) => vd[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push(line(' ', a[x - 1]));
      x--;
      y--;
    }
    if (d > 0) out.push(x === prevX ? line('+', b[y - 1]) : line('-', a[x - 1]));
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** The changes from `oldText` to `newText` as hunks with `context` unchanged lines around each change. */
export function unifiedHunks(oldText: string | null, newText: string, context = 3): Hunk[] {
  const script = diffLines(splitLines(oldText), splitLines(newText));
  const changed = script.flatMap((l, i) => (l.op === ' ' ? [] : [i]));
  if (changed.length === 0) return [];
  // Runs of changes closer than two contexts apart share a hunk.
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups.at(-1);
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else groups.push([i, i]);
  }
  // Old and new line numbers (0-based) at each script position.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 0;
  let n = 0;
  for (const l of script) {
    oldAt.push(o);
    newAt.push(n);
    if (l.op !== '+') o++;
    if (l.op !== '-') n++;
  }
  return groups.map(([first, last]) => {
    const from = Math.max(0, first - context);
    const to = Math.min(script.length - 1, last + context);
    const lines = script.slice(from, to + 1);
    const oldLines = lines.filter((l) => l.op !== '+').length;
    const newLines = lines.filter((l) => l.op !== '-').length;
    // As in `diff -u`: an empty side names the line before it.
    return { oldStart: oldAt[from] + (oldLines ? 1 : 0), oldLines, newStart: newAt[from] + (newLines ? 1 : 0), newLines, lines };
  });
}

/** Lines added and removed over all hunks. */
export function diffStats(hunks: readonly Hunk[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.op === '+') added++;
      else if (l.op === '-') removed++;
    }
  }
  return { added, removed };
}
