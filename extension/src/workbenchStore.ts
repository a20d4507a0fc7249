/**
 * The one workbench store of this window: bootstrapped from `GetWorkbench`, then fed by
 * `WorkbenchUpdated` pushes. The tree, the status bar, the badge and the chat host all render
 * from it; nothing else holds workbench state and nothing polls. It does not import `vscode`, so
 * its unit tests run in plain Node.
 */
import type { Repo, SessionSummary, TaskSummary, Workbench, WorkbenchUpdatedParams } from '../../shared/protocol';
import { Emitter, type Disposable } from './emitter';

/** What `apply` did with a push: `gap` means a version was missed and the caller must bootstrap. */
export type ApplyResult = 'applied' | 'stale' | 'gap';

export class WorkbenchStore implements Disposable {
  private readonly changed = new Emitter<void>();
  /** Fires after every change of the store's content. */
  readonly onDidChange = this.changed.event;

  private version = -1;
  private readonly repoById = new Map<string, Repo>();
  private readonly taskById = new Map<string, TaskSummary>();
  private readonly taskIdBySession = new Map<string, string>();

  get loaded(): boolean {
    return this.version >= 0;
  }

  get currentVersion(): number {
    return this.version;
  }

  /** Replace everything with a fresh `GetWorkbench` result. */
  reset(workbench: Workbench): void {
    this.version = workbench.version;
    this.repoById.clear();
    this.taskById.clear();
    this.taskIdBySession.clear();
    for (const repo of workbench.repos) this.repoById.set(repo.id, repo);
    for (const task of workbench.tasks) this.putTask(task);
    this.changed.fire();
  }

  /** Apply a push. Versions at or below the current one are dropped; a skipped version is a gap. */
  apply(update: WorkbenchUpdatedParams): ApplyResult {
    if (!this.loaded || update.version <= this.version) return 'stale';
    if (update.version !== this.version + 1) return 'gap';
    this.version = update.version;
    for (const repo of update.repos ?? []) this.repoById.set(repo.id, repo);
    for (const task of update.tasks) this.putTask(task);
    for (const id of update.removedTaskIds) this.deleteTask(id);
    for (const id of update.removedRepoIds ?? []) this.repoById.delete(id);
    this.changed.fire();
    return 'applied';
  }

  /** A repository returned by `AddRepo`: authoritative, so it is kept at once. */
  upsertRepo(repo: Repo): void {
    this.repoById.set(repo.id, repo);
    this.changed.fire();
  }

  get repos(): readonly Repo[] {
    return [...this.repoById.values()];
  }

  get tasks(): readonly TaskSummary[] {
    return [...this.taskById.values()];
  }

  repo(id: string): Repo | undefined {
    return this.repoById.get(id);
  }

  task(id: string): TaskSummary | undefined {
    return this.taskById.get(id);
  }

  session(id: string): { session: SessionSummary; task: TaskSummary } | undefined {
    const taskId = this.taskIdBySession.get(id);
    const task = taskId === undefined ? undefined : this.taskById.get(taskId);
    const session = task?.sessions.find((s) => s.id === id);
    return task && session ? { session, task } : undefined;
  }

  /** Tasks of a repository that are neither archived nor deleted, newest first. */
  activeTasks(repoId?: string): TaskSummary[] {
    return this.tasks
      .filter((t) => t.status !== 'archived' && t.status !== 'deleted' && (repoId === undefined || t.repoId === repoId))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** A repository's archived (or deleted) tasks, most recently shelved first. */
  shelvedTasks(repoId: string, status: 'archived' | 'deleted'): TaskSummary[] {
    return this.tasks.filter((t) => t.status === status && t.repoId === repoId).sort((a, b) => (b.shelvedAt ?? b.updatedAt) - (a.shelvedAt ?? a.updatedAt));
  }

  unreadSessionCount(): number {
    let count = 0;
    for (const task of this.taskById.values()) {
      if (task.status === 'archived' || task.status === 'deleted') continue;
      for (const session of task.sessions) if (session.unread && session.status !== 'closed') count++;
    }
    return count;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private putTask(task: TaskSummary): void {
    const previous = this.taskById.get(task.id);
    for (const session of previous?.sessions ?? []) this.taskIdBySession.delete(session.id);
    this.taskById.set(task.id, task);
    for (const session of task.sessions) this.taskIdBySession.set(session.id, task.id);
  }

  private deleteTask(id: string): void {
    const previous = this.taskById.get(id);
    for (const session of previous?.sessions ?? []) this.taskIdBySession.delete(session.id);
    this.taskById.delete(id);
  }
}
