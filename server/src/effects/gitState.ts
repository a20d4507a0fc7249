/**
 * The changes projection's git work, in one worker call: the worktree's changed files against the
 * task's base commit (committed, staged, unstaged and untracked), ahead/behind against the base
 * branch and the upstream, whether the branch still merges cleanly into the base (merge-tree: no
 * worktree, no index), and the last commit.
 */
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileChange, FileChangeStatus, TaskGitState } from '../../../shared/protocol';
import { gitRun, gitOk } from './gitRun';

/** Untracked files over this are listed without a line count. */
const MAX_COUNTED_BYTES = 5 * 1024 * 1024;
/** git's own heuristic: a NUL in the first 8000 bytes makes a file binary. */
export const looksBinary = (b: Buffer) => b.subarray(0, 8000).includes(0);

export type GitStateResult = { files: FileChange[]; git: Omit<TaskGitState, 'refreshedAt'> };

const STATUS: Record<string, FileChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'typechange', U: 'modified' };

type GitStateParams = { worktreePath: string; baseRef: string; baseBranch: string | null };

/**
 * The worktree's changes and git state, as one consistent reading: when HEAD moved while it was
 * read (a commit landing mid-refresh), it is read again (at most three times), so a refresh never
 * pairs the new commit with the file list from before it.
 */
export async function gitState(p: GitStateParams): Promise<GitStateResult> {
  const headOf = async () => {
    const r = await gitRun(p.worktreePath, ['rev-parse', '-q', '--verify', 'HEAD']);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  };
  let before = await headOf();
  for (let attempt = 1; ; attempt++) {
    const state = await readGitState(p);
    const after = await headOf();
    if ((after === before && after === state.git.lastCommit?.sha) || attempt === 3) return state;
    before = after;
  }
}

async function readGitState({ worktreePath, baseRef, baseBranch }: GitStateParams): Promise<GitStateResult> {
  const [diff, untracked, sinceHead, branchOk, upstream, last] = await Promise.all([
    gitOk(worktreePath, ['diff', '--raw', '--numstat', '-z', '-M', '--no-ext-diff', '--no-textconv', baseRef]),
    gitOk(worktreePath, ['ls-files', '--others', '--exclude-standard', '-z']),
    gitOk(worktreePath, ['diff', '--name-only', '--no-renames', '-z', 'HEAD']),
    baseBranch ? gitRun(worktreePath, ['rev-parse', '--verify', '-q', `refs/heads/${baseBranch}`]) : null,
    gitRun(worktreePath, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']),
    gitRun(worktreePath, ['log', '-1', '--format=%H%x00%ct%x00%s']),
  ]);
  const files = parseDiff(diff.toString('utf8'));
  const untrackedPaths = untracked.toString('utf8').split('\0').filter(Boolean);
  // What a commit would take: changed since HEAD (staged or not), and untracked.
  const uncommitted = new Set([...sinceHead.toString('utf8').split('\0').filter(Boolean), ...untrackedPaths]).size;
  for (const path of untrackedPaths) {
    if (files.has(path)) continue;
    const { lines, binary } = await countLines(join(worktreePath, path));
    files.set(path, { path, status: 'added', added: lines, removed: 0, untracked: true, ...(binary ? { binary } : {}) });
  }
  const base = branchOk?.code === 0 ? `refs/heads/${baseBranch}` : baseRef;
  const upstreamRef = upstream.code === 0 ? upstream.stdout.toString().trim() : '';
  const [vsBase, vsUpstream, merge] = await Promise.all([
    leftRight(worktreePath, base),
    upstreamRef ? leftRight(worktreePath, upstreamRef) : null,
    gitRun(worktreePath, ['merge-tree', '--write-tree', '--no-messages', base, 'HEAD']),
  ]);
  const [sha, at, subject] = last.code === 0 ? last.stdout.toString('utf8').trim().split('\0') : [];
  return {
    files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    git: {
      ahead: vsBase.ahead,
      behind: vsBase.behind,
      ...(vsUpstream ? { upstream: { ref: upstreamRef, ...vsUpstream } } : {}),
      // 0: clean, 1: conflicts; anything else (an unrelated history, an error): not known.
      ...(merge.code === 0 || merge.code === 1 ? { mergesCleanly: merge.code === 0 } : {}),
      ...(sha ? { lastCommit: { sha, subject: subject ?? '', at: Number(at) * 1000 } } : {}),
      uncommitted,
    },
  };
}

async function leftRight(cwd: string, other: string): Promise<{ ahead: number; behind: number }> {
  const out = (await gitOk(cwd, ['rev-list', '--left-right', '--count', `${other}...HEAD`])).toString().trim();
  const [behind, ahead] = out.split(/\s+/).map(Number);
  return { ahead: ahead || 0, behind: behind || 0 };
}

/** `git diff --raw --numstat -z`: raw records (status, paths), then numstat records (counts). */
export function parseDiff(out: string): Map<string, FileChange> {
  const t = out.split('\0');
  const files = new Map<string, FileChange>();
  const counts = new Map<string, { added: number; removed: number; binary: boolean }>();
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (!tok) continue;
    if (tok.startsWith(':')) {
      const letter = (tok.split(' ')[4] ?? 'M')[0];
      const status = STATUS[letter] ?? 'modified';
      if (letter === 'R' || letter === 'C') {
        const from = t[++i];
        const to = t[++i];
        files.set(to, { path: to, status, added: 0, removed: 0, ...(letter === 'R' ? { oldPath: from } : {}) });
      } else {
        const path = t[++i];
        files.set(path, { path, status, added: 0, removed: 0 });
      }
      continue;
    }
    const [a, r, path] = tok.split('\t');
    const target = path ? path : (i++, t[++i]);
    counts.set(target, { added: Number(a) || 0, removed: Number(r) || 0, binary: a === '-' });
  }
  for (const [path, c] of counts) {
    const f = files.get(path);
    if (!f) continue;
    f.added = c.added;
    f.removed = c.removed;
    if (c.binary) f.binary = true;
  }
  return files;
}

async function countLines(file: string): Promise<{ lines: number; binary: boolean }> {
  try {
    const s = await lstat(file);
    if (!s.isFile() || s.size === 0) return { lines: 0, binary: false };
    const fh = await open(file, 'r');
    try {
      const head = Buffer.alloc(Math.min(8000, s.size));
      await fh.read(head, 0, head.length, 0);
      if (looksBinary(head)) return { lines: 0, binary: true };
      if (s.size > MAX_COUNTED_BYTES) return { lines: 0, binary: false };
      const whole = await fh.readFile(); // from the start: the read above was positioned
      let n = 0;
      for (let i = whole.indexOf(10); i !== -1; i = whole.indexOf(10, i + 1)) n++;
      return { lines: whole[whole.length - 1] === 10 ? n : n + 1, binary: false };
    } finally {
      await fh.close();
    }
  } catch {
    return { lines: 0, binary: false };
  }
}
