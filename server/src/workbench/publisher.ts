/**
 * Coalesces state changes into `foundry/workbenchUpdated` notifications. Callers commit
 * first, then mark what changed; one notification per tick carries every changed task as a
 * whole summary, with a persisted version that grows by one per notification.
 */
import type { Store } from '../store/store';
import type { WorkbenchUpdatedParams } from '../../../shared/protocol';

export class Publisher {
  private readonly tasks = new Set<string>();
  private readonly repos = new Set<string>();
  private readonly removedRepos = new Set<string>();
  private readonly removedTasks = new Set<string>();
  private scheduled = false;
  private closed = false;
  private version: number;

  constructor(
    private readonly store: Store,
    private readonly send: (p: WorkbenchUpdatedParams) => void,
  ) {
    this.version = store.version();
  }

  currentVersion(): number {
    return this.version;
  }

  taskChanged(taskId: string): void {
    this.tasks.add(taskId);
    this.schedule();
  }

  repoChanged(repoId: string): void {
    this.repos.add(repoId);
    this.schedule();
  }

  /** The task's rows were deleted (a purge). */
  taskRemoved(taskId: string): void {
    this.tasks.delete(taskId);
    this.removedTasks.add(taskId);
    this.schedule();
  }

  /** The row was deleted (merged into the row of the same repository). */
  repoRemoved(repoId: string): void {
    this.repos.delete(repoId);
    this.removedRepos.add(repoId);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Send what is marked, then nothing more (the database is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Build and send one notification for everything marked since the last flush. */
  flush(): void {
    this.scheduled = false;
    if (this.closed || this.tasks.size === 0 && this.repos.size === 0 && this.removedRepos.size === 0 && this.removedTasks.size === 0) return;
    const taskIds = [...this.tasks];
    const repoIds = [...this.repos].filter((id) => !this.removedRepos.has(id));
    const removedRepoIds = [...this.removedRepos];
    const removedTaskIds = [...this.removedTasks].filter((id) => !this.tasks.has(id));
    this.removedTasks.clear();
    this.tasks.clear();
    this.repos.clear();
    this.removedRepos.clear();
    const tasks = taskIds.map((id) => this.store.taskSummary(id)).filter((t) => t !== undefined);
    const repos = repoIds.map((id) => this.store.repo(id)).filter((r) => r !== undefined).map((r) => this.store.repoSummary(r));
    this.version += 1;
    this.store.setVersion(this.version);
    this.send({
      version: this.version,
      tasks,
      removedTaskIds,
      ...(repos.length ? { repos } : {}),
      ...(removedRepoIds.length ? { removedRepoIds } : {}),
    });
  }
}
