/**
 * The shell the Daytona provider runs inside a sandbox, one command per step (each a single
 * toolbox call): checking out the bundle, starting sandbox-agent, reading git state in one batch,
 * and writing a snapshot commit with a temporary index (the user's index is never written).
 */
import type { FileChange, TaskGitState } from '../../../../shared/protocol';
import { parseDiff, type GitStateResult } from '../../effects/gitState';

/** Single-quoted for sh. */
export const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const IDENTITY = 'GIT_AUTHOR_NAME=Foundry GIT_AUTHOR_EMAIL=foundry@localhost GIT_COMMITTER_NAME=Foundry GIT_COMMITTER_EMAIL=foundry@localhost';

/** Clone the uploaded bundle into `workdir` on `branch` at `tip` (idempotent: a checkout on the branch already is kept). */
export function checkoutScript(p: { bundle: string; workdir: string; branch: string; tip: string; snapshot?: string }): string {
  const restore = p.snapshot
    ? // The snapshot's tree is the working tree, its second parent the index (effects/snapshot.ts).
      `git read-tree -u --reset ${q(p.snapshot)}^{tree} && git read-tree ${q(p.snapshot)}^2^{tree} && `
    : '';
  return [
    `if [ "$(git -C ${q(p.workdir)} symbolic-ref --short -q HEAD 2>/dev/null)" = ${q(p.branch)} ]; then echo kept; exit 0; fi`,
    `rm -rf ${q(p.workdir + '.tmp')}`,
    `git clone -q --no-checkout ${q(p.bundle)} ${q(p.workdir + '.tmp')}`,
    `cd ${q(p.workdir + '.tmp')} && git fetch -q ${q(p.bundle)} 'refs/foundry/*:refs/foundry/*' 2>/dev/null; git checkout -q -B ${q(p.branch)} ${q(p.tip)} && ${restore}git config user.name Foundry && git config user.email foundry@localhost && git remote remove origin`,
    `cd .. && rm -rf ${q(p.workdir)} && mv ${q(p.workdir + '.tmp')} ${q(p.workdir)} && echo checked-out`,
  ].join('\n');
}

/** Start sandbox-agent in the background unless the one recorded still runs. */
export function startAgentScript(p: { home: string; port: number }): string {
  const dir = `${p.home}/.foundry`;
  return [
    `cd ${q(dir)}`,
    // Alive, and not a zombie left unreaped after a stop.
    `if [ -f sandbox-agent.pid ] && p=$(cat sandbox-agent.pid) && kill -0 "$p" 2>/dev/null && [ "$(sed 's/^.*) //' /proc/$p/stat 2>/dev/null | cut -c1)" != Z ]; then echo running; exit 0; fi`,
    `nohup ./bin/sandbox-agent server --host 0.0.0.0 --port ${p.port} --no-token --no-telemetry > sandbox-agent.log 2>&1 &`,
    `echo $! > sandbox-agent.pid && echo started`,
  ].join('\n');
}

const MARK = '@@foundry@@';
const SECTIONS = ['diff', 'untracked', 'since_head', 'last', 'left_right', 'merge'] as const;

/** Every read effects/gitState.ts makes, as one script whose sections are split by a marker. */
export function gitStateScript(p: { workdir: string; baseRef: string }): string {
  const b = q(p.baseRef);
  const counted = `git ls-files --others --exclude-standard -z | xargs -0 -r sh -c 'for f; do if [ ! -s "$f" ] || grep -qI . "$f" 2>/dev/null; then printf "%s\\t%s\\0" "$(wc -l < "$f" | tr -d " ")" "$f"; else printf -- "-\\t%s\\0" "$f"; fi; done' sh`;
  const parts: Record<(typeof SECTIONS)[number], string> = {
    diff: `git diff --raw --numstat -z -M --no-ext-diff --no-textconv ${b}`,
    untracked: counted,
    since_head: 'git diff --name-only --no-renames -z HEAD',
    last: "git log -1 --format=%H%x00%ct%x00%s",
    left_right: `git rev-list --left-right --count ${b}...HEAD`,
    merge: `git merge-tree --write-tree --no-messages ${b} HEAD >/dev/null 2>&1; echo $?`,
  };
  return [`cd ${q(p.workdir)} || exit 1`, ...SECTIONS.map((s) => `printf '${MARK}${s}\\n'; ${parts[s]}`)].join('\n');
}

