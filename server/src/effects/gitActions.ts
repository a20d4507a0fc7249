/**
 * The git work of the repository actions (actions/gitKinds.ts calls these on the effects worker):
 * commit, fetch, push, rebase onto or merge from the base, and applying a task's changes to the
 * repository's main working tree. A failure the user should read comes back as `{failed,
 * conflicts?}` in git's own words; a rebase or merge that conflicts is aborted, leaving the
 * worktree as it was. Network commands never prompt (GIT_TERMINAL_PROMPT=0), time out, and are
 * ended when the worker shuts down; local ones are waited for.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { CommitInfo } from '../../../shared/protocol';
import { gitRun, type GitOut, type GitRunOptions } from './gitRun';

export type GitFailure = { failed: string; conflicts?: string[] };

export const IDENTITY_MISSING = "git has no identity: set it with git config --global user.name '…' and user.email '…'";

const NETWORK_TIMEOUT_MS = 10 * 60_000;
const LOCAL_TIMEOUT_MS = 10 * 60_000;

/** Git commands under way, so a shutdown ends the network ones and waits for the rest. */
const inflight = new Set<{ done: Promise<unknown>; network: boolean; abort: AbortController }>();

function run(cwd: string, args: string[], opts: GitRunOptions & { network?: boolean } = {}): Promise<GitOut> {
  const abort = new AbortController();
  const network = opts.network ?? false;
  const done = gitRun(cwd, args, {
    ...opts,
    signal: abort.signal,
    timeoutMs: opts.timeoutMs ?? (network ? NETWORK_TIMEOUT_MS : LOCAL_TIMEOUT_MS),
    env: { ...(network ? { GIT_TERMINAL_PROMPT: '0' } : {}), ...opts.env },
  });
  const entry = { done, network, abort };
  inflight.add(entry);
  void done.catch(() => undefined).finally(() => inflight.delete(entry));
  return done;
}

/** Worker shutdown: end fetches and pushes, let local commands (a rebase, a commit) finish. */
export async function settleGitActions(): Promise<void> {
  for (const e of inflight) if (e.network) e.abort.abort();
  await Promise.allSettled([...inflight].map((e) => e.done));
}

/** Credentials never leave in a message: `https://user:token@host` becomes `https://***@host`. */
const redact = (s: string) => s.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');

/** git's message without its hints, one line. */
export function gitSays(r: GitOut): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'));
  return redact(lines.join(' ') || (r.code === null ? 'git was stopped' : `git exited with code ${r.code}`));
}

