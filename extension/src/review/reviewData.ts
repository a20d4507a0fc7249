/**
 * The review's detail reads, from the sidecar and cached per task: the changed files
 * (foundry/getFileChanges), folders of the worktree (foundry/getFileTree) and file diffs
 * (foundry/getFileDiff). A cache holds while the task's summary shows the same changes and git
 * state (`changesKey`); a push that shows otherwise drops it, and a task whose changed files were
 * listed has them fetched again at once (so the tree and the decorations follow pushes; nothing
 * polls). No `vscode` import.
 */
import { GetFileChanges, GetFileDiff, GetFileTree, type FileChange, type FileTreeEntry, type ParamsOf, type RequestDef, type ResultOf } from '../../../shared/protocol';
import type { z } from 'zod';
import { Emitter, type Disposable } from '../emitter';
import type { WorkbenchStore } from '../workbenchStore';
import { changesKey, type Against, type FileDiff } from './reviewPresentation';
import { filesRootOf } from './filesRoot';

/** What the cache needs of the controller. */
export interface Requester {
  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>>;
}

/** The changed files of a task, as last fetched. */
export interface LoadedFiles {
  readonly taskId: string;
  readonly worktreePath: string;
  readonly files: readonly FileChange[];
}

/** Diffs kept per task; the oldest goes first. */
const MaxDiffsPerTask = 50;

interface TaskCache {
  readonly key: string;
  files?: Promise<readonly FileChange[]>;
  loaded?: readonly FileChange[];
  readonly dirs: Map<string, Promise<readonly FileTreeEntry[]>>;
  readonly diffs: Map<string, Promise<FileDiff>>;
}

export class ReviewData implements Disposable {
  private readonly caches = new Map<string, TaskCache>();
  private readonly invalidated = new Emitter<string>();
  /** A task's cached reads were dropped (its changes or git state changed, or it went away). */
  readonly onDidInvalidate = this.invalidated.event;
  private readonly filesLoaded = new Emitter<LoadedFiles>();
  /** A task's changed files were fetched. */
  readonly onDidLoadFiles = this.filesLoaded.event;
  private readonly subscription: Disposable;

  constructor(
    private readonly sidecar: Requester,
    private readonly store: WorkbenchStore,
    private readonly onError: (what: string, error: unknown) => void,
  ) {
    this.subscription = store.onDidChange(() => this.sweep());
  }

  /** The task's changed files (fetched once per state of its summary). */
  files(taskId: string): Promise<readonly FileChange[]> {
    const cache = this.cache(taskId);
    if (!cache.files) {
      const worktreePath = this.store.task(taskId)?.worktreePath ?? '';
      const pending = this.sidecar.request(GetFileChanges, { taskId }).then((result) => {
        if (this.caches.get(taskId) === cache) {
          cache.loaded = result.files;
          this.filesLoaded.fire({ taskId, worktreePath, files: result.files });
        }
        return result.files;
      });
      cache.files = pending;
      pending.catch(() => {
        if (cache.files === pending) cache.files = undefined;
      });
    }
    return cache.files;
  }

  /** The changed files as last fetched, if they were. */
  loadedFiles(taskId: string): readonly FileChange[] | undefined {
    return this.caches.get(taskId)?.loaded;
  }

  /** The change of one file, as last fetched. */
  loadedChange(taskId: string, path: string): FileChange | undefined {
    return this.loadedFiles(taskId)?.find((f) => f.path === path);
  }

  /** One folder of the task's worktree ('' for its root), directories first. */
  tree(taskId: string, dir: string): Promise<readonly FileTreeEntry[]> {
    return this.memo(this.cache(taskId).dirs, dir, () => this.sidecar.request(GetFileTree, dir ? { taskId, dir } : { taskId }).then((r) => r.entries));
  }

  /** Both sides of one file's diff (both documents of a diff editor share one request). */
  diff(taskId: string, path: string, against: Against): Promise<FileDiff> {
    const diffs = this.cache(taskId).diffs;
    const key = `${against}:${path}`;
    if (!diffs.has(key) && diffs.size >= MaxDiffsPerTask) diffs.delete(diffs.keys().next().value as string);
    return this.memo(diffs, key, () => this.sidecar.request(GetFileDiff, { taskId, path, against }));
  }

  dispose(): void {
    this.subscription.dispose();
    this.invalidated.dispose();
    this.filesLoaded.dispose();
    this.caches.clear();
  }

  /** The task's cache for its current summary: a new one when its changes or git state moved on. */
  private cache(taskId: string): TaskCache {
    const task = this.store.task(taskId);
    if (!task) throw new Error(`Foundry does not know task ${taskId} (it may have been removed).`);
    const key = changesKey(task);
    let cache = this.caches.get(taskId);
    if (cache?.key !== key) {
      cache = { key, dirs: new Map(), diffs: new Map() };
      this.caches.set(taskId, cache);
    }
    return cache;
  }

  /** A cached request; a failed one is forgotten, so the next read asks again. */
  private memo<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let pending = map.get(key);
    if (!pending) {
      const made = load();
      pending = made;
      map.set(key, made);
      made.catch(() => {
        if (map.get(key) === made) map.delete(key);
      });
    }
    return pending;
  }

  /** After a push: drop the caches of tasks that changed; fetch again the files of those that were listed. */
  private sweep(): void {
    for (const [taskId, cache] of [...this.caches]) {
      const task = this.store.task(taskId);
      if (task && changesKey(task) === cache.key) continue;
      this.caches.delete(taskId);
      this.invalidated.fire(taskId);
      if (task && filesRootOf(task) && (cache.loaded || cache.files)) this.files(taskId).catch((error) => this.onError(`Could not list the changes of "${task.title}"`, error));
    }
  }
}
