/**
 * init_attach_branch's git work, for a task started from an existing branch or pull request: the
 * branch is made local (kept as it is when it already is; else fetched from `origin`; a pull
 * request's head is fetched from `refs/pull/N/head`), after checking that no working tree has it
 * checked out (git would refuse the worktree, and the user's checkout must never move). Nothing is
 * ever reset. The answer is the task's base: where the branch left the default branch.
 */
import { gitOk, gitRun } from './gitRun';

/** A fetch never waits on a credential prompt nobody can answer. */
const NO_PROMPT = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', SSH_ASKPASS: 'echo' };

/** The working trees (main and linked) that have `branch` checked out. */
async function checkedOutIn(repoPath: string, branch: string): Promise<string[]> {
  const out = (await gitOk(repoPath, ['worktree', 'list', '--porcelain'])).toString('utf8');
  const paths: string[] = [];
  let path = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('worktree ')) path = line.slice('worktree '.length);
    else if (line === `branch refs/heads/${branch}`) paths.push(path);
  }
  return paths;
}

const hasBranch = async (repoPath: string, branch: string) => (await gitRun(repoPath, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`])).code === 0;

async function fetchInto(repoPath: string, source: string, branch: string): Promise<void> {
  const r = await gitRun(repoPath, ['fetch', '--no-tags', 'origin', `${source}:refs/heads/${branch}`], { env: NO_PROMPT });
  if (r.code !== 0) throw new Error(`git fetch origin ${source} failed: ${r.stderr || `exit ${r.code}`}`);
}

/** The merge base of the default branch and `branch`; the default branch's tip when they share none. */
async function baseOf(repoPath: string, defaultBranch: string, branch: string): Promise<string> {
  const mergeBase = await gitRun(repoPath, ['merge-base', `refs/heads/${defaultBranch}`, `refs/heads/${branch}`]);
  if (mergeBase.code === 0) return mergeBase.stdout.toString().trim();
  const tip = await gitRun(repoPath, ['rev-parse', '--verify', '-q', `refs/heads/${defaultBranch}^{commit}`]);
  if (tip.code === 0) return tip.stdout.toString().trim();
  return (await gitOk(repoPath, ['rev-parse', 'HEAD'])).toString().trim();
}

export async function attachBranch({ repoPath, branch, defaultBranch, pullRequest }: { repoPath: string; branch: string; defaultBranch: string; pullRequest?: number }): Promise<{ baseRef: string }> {
  const [where] = await checkedOutIn(repoPath, branch);
  if (where !== undefined) throw new Error(`branch '${branch}' is checked out in ${where}; switch your checkout off '${branch}' first, then retry`);
  if (pullRequest !== undefined) await fetchInto(repoPath, `refs/pull/${pullRequest}/head`, branch);
  else if (!(await hasBranch(repoPath, branch))) await fetchInto(repoPath, branch, branch);
  return { baseRef: await baseOf(repoPath, defaultBranch, branch) };
}
