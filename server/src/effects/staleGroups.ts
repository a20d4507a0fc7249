/**
 * Recovery after a crash: the process groups a dead sidecar left. A recorded group is
 * signalled only when its leader is provably the process that was spawned (identity.ts);
 * anything else is forgotten without a signal, so a reused pid is never hit.
 */
import { readdirSync } from 'node:fs';
import type { EffectsResult } from './api';
import { compare, procStat, type ProcessIdentity } from './identity';

const GRACE_MS = 3000;
const POLL_MS = 25;

export async function endStaleGroups(groups: ({ pgid: number } & ProcessIdentity)[]): Promise<EffectsResult<'endStaleGroups'>> {
  const result = { ended: [] as number[], dropped: [] as number[], survivors: [] as number[] };
  await Promise.all(
    groups.map(async ({ pgid, bootId, startTime }) => {
      // Another boot, another process at that pid, or no leader left: not provably ours.
      if ((await compare(pgid, { bootId, startTime })) !== 'same') return void result.dropped.push(pgid);
      signal(pgid, 'SIGTERM');
      if (!(await groupEnds(pgid, GRACE_MS))) signal(pgid, 'SIGKILL');
      (await groupEnds(pgid, GRACE_MS) ? result.ended : result.survivors).push(pgid);
    }),
  );
  return result;
}

function signal(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

/** Whether any process of the group still runs (a zombie waiting for its reaper does not). */
function groupRunning(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry)); // [0] is the state (field 3), [2] the process group (field 5)
    if (fields && Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

/** Resolves true once no process of the group runs, false if one still does after `ms`. */
async function groupEnds(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!groupRunning(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