async function ok(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<string> {
  const r = await run(cwd, args, opts);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${gitSays(r)}`);
  return r.stdout.toString('utf8');
}

const nulList = (out: string) => out.split('\0').filter(Boolean);
const lineList = (out: string) => out.split('\n').map((l) => l.trim()).filter(Boolean);
const shortList = (files: string[]) => (files.length > 5 ? `${files.slice(0, 5).join(', ')} and ${files.length - 5} more` : files.join(', '));

export async function head(cwd: string): Promise<string> {
  return (await ok(cwd, ['rev-parse', 'HEAD'])).trim();
}

export async function lastCommit(cwd: string): Promise<CommitInfo> {
  const [sha, at, subject] = (await ok(cwd, ['log', '-1', '--format=%H%x00%ct%x00%s'])).trim().split('\0');
  return { sha, subject: subject ?? '', at: Number(at) * 1000 };
}

/** Paths with uncommitted changes (staged, unstaged, untracked), from `git status --porcelain -z`. */
async function dirtyPaths(cwd: string): Promise<string[]> {
  const t = (await ok(cwd, ['status', '--porcelain', '-z', '--untracked-files=all'])).split('\0');
  const paths: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const entry = t[i];
    if (!entry) continue;
    paths.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') paths.push(t[++i]);
  }
  return paths;
}

/**
 * Whether git knows who commits: user.name and user.email in its config, or the environment's
 * GIT_AUTHOR_* and GIT_COMMITTER_* (EMAIL for the address). Never git's guess from the host name.
 */
/** The identity git commits as in `cwd` (the environment's, else the config's), or null when it has none. */
export async function identity({ cwd }: { cwd: string }): Promise<{ name: string; email: string } | null> {
  const env = process.env;
  const config = async (key: string) => (await run(cwd, ['config', '--get', key])).stdout.toString().trim();
  const name = (env.GIT_AUTHOR_NAME && env.GIT_COMMITTER_NAME) || (await config('user.name'));
  const email = (env.GIT_AUTHOR_EMAIL && env.GIT_COMMITTER_EMAIL) || (await config('user.email')) || env.EMAIL;
  return name && email ? { name, email } : null;
}

async function hasIdentity(cwd: string): Promise<boolean> {
  return (await identity({ cwd })) !== null;
}

const identityError = (r: GitOut) => /Please tell me who you are|unable to auto-detect email address|empty ident name/i.test(r.stderr);

async function noRemote(cwd: string): Promise<GitFailure | null> {
  const r = await run(cwd, ['remote', 'get-url', 'origin']);
  return r.code === 0 ? null : { failed: "the repository has no remote 'origin'" };
}

// --- commit

export async function commitAll({ worktreePath, message }: { worktreePath: string; message: string }): Promise<{ commit: CommitInfo } | GitFailure> {
  if (!(await hasIdentity(worktreePath))) return { failed: IDENTITY_MISSING };
  await ok(worktreePath, ['add', '-A']);
  const staged = await run(worktreePath, ['diff', '--cached', '--quiet']);
  if (staged.code === 0) return { failed: 'nothing to commit: the worktree has no changes since the last commit' };
  const r = await run(worktreePath, ['commit', '-q', '-F', '-'], { input: message });
  if (r.code !== 0) return { failed: identityError(r) ? IDENTITY_MISSING : `git commit failed: ${gitSays(r)}` };
  return { commit: await lastCommit(worktreePath) };
}

/** HEAD, its commit and whether anything is uncommitted (a commit cut short by a restart looks here). */
export async function worktreeHead({ worktreePath }: { worktreePath: string }): Promise<{ head: string; dirty: boolean; commit: CommitInfo }> {
  const commit = await lastCommit(worktreePath);
  return { head: commit.sha, dirty: (await dirtyPaths(worktreePath)).length > 0, commit };
}

// --- fetch, push

export async function fetchOrigin({ cwd }: { cwd: string }): Promise<{ message: string } | GitFailure> {
  const missing = await noRemote(cwd);
  if (missing) return missing;
  const r = await run(cwd, ['fetch', 'origin'], { network: true });
  if (r.code !== 0) return { failed: `git fetch failed: ${gitSays(r)}` };
  const updated = lineList(r.stderr).filter((l) => l.includes(' -> ')).length;
  return { message: updated ? `fetched origin: ${updated} ref${updated === 1 ? '' : 's'} updated` : 'fetched origin: already up to date' };
}

export async function pushBranch({ worktreePath, branch }: { worktreePath: string; branch: string }): Promise<{ upstream: string; message: string } | GitFailure> {
  const missing = await noRemote(worktreePath);
  if (missing) return missing;
  const r = await run(worktreePath, ['push', '-u', 'origin', branch], { network: true });
  if (r.code === 0) return { upstream: `origin/${branch}`, message: `pushed ${branch} to origin` };
  const lines = lineList(r.stderr);
  const rejected = lines.find((l) => /^! \[rejected\]/.test(l));
  if (rejected) {
    const why = /\(([^)]+)\)\s*$/.exec(rejected)?.[1] ?? 'rejected';
    return { failed: `rejected: the remote has commits the branch lacks (${why}): git says "${redact(rejected.replace(/\s+/g, ' '))}"` };
  }
  const remoteRejected = lines.find((l) => /^! \[remote rejected\]/.test(l));
  if (remoteRejected) return { failed: `the remote refused the push: git says "${redact(remoteRejected.replace(/\s+/g, ' '))}"` };
  return { failed: `git push failed: ${gitSays(r)}` };
}

// --- rebase onto the base, merge the base in

async function inProgress(cwd: string): Promise<'rebase' | 'merge' | null> {
  for (const dir of ['rebase-merge', 'rebase-apply']) {
    const p = (await ok(cwd, ['rev-parse', '--git-path', dir])).trim();
    if (await stat(isAbsolute(p) ? p : join(cwd, p)).then(() => true, () => false)) return 'rebase';
  }
  const merge = await run(cwd, ['rev-parse', '-q', '--verify', 'MERGE_HEAD']);
  return merge.code === 0 ? 'merge' : null;
}

async function abort(cwd: string): Promise<void> {
  const op = await inProgress(cwd);
  if (op) await ok(cwd, [op, '--abort']);
}

export async function integrateBase({ worktreePath, baseBranch, mode }: { worktreePath: string; baseBranch: string; mode: 'rebase' | 'merge' }): Promise<
  { commit: CommitInfo; message: string; headBefore: string } | GitFailure
> {
  const dirty = await dirtyPaths(worktreePath);
  if (dirty.length) return { failed: `the worktree has uncommitted changes (${shortList(dirty)}): commit or revert them first` };
  const base = `refs/heads/${baseBranch}`;
  if ((await run(worktreePath, ['rev-parse', '-q', '--verify', base])).code !== 0) return { failed: `the base branch '${baseBranch}' does not exist` };
  const headBefore = await head(worktreePath);
  const behind = Number((await ok(worktreePath, ['rev-list', '--count', `HEAD..${base}`])).trim());
  if (behind === 0) return { commit: await lastCommit(worktreePath), message: `already up to date with ${baseBranch}`, headBefore };
  if (!(await hasIdentity(worktreePath))) return { failed: IDENTITY_MISSING };
  const r = await run(worktreePath, mode === 'rebase' ? ['rebase', base] : ['merge', '--no-edit', base], { env: { GIT_EDITOR: 'true' } });
  if (r.code === 0) {
    const message = mode === 'rebase' ? `rebased onto ${baseBranch} (${behind} new commit${behind === 1 ? '' : 's'} from it)` : `merged ${baseBranch} in (${behind} commit${behind === 1 ? '' : 's'})`;
    return { commit: await lastCommit(worktreePath), message, headBefore };
  }
  const conflicts = nulList(await ok(worktreePath, ['diff', '--name-only', '--diff-filter=U', '-z']));
  await abort(worktreePath);
  const after = await head(worktreePath);
  const left = await dirtyPaths(worktreePath);
  const restored = after === headBefore && left.length === 0 ? 'it was aborted and the worktree is as it was' : `it was aborted, but the worktree is not as it was (HEAD ${after.slice(0, 12)}, ${left.length} changed files)`;
  const verb = mode === 'rebase' ? `rebase onto ${baseBranch}` : `merging ${baseBranch} in`;
  if (conflicts.length) return { failed: `${verb} stopped on conflicts in ${shortList(conflicts)}: ${restored}`, conflicts };
  if (identityError(r)) return { failed: IDENTITY_MISSING };
  return { failed: `${verb} failed: ${gitSays(r)}; ${restored}` };
}

/**
 * After a restart cut a rebase or merge short: abort what is half done; then HEAD tells whether it
 * had finished (`done`) or nothing changed (`unchanged`).
 */
export async function recoverIntegrate({ worktreePath, headBefore }: { worktreePath: string; headBefore: string | null }): Promise<
  { state: 'unchanged' | 'done'; aborted: boolean; commit: CommitInfo }
> {
  const op = await inProgress(worktreePath);
  if (op) await ok(worktreePath, [op, '--abort']);
  const now = await head(worktreePath);
  return { state: headBefore && now !== headBefore ? 'done' : 'unchanged', aborted: op !== null, commit: await lastCommit(worktreePath) };
}

// --- apply the task's changes to the main working tree

/**
 * The worktree's changes against the base as one binary patch, untracked files included: staged
 * into a copy of the worktree's index (never its own), then diffed against the base.
 */
async function taskPatch(worktreePath: string, baseRef: string): Promise<{ patch: Buffer; files: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'foundry-apply-'));
  try {
    const index = join(dir, 'index');
    const own = (await ok(worktreePath, ['rev-parse', '--git-path', 'index'])).trim();
    const ownPath = isAbsolute(own) ? own : join(worktreePath, own);
    const copied = await copyFile(ownPath, index).then(() => true, () => false);
    const env = { GIT_INDEX_FILE: index };
    if (!copied) await ok(worktreePath, ['read-tree', 'HEAD'], { env });
    await ok(worktreePath, ['add', '-A'], { env });
    const r = await run(worktreePath, ['diff', '--cached', '--binary', '--no-renames', '--no-ext-diff', '--no-textconv', baseRef], { env });
    if (r.code !== 0) throw new Error(`git diff failed: ${gitSays(r)}`);
    const files = nulList(await ok(worktreePath, ['diff', '--cached', '--name-only', '--no-renames', '-z', baseRef], { env }));
    return { patch: r.stdout, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The paths `git apply --check` names in its errors. */
function applyErrors(stderr: string, files: string[]): string[] {
  const named = new Set<string>();
  for (const line of stderr.split('\n')) {
    const m = /^error: (?:patch failed: )?(.+?)(?::\d+)?(?:: .*)?$/.exec(line.trim());
    if (m && files.includes(m[1])) named.add(m[1]);
  }
  return named.size ? [...named] : files;
}

/** A task's changes against its base: a binary patch (base64, so every byte survives the worker's message) and its files. */
export interface TaskPatch {
  patch: string;
  files: string[];
}

export async function worktreePatch({ worktreePath, baseRef }: { worktreePath: string; baseRef: string }): Promise<TaskPatch> {
  const { patch, files } = await taskPatch(worktreePath, baseRef);
  return { patch: patch.toString('base64'), files };
}

/** The task's patch applied, uncommitted, to the main working tree `mainPath`: all of it or nothing. */
export async function applyPatch({ patch: encoded, files, mainPath }: TaskPatch & { mainPath: string }): Promise<{ files: string[] } | GitFailure> {
  if (!files.length) return { failed: 'the task has no changes against its base to apply' };
  const patch = Buffer.from(encoded, 'base64');
  const touched = new Set(files);
  const overlap = (await dirtyPaths(mainPath)).filter((p) => touched.has(p));
  if (overlap.length) {
    return { failed: `the main working tree has uncommitted changes to ${shortList(overlap)}: commit or stash them first; nothing was changed`, conflicts: overlap };
  }
  const check = await run(mainPath, ['apply', '--check', '-'], { input: patch });
  if (check.code !== 0) {
    const conflicts = applyErrors(check.stderr, files);
    return { failed: `the task's changes do not apply cleanly to the main working tree (${shortList(conflicts)}): ${gitSays(check)}; nothing was changed`, conflicts };
  }
  const r = await run(mainPath, ['apply', '-'], { input: patch });
  if (r.code !== 0) return { failed: `git apply failed: ${gitSays(r)}`, conflicts: applyErrors(r.stderr, files) };
  return { files };
}

/** After a restart cut an apply short: whether the main working tree has the task's patch now. */
export async function probePatch({ patch: encoded, files, mainPath }: TaskPatch & { mainPath: string }): Promise<{ state: 'applied' | 'not_applied' | 'unknown'; files: string[] }> {
  if (!files.length) return { state: 'not_applied', files };
  const patch = Buffer.from(encoded, 'base64');
  if ((await run(mainPath, ['apply', '--check', '--reverse', '-'], { input: patch })).code === 0) return { state: 'applied', files };
  if ((await run(mainPath, ['apply', '--check', '-'], { input: patch })).code === 0) return { state: 'not_applied', files };
  return { state: 'unknown', files };
}

export const gitActionEffects = {
  gitCommit: commitAll,
  gitWorktreeHead: worktreeHead,
  gitFetch: fetchOrigin,
  gitPush: pushBranch,
  gitIntegrate: integrateBase,
  gitRecoverIntegrate: recoverIntegrate,
  gitIdentity: identity,
  gitTaskPatch: worktreePatch,
  gitApplyPatch: applyPatch,
  gitProbePatch: probePatch,
};
