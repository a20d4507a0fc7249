/**
 * Orphans found at start: worktrees that carry Foundry's ownership marker (effects/ownership.ts,
 * so Foundry made them) but that no task and no pool entry holds. One is removed only if it holds
 * nothing (clean, no ignored work outside regenerable folders, no commit unique to it:
 * effects/pool.ts removeOrphan); any other is left as it is, and logged. Worktrees without the
 * marker are never looked at.
 */
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';

export async function sweepOrphans(sc: Sidecar, holds: (owner: string) => boolean): Promise<void> {
  for (const repo of sc.store.repos()) {
    let marked: { path: string; owner: string }[];
    try {
      marked = await sc.effects.call('markedWorktrees', { repoPath: repo.path });
    } catch (e) {
      sc.log(`orphan sweep: could not list the worktrees of ${repo.path}: ${errorMessage(e)}`);
      continue;
    }
    for (const w of marked) {
      if (holds(w.owner)) continue;
      const v = await sc.effects.call('removeOrphan', { repoPath: repo.path, worktreePath: w.path, owner: w.owner }).catch((e: unknown) => ({ ok: false as const, reason: errorMessage(e) }));
      sc.log(v.ok ? `removed orphan worktree ${w.path} (marked ${w.owner}, held by no task; it held nothing)` : `left orphan worktree ${w.path} (marked ${w.owner}): ${v.reason}`);
    }
  }
}
