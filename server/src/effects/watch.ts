/**
 * Debounced, coalesced file-system watching of task worktrees (`fsChanged` events): the worktree's
 * files, and its git admin folder's `index` and `HEAD` (a commit, a checkout or a reset made in
 * the worktree changes no file there). Trailing debounce, but a burst that never pauses still
 * fires every MAX_WAIT_FACTOR debounces.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { EffectsApi, EffectsEvent } from './api';

const MAX_WAIT_FACTOR = 10;
const ADMIN_FILES = new Set(['index', 'HEAD']);

type Entry = { watchers: FSWatcher[]; timer?: NodeJS.Timeout; since?: number };

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
        entry.watchers.push(
          watch(path, { recursive: true, persistent: false }, (_kind, file) => {
            const name = String(file ?? '');
            if (name !== '.git' && !name.startsWith('.git/')) changed();
          }),
        );
      } catch {
        return; // the folder vanished; the next refresh after a turn still runs
      }
      const admin = adminDir(path);
      try {
        if (admin) entry.watchers.push(watch(admin, { persistent: false }, (_kind, file) => ADMIN_FILES.has(String(file ?? '')) && changed()));
      } catch {
        // no admin folder to watch: turns and file writes still refresh
      }
      for (const w of entry.watchers) w.on('error', () => unwatch({ taskId }));
      entries.set(taskId, entry);
    },
    unwatch,
    unwatchAll() {
      for (const taskId of [...entries.keys()]) unwatch({ taskId });
    },
  };
}
