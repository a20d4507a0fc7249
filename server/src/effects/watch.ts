/** Debounced, coalesced file-system watching of task worktrees (`fsChanged` events). */
import { watch, type FSWatcher } from 'node:fs';
import type { EffectsApi, EffectsEvent } from './api';

export function createWatchEffects(emit: (e: EffectsEvent) => void): Pick<EffectsApi, 'watch' | 'unwatch'> & { unwatchAll(): void } {
  const watchers = new Map<string, { w: FSWatcher; timer?: NodeJS.Timeout }>();
  const unwatch = ({ taskId }: { taskId: string }) => {
    const entry = watchers.get(taskId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.w.close();
    watchers.delete(taskId);
  };
  return {
    watch({ taskId, path, debounceMs }) {
      if (watchers.has(taskId)) return;
      let w: FSWatcher;
      try {
        w = watch(path, { recursive: true, persistent: false });
      } catch {
        return; // the folder vanished; the next refresh after a turn still runs
      }
      const entry: { w: FSWatcher; timer?: NodeJS.Timeout } = { w };
      w.on('change', (_kind, file) => {
        const name = String(file ?? '');
        if (name === '.git' || name.startsWith('.git/')) return;
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => emit({ type: 'fsChanged', taskId }), debounceMs);
      });
      w.on('error', () => unwatch({ taskId }));
      watchers.set(taskId, entry);
    },
    unwatch,
    unwatchAll() {
      for (const taskId of [...watchers.keys()]) unwatch({ taskId });
    },
  };
}
