/**
 * The extension's copy of the repository actions: `foundry/listRepoActions` on every connection,
 * then every `foundry/repoActionUpdated` push. An action's progress notification follows it here
 * until it ends. No `vscode` import: unit-tested in Node.
 */
import type { RepoAction } from '../../../shared/protocol';
import { Emitter, type Disposable } from '../emitter';

/** Rows kept: the sidecar lists at most 50; pushes add to them. */
const MaxActions = 200;

const Rank: Record<RepoAction['status'], number> = { queued: 0, running: 1, succeeded: 2, failed: 2 };

/** Whether `next` is at least as new as `current`: later, or as late and not a step back. */
function isNewer(next: RepoAction, current: RepoAction | undefined): boolean {
  if (!current) return true;
  if (next.updatedAt !== current.updatedAt) return next.updatedAt > current.updatedAt;
  return Rank[next.status] >= Rank[current.status];
}

export class RepoActionStore implements Disposable {
  private readonly changed = new Emitter<RepoAction>();
  /** Fires with each action whose row moved. */
  readonly onDidChange = this.changed.event;
  private readonly byId = new Map<string, RepoAction>();
  private readonly waiters = new Set<() => void>();

  get(id: string): RepoAction | undefined {
    return this.byId.get(id);
  }

  /** Newest first. */
  get list(): RepoAction[] {
    return [...this.byId.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** A row from a push or a list: kept unless the store already has a newer one of it. */
  put(action: RepoAction): void {
    if (!isNewer(action, this.byId.get(action.id))) return;
    this.byId.set(action.id, action);
    this.trim();
    this.changed.fire(action);
  }

  /** The rows `foundry/listRepoActions` gave after a (re)connection. */
  putAll(actions: readonly RepoAction[]): void {
    for (const action of actions) this.put(action);
  }

  /**
   * Resolves with the action once it ended (succeeded or failed), checked now and on each change;
   * `undefined` when `stop` resolves first or the store is disposed.
   */
  whenEnded(id: string, onMove: (action: RepoAction) => void = () => {}, stop?: Promise<unknown>): Promise<RepoAction | undefined> {
    const ended = (a: RepoAction | undefined): a is RepoAction => a?.status === 'succeeded' || a?.status === 'failed';
    const now = this.byId.get(id);
    if (now) onMove(now);
    if (ended(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const subscription = this.onDidChange((action) => {
        if (action.id !== id) return;
        onMove(action);
        if (ended(action)) settle(action);
      });
      const settle = (action: RepoAction | undefined) => {
        subscription.dispose();
        this.waiters.delete(abandon);
        resolve(action);
      };
      const abandon = () => settle(undefined);
      this.waiters.add(abandon);
      void stop?.then(abandon, abandon);
    });
  }

  dispose(): void {
    for (const abandon of [...this.waiters]) abandon();
    this.changed.dispose();
  }

  /** Forget the oldest ended rows beyond MaxActions. */
  private trim(): void {
    if (this.byId.size <= MaxActions) return;
    const ended = this.list.filter((a) => a.status === 'succeeded' || a.status === 'failed').reverse();
    for (const action of ended.slice(0, this.byId.size - MaxActions)) this.byId.delete(action.id);
  }
}
