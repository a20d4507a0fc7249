/**
 * Snapshots of a worktree as git objects (issue 9). A snapshot is the whole state of the
 * working tree: tracked, staged, unstaged, untracked and git-ignored files (a `.env` is work),
 * deletions, executable bits and symlinks, except what git does not track inside the folders a
 * build or install regenerates (a file tracked there is the user's and is kept with its edits).
 *
 * It is a commit shaped like `git stash`'s: its tree is the working tree, its parents are HEAD
 * and a commit of the index's tree, and it is kept under a `refs/foundry/...` ref of the
 * repository (refs are shared by all worktrees, so it outlives the worktree and gc).
 *
 * Everything is written through temporary index files (GIT_INDEX_FILE): the user's index is
 * only read (copied), never written, by a snapshot; only a restore sets it, on purpose.
 *
 * Every git call runs with `core.autocrlf=false`, `core.filemode=true` and `core.symlinks=true`,
 * so bytes, executable bits and links go in and come out unchanged. (Not covered: clean/smudge
 * filters and `eol` attributes a repository's .gitattributes declares; git applies those both
 * ways, as it does for a checkout.)
 */
import { copyFile, mkdtemp, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { FOUNDRY_IDENTITY, gitOk, gitRun } from './gitRun';

export interface TakeSnapshotParams {
  worktreePath: string;
  /** Full ref to write, e.g. refs/foundry/checkpoints/<taskId>/<n> or refs/foundry/archive/<taskId>. */
  ref: string;
  /** Folder names left out anywhere in the tree (node_modules, dist, ...). */
  regenerable: readonly string[];
  message: string;
  /** Commit of the last snapshot: when the state is the same, nothing is written. */
  previous?: string;
}
export interface SnapshotResult {
  /** The snapshot commit (parents: [HEAD, a commit of the index tree], like git stash). */
  commit: string;
  /** HEAD at the time. */
  head: string;
  /** The working tree's tree id. */
  tree: string;
  /** True when equal to `previous` (commit = previous, ref untouched). */
  unchanged: boolean;
  files: number;
  bytes: number;
  /** The regenerable folders present and left out (relative paths, `/`-separated). */
  excluded: string[];
}
export interface RestoreSnapshotParams {
  worktreePath: string;
  commit: string;
  regenerable: readonly string[];
  moveHead?: boolean;
}
export interface RestoreSnapshotResult {
  written: number;
  removed: number;
  tree: string;
}

/** Config that keeps bytes, modes and links as they are on disk, and never asks a daemon. */
const EXACT = ['-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false', '-c', 'core.filemode=true', '-c', 'core.symlinks=true', '-c', 'core.fsmonitor=false', '-c', 'core.splitIndex=false', '-c', 'core.untrackedCache=false'];

const GITLINK = '160000';
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const text = (b: Buffer) => b.toString('utf8').trim();
// Background priority: a snapshot runs while the next turn may already stream (checkpoints/service.ts).
const exact = (cwd: string, args: string[], index?: string, input?: string) =>
  gitOk(cwd, [...EXACT, ...args], { background: true, env: { ...FOUNDRY_IDENTITY, ...(index ? { GIT_INDEX_FILE: index } : {}) }, ...(input !== undefined ? { input } : {}) });
const run = (cwd: string, args: string[], index?: string) => gitRun(cwd, [...EXACT, ...args], { background: true, ...(index ? { env: { GIT_INDEX_FILE: index } } : {}) });

const inside = (names: readonly string[]) => names.map((n) => `:(glob)**/${n}/**`);
const outside = (names: readonly string[]) => ['.', ...names.map((n) => `:(exclude,glob)**/${n}/**`)];

/** HEAD (a worktree without a commit has nothing a snapshot can hang on) and the user's index file. */
async function headAndIndex(cwd: string): Promise<{ head: string; index: string }> {
  const r = await run(cwd, ['rev-parse', '--git-path', 'index', 'HEAD^{commit}']);
  const [index, head] = text(r.stdout).split('\n');
  if (r.code !== 0 || !head) throw new Error(`cannot snapshot ${cwd}: it has no commit yet (${r.stderr || 'no HEAD'})`);
  return { head, index: resolve(cwd, index) };
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'foundry-snapshot-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The working tree as a tree object, built in the temporary index `tmpIndex` (a copy of the
 * user's, so git's stat cache spares rehashing unchanged files); and the index's own tree.
 */
async function worktreeTrees(cwd: string, userIndex: string, tmpIndex: string, head: string, regenerable: readonly string[]): Promise<{ tree: string; indexTree: string }> {
  // Two copies: the index's own tree and the working tree's are written side by side.
  const indexCopy = `${tmpIndex}.own`;
  const copy = (to: string) =>
    copyFile(userIndex, to).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e; // no index yet: git starts an empty one
    });
  await Promise.all([copy(tmpIndex), copy(indexCopy)]);
  const indexTreeP = (async () => {
    // An index with unresolved conflicts has no tree: HEAD's stands for it (the files are in the working tree).
    const written = await run(cwd, ['write-tree'], indexCopy);
    return written.code === 0 ? text(written.stdout) : text(await exact(cwd, ['rev-parse', `${head}^{tree}`]));
  })();
  const treeP = (async () => {
    // A file git tracks inside a regenerable folder is the user's, not regenerable: it stays in,
    // with its edits and deletion; only what git does not track there is left out.
    if (regenerable.length) {
      const tracked = (await exact(cwd, ['ls-files', '-z', '--', ...inside(regenerable)], tmpIndex)).toString('utf8').split('\0').filter(Boolean);
      if (tracked.length) await exact(cwd, ['add', '-u', '--pathspec-from-file=-', '--pathspec-file-nul'], tmpIndex, tracked.map((f) => `:(literal)${f}`).join('\0') + '\0');
    }
    await exact(cwd, ['add', '-A', '-f', '--', ...outside(regenerable)], tmpIndex);
    return text(await exact(cwd, ['write-tree'], tmpIndex));
  })();
  const [tree, indexTree] = await Promise.all([treeP, indexTreeP]);
  return { tree, indexTree };
}

