/**
 * The pool's git work (pool/): making a pool worktree, handing it to a task, discarding it, the
 * orphan sweep, and copying a repository's listed ignored files into a new worktree. Every step
 * that touches .git/worktrees takes the repository's lock (git.ts withRepoLock); every removal
 * checks the ownership marker (ownership.ts) first.
 */
import { existsSync } from 'node:fs';
import { cp, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { gitOk, gitRun } from './gitRun';
import { withRepoLock } from './git';
import { adminDirOf, ownerOf, realOrNull, writeOwnerMarker } from './ownership';
import { WORK_PATHSPECS } from './ignoredWork';

/**
 * Git here runs as plain processes (gitRun.ts): a lease sits in createTask's path to a usable
 * sandbox, and simple-git's `status` took ten times as long as git itself (bench/pool.mjs).
 */
const out = async (cwd: string, args: string[]) => (await gitOk(cwd, args)).toString('utf8');
/** stdout, or null when git exits non-zero. */
const tryOut = async (cwd: string, args: string[]) => {
  const r = await gitRun(cwd, args).catch(() => null);
  return r && r.code === 0 ? r.stdout.toString('utf8') : null;
};

/** The marker a pool worktree carries until a task leases it (then: the task id). */
export const poolMarker = (entryId: string) => `pool:${entryId}`;
/** Branches of pool worktrees not leased yet. */
export const POOL_BRANCH_PREFIX = 'foundry/pool/';

export type Verdict = { ok: true } | { ok: false; reason: string };

const porcelain = (worktreePath: string) => out(worktreePath, ['status', '--porcelain', '-z']);
const currentBranch = async (worktreePath: string) => (await tryOut(worktreePath, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() ?? '';
const head = async (cwd: string) => (await out(cwd, ['rev-parse', 'HEAD'])).trim();
const branchTip = async (repoPath: string, branch: string) => (await out(repoPath, ['for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`])).trim() || null;

/**
 * The worktree's facts in two git processes: its top level and admin folder (real paths), the
 * repository's common dir, its HEAD commit and branch.
 */
async function worktreeFacts(repoPath: string, worktreePath: string) {
  const [paths, common, heads] = await Promise.all([
    tryOut(worktreePath, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir']),
    tryOut(repoPath, ['rev-parse', '--path-format=absolute', '--git-common-dir']),
    tryOut(worktreePath, ['rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD']),
  ]);
  const [top, gitDir] = (paths ?? '').split('\n');
  const [commit, ref] = (heads ?? '').split('\n');
  const real = async (p: string | undefined) => (p ? realOrNull(p.trim()) : null);
  const [topReal, gitDirReal, commonReal] = await Promise.all([real(top), real(gitDir), real(common ?? undefined)]);
  const admin = gitDirReal && commonReal && dirname(gitDirReal) === join(commonReal, 'worktrees') ? gitDirReal : null;
  return { top: topReal, admin, head: commit?.trim() || null, branch: ref?.startsWith('refs/heads/') ? ref.trim().slice('refs/heads/'.length) : '' };
}

/** The commit checked out in the repository's main working tree (a new worktree's base). */
export const repoHead = ({ repoPath }: { repoPath: string }) => head(repoPath);

/** `git status --porcelain` of a worktree: what a lease compares against to find it changed. */
export const worktreeDigest = ({ worktreePath }: { worktreePath: string }) => porcelain(worktreePath);

/** A new pool worktree on `branch` at the main checkout's HEAD, marked `pool:<entryId>`. */
export function poolCreate(p: { repoPath: string; worktreePath: string; branch: string; entryId: string }): Promise<{ baseRef: string }> {
  return withRepoLock(p.repoPath, async () => {
    if (existsSync(p.worktreePath)) throw new Error(`folder ${p.worktreePath} already exists; Foundry never deletes it`);
    const base = await head(p.repoPath);
    await out(p.repoPath, ['worktree', 'prune']);
    await out(p.repoPath, ['worktree', 'add', '-b', p.branch, p.worktreePath, base]);
    const admin = await adminDirOf(p.repoPath, p.worktreePath);
    if (!admin) throw new Error(`git worktree add made ${p.worktreePath}, but its admin folder in ${p.repoPath} was not found`);
    await writeOwnerMarker(admin, poolMarker(p.entryId));
    return { baseRef: base };
  });
}

/**
 * Hand a ready pool worktree to a task: check it is whole and unchanged (folder there, a worktree
 * of the repository, its marker the entry's, on the entry's base commit while that is still the
 * main checkout's HEAD, status as the setup script left it), then rename its branch to the task's
 * and rewrite the marker to the task id. Idempotent: a lease cut short after the rename (the
 * marker already the task's, the branch already renamed) finishes. `{ok: false}` says why the
 * entry cannot be used; nothing is changed then.
 */
export function poolAdopt(p: {
  repoPath: string;
  worktreePath: string;
  entryId: string;
  poolBranch: string;
  baseRef: string;
  statusDigest: string;
  taskId: string;
  branch: string;
}): Promise<Verdict> {
  return withRepoLock(p.repoPath, async (): Promise<Verdict> => {
    const real = await realOrNull(p.worktreePath);
    if (!real) return { ok: false, reason: 'its folder is gone' };
    const [facts, now, taken, status] = await Promise.all([
      worktreeFacts(p.repoPath, p.worktreePath),
      head(p.repoPath),
      branchTip(p.repoPath, p.branch),
      porcelain(p.worktreePath).catch(() => null),
    ]);
    if (facts.top !== real) return { ok: false, reason: 'git says its folder is not a worktree' };
    if (!facts.admin) return { ok: false, reason: `git says its folder is not a worktree of ${p.repoPath}` };
    const owner = await ownerOf(facts.admin);
    const resumed = owner === p.taskId;
    if (!resumed && owner !== poolMarker(p.entryId)) return { ok: false, reason: `its ownership marker is wrong (${owner ?? 'none'})` };
    if (resumed && facts.branch === p.branch) return { ok: true };
    if (facts.branch !== p.poolBranch) return { ok: false, reason: `it is on '${facts.branch || 'a detached HEAD'}', not on '${p.poolBranch}'` };
    if (now !== p.baseRef) return { ok: false, reason: `it is stale: the base commit moved (${p.baseRef.slice(0, 8)} -> ${now.slice(0, 8)})` };
    if (facts.head !== p.baseRef) return { ok: false, reason: 'it has commits the pool did not make' };
    if (status !== p.statusDigest) return { ok: false, reason: 'it is dirty (changed since its setup script finished)' };
    if (taken) return { ok: false, reason: `branch '${p.branch}' already exists` };
    await out(p.repoPath, ['branch', '-m', p.poolBranch, p.branch]);
    await writeOwnerMarker(facts.admin, p.taskId);
    return { ok: true };
  });
}

/**
 * Remove a pool worktree no task holds, and its `foundry/pool/` branch when that points at the
 * entry's base (no commit unique to it). Forced (its setup script's output goes with it) only
 * when its marker is the entry's and its status is what the setup script left (`statusDigest`;
 * null: the setup never finished, so nothing in it is anyone's work). Otherwise it is left, and
 * the answer says why.
 */
export function poolRemove(p: { repoPath: string; worktreePath: string; entryId: string; branch: string; baseRef: string | null; statusDigest: string | null }): Promise<Verdict> {
  return withRepoLock(p.repoPath, async (): Promise<Verdict> => {
    if (existsSync(p.worktreePath)) {
      const admin = await adminDirOf(p.repoPath, p.worktreePath);
      const owner = admin ? await ownerOf(admin) : null;
      if (owner !== poolMarker(p.entryId)) return { ok: false, reason: `${p.worktreePath} carries ${owner ? `the marker ${owner}` : 'no pool marker'}; left as it is` };
      if (p.statusDigest !== null && (await porcelain(p.worktreePath)) !== p.statusDigest) {
        return { ok: false, reason: `${p.worktreePath} changed since its setup script finished; left as it is` };
      }
      await out(p.repoPath, ['worktree', 'remove', '--force', p.worktreePath]);
    } else {
      await out(p.repoPath, ['worktree', 'prune']);
    }
    const tip = await branchTip(p.repoPath, p.branch);
    if (tip && p.branch.startsWith(POOL_BRANCH_PREFIX) && (p.baseRef === null || tip === p.baseRef)) await out(p.repoPath, ['branch', '-D', p.branch]);
    return { ok: true };
  });
}

/** Worktrees of the repository whose admin folder carries a Foundry ownership marker. */
export async function markedWorktrees({ repoPath }: { repoPath: string }): Promise<{ path: string; owner: string; branch: string | null }[]> {
  const list = await out(repoPath, ['worktree', 'list', '--porcelain']);
  const found: { path: string; owner: string; branch: string | null }[] = [];
  for (const block of list.split('\n\n')) {
    const lines = block.split('\n');
    const path = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (!path || !existsSync(path) || lines.includes('bare')) continue;
    const admin = await adminDirOf(repoPath, path);
    if (!admin) continue; // the main working tree
    const owner = await ownerOf(admin);
    if (!owner) continue;
    const ref = lines.find((l) => l.startsWith('branch '))?.slice('branch refs/heads/'.length) ?? null;
    found.push({ path, owner, branch: ref });
  }
  return found;
}

/**
 * Remove an orphan (a marked worktree no task or pool entry holds) only if it holds nothing:
 * its marker is still `owner`, it is clean, it has no ignored file outside the regenerable
 * folders, and its HEAD is reachable from another branch, tag, remote or refs/foundry/ ref.
 * Never forced. A `foundry/pool/` branch goes with it (it then holds nothing either).
 */
export function removeOrphan(p: { repoPath: string; worktreePath: string; owner: string }): Promise<Verdict> {
  return withRepoLock(p.repoPath, async (): Promise<Verdict> => {
    const admin = await adminDirOf(p.repoPath, p.worktreePath);
    if (!admin || (await ownerOf(admin)) !== p.owner) return { ok: false, reason: 'its marker changed' };
    if ((await porcelain(p.worktreePath)).length > 0) return { ok: false, reason: 'it holds uncommitted work' };
    const ignored = (await out(p.worktreePath, ['ls-files', '--others', '--ignored', '--exclude-standard', '-z', '--', ...WORK_PATHSPECS])).split('\0').filter(Boolean);
    if (ignored.length) return { ok: false, reason: `it holds ${ignored.length} git-ignored file(s) outside regenerable folders` };
    const branch = await currentBranch(p.worktreePath);
    // --branches matches --exclude against names without refs/heads/.
    const exclude = branch ? [`--exclude=${branch}`] : [];
    const unique = (await out(p.repoPath, ['rev-list', '--count', await head(p.worktreePath), '--not', ...exclude, '--branches', '--tags', '--remotes', '--glob=refs/foundry/*'])).trim();
    if (unique !== '0') return { ok: false, reason: `it holds ${unique} commit(s) on no other branch` };
    await out(p.repoPath, ['worktree', 'remove', p.worktreePath]);
    if (branch.startsWith(POOL_BRANCH_PREFIX)) await out(p.repoPath, ['branch', '-D', branch]);
    return { ok: true };
  });
}

/** A listed path must stay inside the repository. */
function safeRelative(path: string): string | null {
  const n = normalize(path).replace(/\/+$/, '');
  return !n || n === '.' || isAbsolute(n) || n === '..' || n.startsWith('../') ? null : n;
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  if (!sa || !sb || !sa.isFile() || !sb.isFile() || sa.size !== sb.size || sa.mode !== sb.mode) return false;
  const [ca, cb] = await Promise.all([readFile(a), readFile(b)]);
  return ca.equals(cb);
}

/**
 * Copy the listed git-ignored files (or folders) from the main checkout into a worktree. A path
 * that is missing, not ignored (tracked files come with the checkout) or outside the repository is
 * skipped; a file already identical is left. Answers the paths only, never their contents.
 */
export async function copyIgnored(p: { repoPath: string; worktreePath: string; paths: string[] }): Promise<{ copied: string[]; skipped: string[] }> {
  const copied: string[] = [];
  const skipped: string[] = [];
  for (const listed of p.paths) {
    const rel = safeRelative(listed);
    const from = rel ? join(p.repoPath, rel) : null;
    if (!rel || !from || !existsSync(from)) {
      skipped.push(listed);
      continue;
    }
    const ignored = ((await tryOut(p.repoPath, ['check-ignore', '--', rel])) ?? '').trim().length > 0;
    if (!ignored) {
      skipped.push(listed);
      continue;
    }
    const to = join(p.worktreePath, rel);
    if (await sameFile(from, to)) continue;
    await cp(from, to, { recursive: true, force: true, preserveTimestamps: true });
    copied.push(rel);
  }
  return { copied, skipped };
}
