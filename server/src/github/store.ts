/** The GitHub projections' rows: each task's pull request, and each repository's overview (wire shape: store/summaries.ts toPullRequest). */
import type { Db } from '../db/database';
import type { RepoOverviewRow, TaskPullRequestRow } from '../db/schema';

export class GitHubStore {
  constructor(private readonly db: Db) {}

  pullRequest(taskId: string): TaskPullRequestRow | undefined {
    return this.db.get(this.db.q.selectFrom('task_pull_requests').selectAll().where('task_id', '=', taskId));
  }
  pullRequestsOfRepo(repoId: string): TaskPullRequestRow[] {
    return this.db.all(this.db.q.selectFrom('task_pull_requests').selectAll().where('repo_id', '=', repoId));
  }
  allPullRequests(): TaskPullRequestRow[] {
    return this.db.all(this.db.q.selectFrom('task_pull_requests').selectAll());
  }
  /** The repositories with a pull request the projection still follows (open or draft, of a task not archived). */
  reposWithOpenPullRequests(): string[] {
    return this.db
      .all(
        this.db.q
          .selectFrom('task_pull_requests')
          .innerJoin('tasks', 'tasks.id', 'task_pull_requests.task_id')
          .select('task_pull_requests.repo_id')
          .distinct()
          .where('task_pull_requests.state', 'in', ['open', 'draft'])
          .where('tasks.status', 'not in', ['archived', 'deleted']),
      )
      .map((r) => r.repo_id);
  }
  putPullRequest(row: TaskPullRequestRow): void {
    this.db.run(this.db.q.insertInto('task_pull_requests').values(row).onConflict((oc) => oc.column('task_id').doUpdateSet(row)));
  }

  overview(repoId: string): RepoOverviewRow | undefined {
    return this.db.get(this.db.q.selectFrom('repo_overviews').selectAll().where('repo_id', '=', repoId));
  }
  putOverview(row: RepoOverviewRow): void {
    this.db.run(this.db.q.insertInto('repo_overviews').values(row).onConflict((oc) => oc.column('repo_id').doUpdateSet(row)));
  }

  /** Whether a job of `kind` for `subject` is queued or running, other than job `except`. */
  jobOpen(kind: string, subject: string, except?: number): boolean {
    let q = this.db.q.selectFrom('jobs').select('id').where('kind', '=', kind).where('subject', '=', subject).where('status', 'in', ['queued', 'running']);
    if (except !== undefined) q = q.where('id', '!=', except);
    return this.db.get(q.limit(1)) !== undefined;
  }
}