/** Folders named in `names` anywhere under `root` (not inside .git, not descended into), as relative paths. */
async function regenerableFolders(root: string, names: readonly string[]): Promise<string[]> {
  const wanted = new Set(names);
  const found: string[] = [];
  if (!wanted.size) return found;
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(rel ? join(root, rel) : root, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable while walking
    }
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || e.name === '.git') continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (wanted.has(e.name)) found.push(child);
      else subdirs.push(walk(child));
    }
    await Promise.all(subdirs);
  };
  await walk('');
  return found.sort();
}

/** Files (blobs and symlinks) in `tree` and their total size. */
async function inventory(cwd: string, tree: string): Promise<{ files: number; bytes: number }> {
  const out = (await exact(cwd, ['ls-tree', '-r', '-l', '-z', tree])).toString('utf8');
  let files = 0;
  let bytes = 0;
  for (const line of out.split('\0')) {
    if (!line) continue;
    const [meta] = line.split('\t', 1);
    const [, type, , size] = meta.split(/\s+/);
    if (type !== 'blob') continue;
    files += 1;
    bytes += Number(size) || 0;
  }
  return { files, bytes };
}

/** HEAD, working tree and index tree of an existing snapshot commit; null when it is not one. */
async function snapshotParts(cwd: string, commit: string): Promise<{ head: string; tree: string; indexTree: string } | null> {
  const r = await run(cwd, ['rev-parse', `${commit}^1`, `${commit}^{tree}`, `${commit}^2^{tree}`]);
  const [head, tree, indexTree] = text(r.stdout).split('\n');
  if (r.code !== 0 || !head || !tree || !indexTree) return null;
  return { head, tree, indexTree };
}

