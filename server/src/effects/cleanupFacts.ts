/**
 * What a purge or clean up would remove, read from git (foundry/getCleanupInventory): per task,
 * its refs under `refs/foundry/`, their size, and whether they hold work that exists nowhere
 * else - commits reachable from no branch and no remote-tracking branch, or snapshot content
 * (uncommitted or git-ignored files) that differs from the commit it was taken on.
 */
import { simpleGit } from 'simple-git';

export interface FactsQuery {
  taskId: string;
  /** Ref prefixes of the task, each under refs/foundry/ (`refs/foundry/archive/<id>`, `refs/foundry/deleted/<id>/`). */
  prefixes: string[];
}
export interface TaskFacts {
  taskId: string;
  refs: { ref: string; sha: string }[];
  bytes: number;
  uniqueWork: boolean;
}

const git = (cwd: string) => simpleGit({ baseDir: cwd });

async function refsUnder(repoPath: string, prefixes: string[]): Promise<{ ref: string; sha: string }[]> {
  const out = await git(repoPath).raw(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/foundry/']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ sha: l.slice(0, l.indexOf(' ')), ref: l.slice(l.indexOf(' ') + 1) }))
    .filter(({ ref }) => prefixes.some((p) => (p.endsWith('/') ? ref.startsWith(p) : ref === p || ref.startsWith(`${p}/`))));
}

/** Commits of `rev` reachable from no branch and no remote-tracking branch. */
async function unreachableCommits(repoPath: string, rev: string): Promise<number> {
  return Number((await git(repoPath).raw(['rev-list', '--count', rev, '--not', '--branches', '--remotes'])).trim()) || 0;
}

async function holdsUniqueWork(repoPath: string, sha: string): Promise<boolean> {
  const [tree, ...parents] = (await git(repoPath).raw(['show', '-s', '--format=%T %P', sha])).trim().split(' ');
  if (parents.length === 2) {
    // A snapshot: its content is unique when it differs from the commit it was taken on.
    const headTree = (await git(repoPath).raw(['rev-parse', `${parents[0]}^{tree}`])).trim();
    return headTree !== tree || (await unreachableCommits(repoPath, parents[0])) > 0;
  }
  return (await unreachableCommits(repoPath, sha)) > 0;
}

async function treeBytes(repoPath: string, sha: string): Promise<number> {
  const out = await git(repoPath).raw(['ls-tree', '-r', '-l', '-z', sha]);
  let bytes = 0;
  for (const line of out.split('\0')) {
    const size = Number(line.split(/\s+/)[3]);
    if (Number.isFinite(size)) bytes += size;
  }
  return bytes;
}

export async function cleanupFacts(p: { repoPath: string; tasks: FactsQuery[] }): Promise<TaskFacts[]> {
  const facts: TaskFacts[] = [];
  for (const q of p.tasks) {
    const refs = await refsUnder(p.repoPath, q.prefixes);
    let bytes = 0;
    let uniqueWork = false;
    const trees = new Set<string>();
    for (const { sha } of refs) {
      const tree = (await git(p.repoPath).raw(['rev-parse', `${sha}^{tree}`])).trim();
      if (!trees.has(tree)) {
        trees.add(tree);
        bytes += await treeBytes(p.repoPath, tree);
      }
      if (!uniqueWork) uniqueWork = await holdsUniqueWork(p.repoPath, sha);
    }
    facts.push({ taskId: q.taskId, refs, bytes, uniqueWork });
  }
  return facts;
}
