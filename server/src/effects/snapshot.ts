/**
 * Snapshots of a worktree's whole state as git objects (INTERIM on the `lifecycle` branch: the
 * `snapshots` branch owns this module and its API; the merge takes theirs).
 *
 * A snapshot commit's tree is the working tree (staged, unstaged, untracked and git-ignored files,
 * executable bits, symbolic links) minus regenerable folders; its parents are HEAD and a commit
 * of the index tree, like git stash. Written through a temporary index, so the user's index and
 * working tree are never touched.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TakeSnapshotParams {
  worktreePath: string;
  ref: string;
  regenerable: readonly string[];
  message: string;
  previous?: string;
}
export interface SnapshotResult {
  commit: string;
  head: string;
  tree: string;
  unchanged: boolean;
  files: number;
  bytes: number;
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

const IDENTITY = { GIT_AUTHOR_NAME: 'Foundry', GIT_AUTHOR_EMAIL: 'foundry@localhost', GIT_COMMITTER_NAME: 'Foundry', GIT_COMMITTER_EMAIL: 'foundry@localhost' };

function run(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env: { ...process.env, ...IDENTITY, ...env }, maxBuffer: 256 * 1024 * 1024 }, (e, out, err) =>
      e ? reject(new Error(`git ${args[0]} failed in ${cwd}: ${String(err || e.message).trim()}`)) : resolve(out),
    ),
  );
}

const excludes = (regenerable: readonly string[]) => regenerable.map((name) => `:(exclude,glob)**/${name}/**`);

/** The regenerable folders present in the worktree (relative paths), not entered. */
async function presentRegenerable(root: string, regenerable: readonly string[]): Promise<string[]> {
  const names = new Set(regenerable);
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isDirectory() || e.name === '.git') continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (names.has(e.name)) found.push(path);
      else await walk(path);
    }
  };
  await walk('');
  return found.sort();
}

/** Stage the whole working tree (ignored files too, regenerable folders left out) into a temporary index; its tree id. */
async function worktreeTree(worktreePath: string, regenerable: readonly string[], index: string): Promise<string> {
  const real = (await run(worktreePath, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
  if (existsSync(real)) await copyFile(real, index);
  const env = { GIT_INDEX_FILE: index };
  await run(worktreePath, ['add', '-A', '-f', '--', '.', ...excludes(regenerable)], env);
  return (await run(worktreePath, ['write-tree'], env)).trim();
}

async function withTempIndex<T>(fn: (index: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'foundry-snap-'));
  try {
    return await fn(join(dir, 'index'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function treeStats(cwd: string, tree: string): Promise<{ files: number; bytes: number }> {
  const out = await run(cwd, ['ls-tree', '-r', '-l', '-z', tree]);
  let files = 0;
  let bytes = 0;
  for (const line of out.split('\0')) {
    if (!line) continue;
    files++;
    const size = Number(line.split(/\s+/)[3]);
    if (Number.isFinite(size)) bytes += size;
  }
  return { files, bytes };
}

export async function takeSnapshot(p: TakeSnapshotParams): Promise<SnapshotResult> {
  const cwd = p.worktreePath;
  const head = (await run(cwd, ['rev-parse', 'HEAD'])).trim();
  const indexTree = (await withTempIndex(async (index) => {
    const real = (await run(cwd, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
    if (existsSync(real)) await copyFile(real, index);
    return run(cwd, ['write-tree'], { GIT_INDEX_FILE: index });
  })).trim();
  const tree = await withTempIndex((index) => worktreeTree(cwd, p.regenerable, index));
  const excluded = await presentRegenerable(cwd, p.regenerable);
  const stats = await treeStats(cwd, tree);
  if (p.previous) {
    const prev = (await run(cwd, ['show', '-s', '--format=%T %P', p.previous]).catch(() => '')).trim().split(' ');
    const prevIndexTree = prev[2] ? (await run(cwd, ['rev-parse', `${prev[2]}^{tree}`]).catch(() => '')).trim() : '';
    if (prev[0] === tree && prev[1] === head && prevIndexTree === indexTree) return { commit: p.previous, head, tree, unchanged: true, excluded, ...stats };
  }
  const indexCommit = (await run(cwd, ['commit-tree', indexTree, '-p', head, '-m', `index of ${p.message}`])).trim();
  const commit = (await run(cwd, ['commit-tree', tree, '-p', head, '-p', indexCommit, '-m', p.message])).trim();
  await run(cwd, ['update-ref', p.ref, commit]);
  return { commit, head, tree, unchanged: false, excluded, ...stats };
}

export async function restoreSnapshot(p: RestoreSnapshotParams): Promise<RestoreSnapshotResult> {
  const cwd = p.worktreePath;
  const [tree, head, indexCommit] = (await run(cwd, ['show', '-s', '--format=%T %P', p.commit])).trim().split(' ');
  if (p.moveHead) await run(cwd, ['reset', '--soft', head]);
  const target = new Set((await run(cwd, ['ls-tree', '-r', '-z', '--name-only', tree])).split('\0').filter(Boolean));
  let removed = 0;
  await withTempIndex(async (index) => {
    // What the worktree holds now (outside regenerable folders): whatever the snapshot lacks goes.
    const now = await worktreeTree(cwd, p.regenerable, index);
    const present = (await run(cwd, ['ls-tree', '-r', '-z', '--name-only', now])).split('\0').filter(Boolean);
    for (const path of present) {
      if (target.has(path)) continue;
      await unlink(join(cwd, path)).catch(() => {});
      removed++;
    }
    await run(cwd, ['read-tree', tree], { GIT_INDEX_FILE: index });
    await run(cwd, ['checkout-index', '-a', '-f'], { GIT_INDEX_FILE: index });
  });
  // The user's index as it was.
  await run(cwd, ['read-tree', `${indexCommit}^{tree}`]);
  await run(cwd, ['update-index', '-q', '--refresh']).catch(() => '');
  return { written: target.size, removed, tree };
}