export async function takeSnapshot(p: TakeSnapshotParams): Promise<SnapshotResult> {
  const cwd = p.worktreePath;
  const { head, index } = await headAndIndex(cwd);
  const [{ tree, indexTree }, excluded, prev] = await Promise.all([
    withTempDir((dir) => worktreeTrees(cwd, index, join(dir, 'index'), head, p.regenerable)),
    regenerableFolders(cwd, p.regenerable),
    p.previous ? snapshotParts(cwd, p.previous) : Promise.resolve(null),
  ]);
  const countsP = inventory(cwd, tree);
  if (p.previous && prev && prev.head === head && prev.tree === tree && prev.indexTree === indexTree) {
    return { commit: p.previous, head, tree, unchanged: true, ...(await countsP), excluded };
  }
  const write = (async () => {
    const indexCommit = text(await exact(cwd, ['commit-tree', indexTree, '-p', head, '-m', `index of ${p.message}`]));
    const commit = text(await exact(cwd, ['commit-tree', tree, '-p', head, '-p', indexCommit, '-m', p.message]));
    await exact(cwd, ['update-ref', '-m', p.message, p.ref, commit]);
    return commit;
  })();
  const [commit, counts] = await Promise.all([write, countsP]);
  return { commit, head, tree, unchanged: false, ...counts, excluded };
}

interface TreeChange {
  status: string;
  path: string;
  srcMode: string;
  dstMode: string;
}

/** `git diff-tree -r -z` between two trees, renames off: what to remove and what to write. */
async function treeChanges(cwd: string, from: string, to: string): Promise<TreeChange[]> {
  const out = (await exact(cwd, ['diff-tree', '-r', '-z', '--no-renames', from, to])).toString('utf8').split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const meta = out[i];
    if (!meta.startsWith(':')) break;
    const [srcMode, dstMode, , , status] = meta.slice(1).split(' ');
    changes.push({ status, path: out[i + 1], srcMode, dstMode });
  }
  return changes;
}


/** Remove now-empty folders from `dir` up to (not including) `root`. */
async function pruneEmpty(root: string, dir: string): Promise<void> {
  while (dir.length > root.length && dir.startsWith(root + sep)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (or gone): stop
    }
    dir = dirname(dir);
  }
}

export async function restoreSnapshot(p: RestoreSnapshotParams): Promise<RestoreSnapshotResult> {
  const root = resolve(p.worktreePath);
  const cwd = root;
  const parts = await snapshotParts(cwd, p.commit);
  if (!parts) throw new Error(`not a Foundry snapshot: ${p.commit}`);
  const { head, index } = await headAndIndex(cwd);
  return withTempDir(async (dir) => {
    const tmpIndex = join(dir, 'index');
    const { tree: current } = await worktreeTrees(cwd, index, tmpIndex, head, p.regenerable);
    const changes = (await treeChanges(cwd, current, parts.tree)).filter(
      // Inside a regenerable folder only tracked files are in either tree, so only they are restored.
      (c) => c.srcMode !== GITLINK && c.dstMode !== GITLINK,
    );
    const removals = changes.filter((c) => c.status === 'D' || c.status === 'T');
    const writes = changes.filter((c) => c.status !== 'D').map((c) => c.path);
    for (const c of removals) {
      const abs = join(root, c.path);
      await rm(abs, { force: true });
      if (c.status === 'D') await pruneEmpty(root, dirname(abs));
    }
    if (writes.length) {
      const writeIndex = join(dir, 'restore-index');
      await exact(cwd, ['read-tree', parts.tree], writeIndex);
      await exact(cwd, ['checkout-index', '-f', '-z', '--stdin'], writeIndex, writes.join('\0') + '\0');
    }
    if (p.moveHead && head !== parts.head) await exact(cwd, ['update-ref', '-m', 'foundry: restore snapshot', 'HEAD', parts.head]);
    // The user's index as it was at the snapshot; a refresh records the files' stat data.
    await exact(cwd, ['read-tree', parts.indexTree === EMPTY_TREE ? '--empty' : parts.indexTree]);
    await run(cwd, ['update-index', '-q', '--refresh']);
    return { written: writes.length, removed: changes.length - writes.length, tree: parts.tree };
  });
}
