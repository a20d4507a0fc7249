// The tool-call diff's line diff (webview/src/lineDiff.ts): correct, minimal, bounded.
// Run: node --test webview/test/*.test.mjs   (bundles the TypeScript module with esbuild in memory)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './bundle.mjs';

const { diffLines, splitLines, unifiedHunks, diffStats } = await load('webview/src/lineDiff.ts');

/** Length of a longest common subsequence, by dynamic programming: what a minimal script keeps. */
function lcs(a, b) {
  const row = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

/** A seeded generator, so a failure names inputs that can be replayed. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('on random inputs the script rebuilds both sides and keeps as many lines as an LCS', () => {
  const random = rng(42);
  for (let round = 0; round < 300; round++) {
    const pick = () => Array.from({ length: Math.floor(random() * 14) }, () => 'abcde'[Math.floor(random() * 5)]);
    const a = pick();
    const b = pick();
    const script = diffLines(a, b);
    const where = `round ${round}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`;
    assert.deepEqual(script.filter((l) => l.op !== '+').map((l) => l.text), a, where);
    assert.deepEqual(script.filter((l) => l.op !== '-').map((l) => l.text), b, where);
    assert.equal(script.filter((l) => l.op === ' ').length, lcs(a, b), `minimal: ${where}`);
  }
});

test('past the edit bound the middle is shown removed then added, still rebuilding both sides', () => {
  const a = Array.from({ length: 50 }, (_, i) => `old ${i}`);
  const b = Array.from({ length: 50 }, (_, i) => `new ${i}`);
  const script = diffLines(['same', ...a, 'end'], ['same', ...b, 'end'], 10);
  assert.deepEqual(
    script.map((l) => l.op).join(''),
    ` ${'-'.repeat(50)}${'+'.repeat(50)} `,
  );
});

test('hunks carry three lines of context, merge when close, and number lines as diff -u does', () => {
  const old = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  const changed = [...old];
  changed[4] = 'line 5 changed'; // line 5
  changed[11] = 'line 12 changed'; // 7 lines later: within 2 contexts, same hunk
  changed.splice(25, 1); // line 26 removed: far away, its own hunk
  const hunks = unifiedHunks(old.join('\n') + '\n', changed.join('\n') + '\n');
  assert.equal(hunks.length, 2);
  assert.deepEqual([hunks[0].oldStart, hunks[0].oldLines, hunks[0].newStart, hunks[0].newLines], [2, 14, 2, 14]);
  assert.deepEqual(hunks[0].lines.slice(0, 5).map((l) => l.op + l.text), [' line 2', ' line 3', ' line 4', '-line 5', '+line 5 changed']);
  assert.deepEqual([hunks[1].oldStart, hunks[1].oldLines, hunks[1].newStart, hunks[1].newLines], [23, 7, 23, 6]);
  assert.deepEqual(diffStats(hunks), { added: 2, removed: 3 });
});

test('a new file is all additions; equal texts have no hunks; a final newline is not a line', () => {
  const created = unifiedHunks(null, 'a\nb\n');
  assert.deepEqual(created.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]), [[0, 0, 1, 2]]);
  assert.deepEqual(created[0].lines.map((l) => l.op + l.text), ['+a', '+b']);
  assert.deepEqual(unifiedHunks('same\n', 'same'), []);
  assert.deepEqual(splitLines('x\r\ny\n'), ['x', 'y']);
  assert.deepEqual(splitLines(''), []);
});

test('a one-line change in a 20,000-line file is one small hunk', () => {
  const big = Array.from({ length: 20_000 }, (_, i) => `const v${i} = ${i};`);
  const edited = [...big];
  edited[10_000] = 'const changed = true;';
  const hunks = unifiedHunks(big.join('\n'), edited.join('\n'));
  assert.equal(hunks.length, 1);
  assert.equal(hunks[0].lines.length, 8);
  assert.equal(hunks[0].oldStart, 9998);
});
