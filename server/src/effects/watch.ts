/**
 * Debounced, coalesced file-system watching of task worktrees (`fsChanged` events): the worktree's
 * files, and its git admin folder's `index` and `HEAD` (a commit, a checkout or a reset made in
 * the worktree changes no file there). Trailing debounce, but a burst that never pauses still
 * fires every MAX_WAIT_FACTOR debounces. The worktree's folders are watched one by one
 * (treeWatch.ts), never entering `.git` or dependency folders.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { EffectsApi, EffectsEvent } from './api';
import { TreeWatch } from './treeWatch';

const MAX_WAIT_FACTOR = 10;
const ADMIN_FILES = new Set(['index', 'HEAD']);
/** Never entered: git's own folder, and dependency folders (ignored files: no change to project). */
const SKIP = new Set(['.git', 'node_modules']);

type Entry = { watchers: { close(): void }[]; timer?: NodeJS.Timeout; since?: number };

/** The worktree's git admin folder, from its `.git` file (`gitdir: …`); null for a main checkout. */
function adminDir(worktree: string): string | null {
  try {
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(join(worktree, '.git'), 'utf8'));
    return m ? (isAbsolute(m[1]) ? m[1] : resolve(worktree, m[1])) : null;
  } catch {
    return null;
  }
}

export function createWatchEffects(emit: (e: EffectsEvent) => void): Pick<EffectsApi, 'watch' | 'unwatch'> & { unwatchAll(): void } {
  const entries = new Map<string, Entry>();
  const unwatch = ({ taskId }: { taskId: string }) => {
    const entry = entries.get(taskId);
    if (!entry) return;
    clearTimeout(entry.timer);
    for (const w of entry.watchers) w.close();
    entries.delete(taskId);
  };
  return {
    watch({ taskId, path, debounceMs }) {
      if (entries.has(taskId)) return;
      const entry: Entry = { watchers: [] };
      const fire = () => {
        entry.timer = undefined;
        entry.since = undefined;
        emit({ type: 'fsChanged', taskId });
      };
      const changed = () => {
        entry.since ??= Date.now();
        clearTimeout(entry.timer);
        entry.timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, entry.since + debounceMs * MAX_WAIT_FACTOR - Date.now())));
      };
      try {
        entry.watchers.push(new TreeWatch(path, SKIP, changed, () => unwatch({ taskId })));
      } catch {
        return; // the folder vanished; the next refresh after a turn still runs
      }
      const admin = adminDir(path);
      try {
        if (admin) {
          const w: FSWatcher = watch(admin, { persistent: false }, (_kind, file) => ADMIN_FILES.has(String(file ?? '')) && changed());
          w.on('error', () => unwatch({ taskId }));
          entry.watchers.push(w);
        }
      } catch {
        // no admin folder to watch: turns and file writes still refresh
      }
      entries.set(taskId, entry);
    },
    unwatch,
    unwatchAll() {
      for (const taskId of [...entries.keys()]) unwatch({ taskId });
    },
  };
}