/** The batch's output as the changes projection's reading (the same parser as a local worktree's). */
export function parseGitState(output: string): GitStateResult {
  const sections = new Map<string, string>();
  for (const chunk of output.split(MARK).slice(1)) {
    const nl = chunk.indexOf('\n');
    sections.set(chunk.slice(0, nl), chunk.slice(nl + 1));
  }
  const files = parseDiff(sections.get('diff') ?? '');
  const untracked: string[] = [];
  for (const rec of (sections.get('untracked') ?? '').split('\0').filter(Boolean)) {
    const tab = rec.indexOf('\t');
    const count = rec.slice(0, tab);
    const path = rec.slice(tab + 1);
    untracked.push(path);
    if (files.has(path)) continue;
    const f: FileChange = { path, status: 'added', added: count === '-' ? 0 : Number(count) || 0, removed: 0, untracked: true, ...(count === '-' ? { binary: true } : {}) };
    files.set(path, f);
  }
  const uncommitted = new Set([...(sections.get('since_head') ?? '').split('\0').filter(Boolean), ...untracked]).size;
  const [sha, at, subject] = (sections.get('last') ?? '').trim().split('\0');
  const [behind, ahead] = (sections.get('left_right') ?? '').trim().split(/\s+/).map(Number);
  const merge = Number((sections.get('merge') ?? '').trim());
  const git: Omit<TaskGitState, 'refreshedAt'> = {
    ahead: ahead || 0,
    behind: behind || 0,
    ...(merge === 0 || merge === 1 ? { mergesCleanly: merge === 0 } : {}),
    ...(sha ? { lastCommit: { sha, subject: subject ?? '', at: Number(at) * 1000 } } : {}),
    uncommitted,
  };
  return { files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), git };
}

/**
 * A snapshot commit shaped like effects/snapshot.ts's (tree = the working tree with git-ignored
 * files, parents HEAD and a commit of the index), written through a temporary index, and a bundle
 * of it and the branch at `bundle`. Untracked files inside regenerable folders are left out.
 * Prints the snapshot's id, then each regenerable folder left out.
 */
export function snapshotScript(p: { workdir: string; home: string; branch: string; regenerable: readonly string[]; message: string; bundle: string }): string {
  const excludes = p.regenerable.map((n) => q(`:(exclude,glob)**/${n}/**`)).join(' ');
  const idx = `${p.home}/.foundry/snapshot.index`;
  return [
    `set -e; cd ${q(p.workdir)}`,
    `export ${IDENTITY}`,
    `export GIT_INDEX_FILE=${q(idx)}; rm -f "$GIT_INDEX_FILE"; cp .git/index "$GIT_INDEX_FILE" 2>/dev/null || true`,
    `head=$(git rev-parse HEAD); index_tree=$(git write-tree)`,
    `git -c core.autocrlf=false add -A -f -- . ${excludes}`,
    `tree=$(git write-tree); rm -f "$GIT_INDEX_FILE"`,
    `index_commit=$(echo index | git commit-tree "$index_tree" -p "$head")`,
    `snap=$(printf '%s\\n' ${q(p.message)} | git commit-tree "$tree" -p "$head" -p "$index_commit")`,
    `unset GIT_INDEX_FILE; git update-ref refs/foundry/outgoing/snapshot "$snap"`,
    `git bundle create -q ${q(p.bundle)} refs/foundry/outgoing/snapshot ${q(`refs/heads/${p.branch}`)}`,
    `echo "$snap"`,
    ...p.regenerable.map((n) => `find . -path ./.git -prune -o -type d -name ${q(n)} -print 2>/dev/null | sed 's|^\\./|excluded |'`),
  ].join('\n');
}

/** HEAD, whether anything is uncommitted, and the last commit: `<sha>\0<epoch>\0<subject>` then `dirty` or `clean`. */
export function headScript(p: { workdir: string }): string {
  return [`cd ${q(p.workdir)} || exit 1`, 'git log -1 --format=%H%x00%ct%x00%s', 'if [ -n "$(git status --porcelain --untracked-files=all)" ]; then echo dirty; else echo clean; fi'].join('\n');
}

/** `git add -A` and commit, the message from FOUNDRY_COMMIT_MESSAGE; prints `nothing` when nothing is staged. */
export function commitScript(p: { workdir: string }): string {
  return [`cd ${q(p.workdir)} || exit 1`, 'git add -A || exit 1', 'if git diff --cached --quiet; then echo nothing; exit 0; fi', 'printf "%s" "$FOUNDRY_COMMIT_MESSAGE" | git commit -q -F - || exit 1', 'echo committed'].join('\n');
}

/**
 * The work dir's changes against the base as one binary patch, untracked files included and
 * ignored ones not, staged in a temporary index (the sandbox's own is untouched): the patch in
 * base64, the marker, then the files NUL-separated.
 */
export function patchScript(p: { workdir: string; baseRef: string }): string {
  const b = q(p.baseRef);
  return [
    `cd ${q(p.workdir)} || exit 1`,
    'idx=$(mktemp) && cp "$(git rev-parse --git-path index)" "$idx" 2>/dev/null || GIT_INDEX_FILE="$idx" git read-tree HEAD',
    'export GIT_INDEX_FILE="$idx"',
    'git add -A 2>/dev/null',
    `git diff --cached --binary --no-renames --no-ext-diff --no-textconv ${b} | base64 -w0`,
    `echo; echo ${MARK}`,
    `git diff --cached --name-only --no-renames -z ${b}`,
    'rm -f "$idx"',
  ].join('\n');
}

/** patchScript's output: the patch (base64) and its files. */
export function parsePatch(out: string): { patch: string; files: string[] } {
  const at = out.indexOf(`\n${MARK}\n`);
  if (at < 0) throw new Error(`reading the changes in the sandbox printed no patch: ${out.slice(0, 200)}`);
  return { patch: out.slice(0, at).trim(), files: out.slice(at + MARK.length + 2).split('\0').filter(Boolean) };
}

