/**
 * Detail reads and per-file actions of the review, each for the one file or folder asked: both
 * sides of a diff, one folder's entries, revert of a file to its base (kept first under a Foundry
 * ref) and its undo. Every path is checked against the real worktree: a symlink is read as its
 * link text (git's view), never followed, and no folder on the way may lead outside or into .git.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, readlink, realpath, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { FileTreeEntry } from '../../../shared/protocol';
import { FOUNDRY_IDENTITY, gitOk, gitRun } from './gitRun';
import { looksBinary } from './gitState';

/** A side over this is not sent. */
export const MAX_DIFF_BYTES = 5 * 1024 * 1024;

/** A refusal the handler turns into a JSON-RPC error (`invalid`: -32602, `notFound`: -32001, `state`: -32002). */
export type Refusal = { refused: 'invalid' | 'notFound' | 'state'; message: string };
const refuse = (refused: Refusal['refused'], message: string): Refusal => ({ refused, message });

/**
 * The folder holding `rel` must resolve inside the worktree and outside its .git; null if so,
 * else the refusal. A folder that does not exist yet is fine (nothing to read there).
 */
async function checkPath(root: string, rel: string, field: string): Promise<Refusal | null> {
  const realRoot = await realpath(root);
  let dir = dirname(join(root, rel));
  // The nearest existing folder on the way.
  for (;;) {
    try {
      dir = await realpath(dir);
      break;
    } catch {
      const up = dirname(dir);
      if (up === dir) return refuse('invalid', `${field}: not inside the worktree`);
      dir = up;
    }
  }
  if (dir !== realRoot && !dir.startsWith(realRoot + sep)) return refuse('invalid', `${field}: '${rel}' leads outside the worktree through a symlink`);
  const inside = relative(realRoot, dir).split(sep);
  if (inside[0] === '.git') return refuse('invalid', `${field}: '${rel}' leads into .git`);
  return null;
}

type Side = { kind: 'absent' } | { kind: 'tooLarge' } | { kind: 'bytes'; bytes: Buffer };

/** The worktree's side: a file's bytes, a symlink's text; a folder or nothing is absent. */
async function worktreeSide(root: string, rel: string): Promise<Side> {
  const file = join(root, rel);
  let s;
  try {
    s = await lstat(file);
  } catch {
    return { kind: 'absent' };
  }
  if (s.isSymbolicLink()) return { kind: 'bytes', bytes: Buffer.from(await readlink(file)) };
  if (!s.isFile()) return { kind: 'absent' };
  if (s.size > MAX_DIFF_BYTES) return { kind: 'tooLarge' };
  return { kind: 'bytes', bytes: await readFile(file) };
}

/** `rev:path` from the object store, size-checked before its content is read. */
async function commitSide(root: string, rev: string, path: string): Promise<Side> {
  const spec = `${rev}:${path}`;
  const check = (await gitOk(root, ['cat-file', '--batch-check'], { input: `${spec}\n` })).toString().trim();
  const [, type, size] = check.split(' ');
  if (type !== 'blob') return { kind: 'absent' };
  if (Number(size) > MAX_DIFF_BYTES) return { kind: 'tooLarge' };
  return { kind: 'bytes', bytes: await gitOk(root, ['cat-file', 'blob', spec]) };
}

export async function fileDiff(p: { worktreePath: string; baseRef: string; path: string; oldPath?: string; against: 'base' | 'head' }) {
  const bad = await checkPath(p.worktreePath, p.path, 'path');
  if (bad) return bad;
  const rev = p.against === 'head' ? 'HEAD' : p.baseRef;
  let original = await commitSide(p.worktreePath, rev, p.oldPath ?? p.path);
  if (original.kind === 'absent' && p.oldPath) original = await commitSide(p.worktreePath, rev, p.path);
  const modified = await worktreeSide(p.worktreePath, p.path);
  const base = { path: p.path, original: null, modified: null };
  if (original.kind === 'tooLarge' || modified.kind === 'tooLarge') return { ...base, tooLarge: true };
  const bytes = [original, modified].flatMap((s) => (s.kind === 'bytes' ? [s.bytes] : []));
  if (bytes.some(looksBinary)) return { ...base, binary: true };
  const text = (s: Side) => (s.kind === 'bytes' ? s.bytes.toString('utf8') : null);
  return { path: p.path, original: text(original), modified: text(modified) };
}

