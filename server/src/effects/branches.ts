/**
 * The repository overview's git work, in one worker call: every local branch (one
 * `git for-each-ref`) with its upstream and last commit, and how far it is ahead of and behind the
 * default branch (one `rev-list --left-right --count` per branch, a few at a time). And the URL of
 * a remote, for the GitHub repository it names.
 */
import type { BranchInfo } from '../../../shared/protocol';
import { gitOk, gitRun } from './gitRun';

export type BranchFacts = Omit<BranchInfo, 'taskId' | 'pullRequest'>;

const AT_ONCE = 8;

export async function repoBranches({ repoPath, defaultBranch }: { repoPath: string; defaultBranch: string }): Promise<BranchFacts[]> {
  const out = (await gitOk(repoPath, ['for-each-ref', '--format=%(refname:short)%00%(upstream:short)%00%(objectname)%00%(committerdate:unix)%00%(subject)', 'refs/heads'])).toString('utf8');
  const rows = out.split('\n').filter(Boolean).map((line) => {
    const [name, upstream, sha, at, subject] = line.split('\0');
    return { name, upstream, sha, at: Number(at) * 1000, subject: subject ?? '' };
  });
  const hasDefault = rows.some((r) => r.name === defaultBranch);
  const branches: BranchFacts[] = [];
  for (let i = 0; i < rows.length; i += AT_ONCE) {
    const batch = await Promise.all(
      rows.slice(i, i + AT_ONCE).map(async (r): Promise<BranchFacts> => {
        const { ahead, behind } = r.name === defaultBranch || !hasDefault ? { ahead: 0, behind: 0 } : await leftRight(repoPath, defaultBranch, r.name);
        return { name: r.name, ahead, behind, ...(r.upstream ? { upstream: r.upstream } : {}), lastCommit: { sha: r.sha, subject: r.subject, at: r.at } };
      }),
    );
    branches.push(...batch);
  }
  return branches;
}

async function leftRight(cwd: string, base: string, branch: string): Promise<{ ahead: number; behind: number }> {
  const r = await gitRun(cwd, ['rev-list', '--left-right', '--count', `refs/heads/${base}...refs/heads/${branch}`]);
  if (r.code !== 0) return { ahead: 0, behind: 0 };
  const [behind, ahead] = r.stdout.toString().trim().split(/\s+/).map(Number);
  return { ahead: ahead || 0, behind: behind || 0 };
}

/** The fetch URL of `remote`, or null when the repository has no such remote. */
export async function remoteUrl({ repoPath, remote }: { repoPath: string; remote: string }): Promise<string | null> {
  const r = await gitRun(repoPath, ['remote', 'get-url', remote]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() || null : null;
}