// --- review in the sandbox: a folder's entries, revert and its undo (effects/reviewFiles.ts's, in sh)

/** git's blob id of a path as it is now (a symlink: of its text), or `none`. */
const BLOB_NOW = `now() { if [ -L "$1" ]; then printf '%s' "$(readlink -- "$1")" | git hash-object --stdin; elif [ -f "$1" ]; then git hash-object --no-filters -- "$1"; else echo none; fi; }`;

/** One folder's entries as `type\tname\0`, `.git` left out; `@@foundry@@notfound|outside|git` when the folder cannot be read. */
export function fileTreeScript(p: { workdir: string; dir: string }): string {
  return [
    `cd ${q(p.workdir)} || exit 1`,
    'root=$(pwd -P)',
    `real=$(cd -- ${q(p.dir || '.')} 2>/dev/null && pwd -P) || { echo ${MARK}notfound; exit 0; }`,
    `case "$real" in "$root"|"$root"/*) ;; *) echo ${MARK}outside; exit 0 ;; esac`,
    `case "$real/" in "$root/.git/"*) echo ${MARK}git; exit 0 ;; esac`,
    'cd "$real" || exit 1',
    'for f in .* *; do',
    '  case "$f" in .|..|.git) continue ;; esac',
    '  if [ -L "$f" ]; then t=symlink; elif [ -d "$f" ]; then t=directory; elif [ -e "$f" ]; then t=file; else continue; fi',
    `  printf '%s\\t%s\\0' "$t" "$f"`,
    'done',
  ].join('\n');
}

/**
 * Keep `path` as it is under `ref` (a commit of a tree holding just it, built in a temporary
 * index), then bring it and a rename's `oldPath` back to the base. Prints
 * `@@foundry@@existed|absent <blob now>`, or `@@foundry@@unchanged`.
 */
export function revertScript(p: { workdir: string; baseRef: string; path: string; oldPath?: string; ref: string }): string {
  return [
    `cd ${q(p.workdir)} || exit 1`,
    `B=${q(p.baseRef)}; P=${q(p.path)}; O=${q(p.oldPath ?? '')}`,
    BLOB_NOW,
    'at() { git rev-parse -q --verify "$B:$1" 2>/dev/null || echo none; }',
    'n=$(now "$P"); b=$(at "$P")',
    `if [ "$n" = "$b" ] && [ -z "$O" ]; then echo ${MARK}unchanged; exit 0; fi`,
    'idx=$(mktemp)',
    'GIT_INDEX_FILE="$idx" git read-tree --empty || exit 1',
    'if [ "$n" != none ]; then GIT_INDEX_FILE="$idx" git update-index --add -- "$P" || exit 1; fi',
    'tree=$(GIT_INDEX_FILE="$idx" git write-tree) || exit 1',
    'rm -f "$idx"',
    `c=$(${IDENTITY} git commit-tree "$tree" -m "foundry: before reverting $P") || exit 1`,
    `git update-ref ${q(p.ref)} "$c" || exit 1`,
    'restore() { if [ "$(at "$1")" != none ]; then git restore --source="$B" --staged --worktree -- "$1"; else git rm --cached -q --ignore-unmatch -- "$1"; rm -f -- "$1"; fi; }',
    'restore "$P" || exit 1',
    'if [ -n "$O" ]; then restore "$O" || exit 1; fi',
    `if [ "$n" = none ]; then w=absent; else w=existed; fi; echo "${MARK}$w $(now "$P")"`,
  ].join('\n');
}

/** Put `path` back as `ref` keeps it, unless it changed since the revert (`after`). Prints `@@foundry@@ok|gone|changed`. */
export function undoRevertScript(p: { workdir: string; path: string; oldPath?: string; ref: string; existed: boolean; after: string | null }): string {
  return [
    `cd ${q(p.workdir)} || exit 1`,
    `P=${q(p.path)}; O=${q(p.oldPath ?? '')}`,
    BLOB_NOW,
    `c=$(git rev-parse -q --verify ${q(`${p.ref}^{commit}`)}) || { echo ${MARK}gone; exit 0; }`,
    `[ "$(now "$P")" = ${q(p.after ?? 'none')} ] || { echo ${MARK}changed; exit 0; }`,
    p.existed ? 'git restore --source="$c" --worktree -- "$P" || exit 1' : 'rm -f -- "$P"',
    'if [ -n "$O" ]; then git rm --cached -q --ignore-unmatch -- "$O"; rm -f -- "$O"; fi',
    `echo ${MARK}ok`,
  ].join('\n');
}

/** The marker's word a review script ended with, and what follows it. */
export function reviewAnswer(out: string): { word: string; rest: string } | null {
  const at = out.lastIndexOf(MARK);
  if (at < 0) return null;
  const [word, ...rest] = out.slice(at + MARK.length).trim().split(' ');
  return { word, rest: rest.join(' ') };
}