/** A folder's order: directories first, then by name. */
export function byTreeOrder(a: { type: string; name: string }, b: { type: string; name: string }): number {
  if ((a.type === 'directory') !== (b.type === 'directory')) return a.type === 'directory' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export async function fileTree(p: { worktreePath: string; dir: string }): Promise<{ entries: Omit<FileTreeEntry, 'change'>[] } | Refusal> {
  const realRoot = await realpath(p.worktreePath);
  let real: string;
  try {
    real = await realpath(join(p.worktreePath, p.dir));
  } catch {
    return refuse('notFound', `dir: '${p.dir}' is not a folder of the worktree`);
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return refuse('invalid', `dir: '${p.dir}' leads outside the worktree through a symlink`);
  if (relative(realRoot, real).split(sep)[0] === '.git') return refuse('invalid', `dir: '${p.dir}' leads into .git`);
  let dirents;
  try {
    dirents = await readdir(real, { withFileTypes: true });
  } catch {
    return refuse('notFound', `dir: '${p.dir}' is not a folder of the worktree`);
  }
  const entries = dirents
    .filter((d) => d.name !== '.git')
    .map((d) => ({
      name: d.name,
      path: p.dir ? `${p.dir}/${d.name}` : d.name,
      type: d.isSymbolicLink() ? ('symlink' as const) : d.isDirectory() ? ('directory' as const) : ('file' as const),
    }))
    .sort(byTreeOrder);
  return { entries };
}

/** git's blob id of the worktree's `rel` (a symlink: of its text), null when absent. */
async function worktreeBlobId(root: string, rel: string): Promise<string | null> {
  const side = await worktreeSide(root, rel);
  if (side.kind === 'absent') return null;
  const bytes = side.kind === 'bytes' ? side.bytes : await readFile(join(root, rel));
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

async function blobIdAt(root: string, rev: string, path: string): Promise<string | null> {
  const r = await gitRun(root, ['rev-parse', '--verify', '-q', `${rev}:${path}`]);
  return r.code === 0 ? r.stdout.toString().trim() : null;
}

/** Bring `path` (and a rename's `oldPath`) back to `baseRef`, after keeping it under `ref`. */
export async function revertFile(p: { worktreePath: string; baseRef: string; path: string; oldPath?: string; ref: string }) {
  const bad = (await checkPath(p.worktreePath, p.path, 'path')) ?? (p.oldPath ? await checkPath(p.worktreePath, p.oldPath, 'path') : null);
  if (bad) return bad;
  const root = p.worktreePath;
  const now = await worktreeBlobId(root, p.path);
  const base = await blobIdAt(root, p.baseRef, p.path);
  if (now === base && !p.oldPath) return refuse('state', `path: '${p.path}' has no change against the base`);
  // Keep it: a commit of a tree holding just this file (or nothing: it was absent), built in a
  // temporary index so the user's index is never touched.
  const tmp = await mkdtemp(join(tmpdir(), 'foundry-revert-'));
  try {
    const env = { ...FOUNDRY_IDENTITY, GIT_INDEX_FILE: join(tmp, 'index') };
    await gitOk(root, ['read-tree', '--empty'], { env });
    if (now) await gitOk(root, ['update-index', '--add', '--', p.path], { env });
    const tree = (await gitOk(root, ['write-tree'], { env })).toString().trim();
    const commit = (await gitOk(root, ['commit-tree', tree, '-m', `foundry: before reverting ${p.path}`], { env })).toString().trim();
    await gitOk(root, ['update-ref', p.ref, commit]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const restore = async (path: string) => {
    if (await blobIdAt(root, p.baseRef, path)) await gitOk(root, ['restore', `--source=${p.baseRef}`, '--staged', '--worktree', '--', path]);
    else {
      await gitRun(root, ['rm', '--cached', '-q', '--ignore-unmatch', '--', path]);
      await unlink(join(root, path)).catch(() => {});
    }
  };
  await restore(p.path);
  if (p.oldPath) await restore(p.oldPath);
  return { existed: now !== null, after: await worktreeBlobId(root, p.path) };
}

/** Put `path` back as `ref` keeps it, unless it changed since the revert left it as `after`. */
export async function undoRevert(p: { worktreePath: string; path: string; oldPath?: string; ref: string; existed: boolean; after: string | null }) {
  const bad = await checkPath(p.worktreePath, p.path, 'path');
  if (bad) return bad;
  const root = p.worktreePath;
  const commit = await gitRun(root, ['rev-parse', '--verify', '-q', `${p.ref}^{commit}`]);
  if (commit.code !== 0) return refuse('notFound', `revertId: its ref ${p.ref} is gone`);
  if ((await worktreeBlobId(root, p.path)) !== p.after) return refuse('state', `path: '${p.path}' changed since the revert; undoing it would lose that change`);
  if (p.existed) await gitOk(root, ['restore', `--source=${commit.stdout.toString().trim()}`, '--worktree', '--', p.path]);
  else await unlink(join(root, p.path)).catch(() => {});
  // A rename's earlier path, which the revert brought back, goes again.
  if (p.oldPath && !(await checkPath(root, p.oldPath, 'path'))) {
    await gitRun(root, ['rm', '--cached', '-q', '--ignore-unmatch', '--', p.oldPath]);
    await unlink(join(root, p.oldPath)).catch(() => {});
  }
  return { ok: true as const };
}
