/**
 * Typed access to the sidecar's rows. Every method is one short synchronous statement;
 * callers group writes with `db.tx`.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { HistoryRow, JobRow, ProcessRow, QueuedMessageRow, RepoActionRow, RepoRow, SessionRow, TaskFileRow, TaskGitRow, TaskRevertRow, TaskRow, TranscriptRow } from '../db/schema';
import type { ProcessIdentity } from '../effects/identity';
import type { HistoryEvent, SessionSummary, TaskSummary, TranscriptEvent, TranscriptSender } from '../../../shared/protocol';
import { toAction, toSession, toTask } from './summaries';
import { ReviewCommentStore } from './reviewComments';
import { SandboxStore } from './sandboxes';
import { PoolStore } from '../pool/poolStore';
import { toRepo } from './summaries';
import type { Repo } from '../../../shared/protocol';
import { CheckpointStore } from './checkpoints';

export class Store {
  // Hot paths: each streamed agent update reads its session and appends a transcript row.
  private readonly sessionById;
  private readonly turnStateById;
  private readonly insertTranscript;
  private readonly taskById;
  private readonly sessionsOfTask;
  private readonly waitingOf;
  private readonly queueEdges;
  /** Review comments on tasks' diffs (store/reviewComments.ts). */
  readonly reviewComments: ReviewCommentStore;
  /** Remote tasks' sandboxes (store/sandboxes.ts). */
  readonly sandboxes: SandboxStore;
  /** The instant sandbox pool's entries (pool/poolStore.ts). */
  readonly pool: PoolStore;
  /** Checkpoints, turns' starting checkpoints and restores (store/checkpoints.ts). */
  readonly checkpoints: CheckpointStore;

  constructor(readonly db: Db) {
    this.reviewComments = new ReviewCommentStore(db);
    this.sandboxes = new SandboxStore(db);
    this.pool = new PoolStore(db);
    this.checkpoints = new CheckpointStore(db);
    this.sessionById = db.hot((id: string) => db.q.selectFrom('sessions').selectAll().where('id', '=', id));
    this.turnStateById = db.hot((id: string) => db.q.selectFrom('sessions').select(['status', 'turn_id', 'stalled']).where('id', '=', id));
    this.taskById = db.hot((id: string) => db.q.selectFrom('tasks').selectAll().where('id', '=', id));
    this.sessionsOfTask = db.hot((taskId: string) => db.q.selectFrom('sessions').selectAll().where('task_id', '=', taskId).orderBy('position'));
    this.waitingOf = db.hot((sessionId: string) =>
      db.q.selectFrom('queued_messages').selectAll().where('session_id', '=', sessionId).where('dispatched', '=', sql.lit(0)).orderBy('position'),
    );
    this.queueEdges = db.hot((sessionId: string) =>
      db.q.selectFrom('queued_messages').select((eb) => [eb.fn.max('position').as('last'), eb.fn.min('position').as('first')]).where('session_id', '=', sessionId),
    );
    this.insertTranscript = db.hot((session_id: string, seq: number, at: number, sender: string, payload: string) =>
      db.q.insertInto('transcript').values({ session_id, seq, at, sender, payload }),
    );
  }
  private get q() {
    return this.db.q;
  }

  // --- repos
  repo(id: string): RepoRow | undefined {
    return this.db.get(this.q.selectFrom('repos').selectAll().where('id', '=', id));
  }
  repoByPath(path: string): RepoRow | undefined {
    return this.db.get(this.q.selectFrom('repos').selectAll().where('path', '=', path));
  }
  repos(): RepoRow[] {
    return this.db.all(this.q.selectFrom('repos').selectAll().orderBy('created_at'));
  }
  /** The repository on the wire, with its pool's counts. */
  repoSummary(r: RepoRow): Repo {
    return toRepo(r, this.pool.info(r.id));
  }
  insertRepo(r: RepoRow): void {
    this.db.run(this.q.insertInto('repos').values(r));
  }
  updateRepo(id: string, patch: Partial<RepoRow>): void {
    this.db.run(this.q.updateTable('repos').set(patch).where('id', '=', id));
  }
  deleteRepo(id: string): void {
    this.db.run(this.q.deleteFrom('repos').where('id', '=', id));
  }

  // --- tasks
  task(id: string): TaskRow | undefined {
    return this.taskById.get(id);
  }
  tasks(): TaskRow[] {
    return this.db.all(this.q.selectFrom('tasks').selectAll().orderBy('created_at'));
  }
  tasksOfRepo(repoId: string): TaskRow[] {
    return this.db.all(this.q.selectFrom('tasks').selectAll().where('repo_id', '=', repoId).orderBy('created_at'));
  }
  insertTask(t: TaskRow): void {
    this.db.run(this.q.insertInto('tasks').values(t));
  }
  updateTask(id: string, patch: Partial<TaskRow>): void {
    this.db.updateById('tasks', id, { ...patch, updated_at: Date.now() });
  }
  /** A measurement, not activity: `updated_at` (what retention reads as the last activity) stays. */
  setDiskBytes(table: 'tasks' | 'repos', id: string, bytes: number | null): void {
    this.db.updateById(table, id, { disk_bytes: bytes });
  }
  /** A purged task's rows, in every table that holds any (call inside a transaction). */
  deleteTaskRows(taskId: string): void {
    const sessions = this.sessionsOf(taskId).map((s) => s.id);
    if (sessions.length) {
      this.db.run(this.q.deleteFrom('transcript').where('session_id', 'in', sessions));
      this.db.run(this.q.deleteFrom('queued_messages').where('session_id', 'in', sessions));
    }
    this.db.run(this.q.deleteFrom('sessions').where('task_id', '=', taskId));
    for (const table of ['task_files', 'task_git', 'task_reverts', 'task_pull_requests', 'review_comments', 'task_history'] as const) {
      this.db.run(this.q.deleteFrom(table).where('task_id', '=', taskId));
    }
    this.db.run(this.q.deleteFrom('repo_actions').where('task_id', '=', taskId));
    this.db.run(this.q.deleteFrom('jobs').where('task_id', '=', taskId).where('status', 'not in', ['queued', 'running']));
    this.db.run(this.q.deleteFrom('tasks').where('id', '=', taskId));
  }
  branchTaken(repoId: string, branch: string): boolean {
    return (
      this.db.get(this.q.selectFrom('tasks').select('id').where('repo_id', '=', repoId).where('branch', '=', branch).limit(1)) !== undefined
    );
  }
  branches(repoId: string): string[] {
    return this.db.all(this.q.selectFrom('tasks').select('branch').where('repo_id', '=', repoId)).map((r) => r.branch);
  }

  // --- sessions
  session(id: string): SessionRow | undefined {
    return this.sessionById.get(id);
  }
  /** What a streamed update needs of its session (no JSON columns to read). */
  sessionTurnState(id: string): Pick<SessionRow, 'status' | 'turn_id' | 'stalled'> | undefined {
    return this.turnStateById.get(id);
  }
  sessionsOf(taskId: string): SessionRow[] {
    return this.sessionsOfTask.all(taskId);
  }
  allSessions(): SessionRow[] {
    return this.db.all(this.q.selectFrom('sessions').selectAll().orderBy('task_id').orderBy('position'));
  }
  insertSession(s: SessionRow): void {
    this.db.run(this.q.insertInto('sessions').values(s));
  }
  updateSession(id: string, patch: Partial<SessionRow>): void {
    this.db.updateById('sessions', id, { ...patch, updated_at: Date.now() });
  }

  // --- the durable message queue
  /** Messages of a session still waiting (not dispatched), oldest first. */
  queued(sessionId: string): QueuedMessageRow[] {
    return this.waitingOf.all(sessionId);
  }
  /** Waiting messages by session: of one task, or of all (one read for the whole workbench). */
  private queuedBySession(taskId?: string): Map<string, QueuedMessageRow[]> {
    const bySession = new Map<string, QueuedMessageRow[]>();
    let query = this.q.selectFrom('queued_messages').selectAll().where('dispatched', '=', 0);
    if (taskId) query = query.where('session_id', 'in', this.q.selectFrom('sessions').select('id').where('task_id', '=', taskId));
    for (const m of this.db.all(query.orderBy('position'))) {
      bySession.set(m.session_id, [...(bySession.get(m.session_id) ?? []), m]);
    }
    return bySession;
  }
  queuedMessage(id: string): QueuedMessageRow | undefined {
    return this.db.get(this.q.selectFrom('queued_messages').selectAll().where('id', '=', id));
  }
  /** The message whose turn is under way, if it has not reached the transcript yet. */
  dispatchedMessage(sessionId: string, turnId: string): QueuedMessageRow | undefined {
    return this.db.get(
      this.q.selectFrom('queued_messages').selectAll().where('session_id', '=', sessionId).where('turn_id', '=', turnId).where('dispatched', '=', 1),
    );
  }
  /** Every dispatched message (recovery: their turns were cut short). */
  dispatchedMessages(): QueuedMessageRow[] {
    return this.db.all(this.q.selectFrom('queued_messages').selectAll().where('dispatched', '=', 1));
  }
  enqueue(m: Omit<QueuedMessageRow, 'position' | 'dispatched'>, atFront = false): void {
    const edge = this.queueEdges.get(m.session_id);
    const position = atFront ? ((edge?.first as number | null) ?? 1) - 1 : ((edge?.last as number | null) ?? 0) + 1;
    this.db.run(this.q.insertInto('queued_messages').values({ ...m, position, dispatched: 0 }));
  }
  updateQueued(id: string, patch: Partial<QueuedMessageRow>): void {
    this.db.updateById('queued_messages', id, patch);
  }
  deleteQueued(id: string): void {
    this.db.run(this.q.deleteFrom('queued_messages').where('id', '=', id));
  }

  // --- summaries
  sessionSummary(id: string): SessionSummary | undefined {
    const s = this.session(id);
    return s && toSession(s, this.queued(id));
  }
  taskSummary(id: string): TaskSummary | undefined {
    const t = this.task(id);
    const pr = this.db.get(this.q.selectFrom('task_pull_requests').selectAll().where('task_id', '=', id));
    return t && toTask(t, this.sessionsOf(id), this.queuedBySession(id), this.taskGit(id), this.lastActionOf(id), pr, this.reviewComments.unsentCount(id), this.sandboxes.get(id));
  }
  allTaskSummaries(): TaskSummary[] {
    const byTask = new Map<string, SessionRow[]>();
    for (const s of this.allSessions()) {
      const list = byTask.get(s.task_id) ?? [];
      list.push(s);
      byTask.set(s.task_id, list);
    }
    const queued = this.queuedBySession();
    const git = new Map(this.db.all(this.q.selectFrom('task_git').selectAll()).map((g) => [g.task_id, g]));
    const actions = this.lastActions();
    const comments = this.reviewComments.unsentCounts();
    const prs = new Map(this.db.all(this.q.selectFrom('task_pull_requests').selectAll()).map((p) => [p.task_id, p]));
    const sandboxes = new Map(this.sandboxes.all().map((b) => [b.task_id, b]));
    return this.tasks().map((t) => toTask(t, byTask.get(t.id) ?? [], queued, git.get(t.id), actions.get(t.id), prs.get(t.id), comments.get(t.id) ?? 0, sandboxes.get(t.id)));
  }

  // --- the changes projection's detail (task_files, task_git) and reverts
  taskFiles(taskId: string): TaskFileRow[] {
    return this.db.all(this.q.selectFrom('task_files').selectAll().where('task_id', '=', taskId).orderBy('path'));
  }
  taskFile(taskId: string, path: string): TaskFileRow | undefined {
    return this.db.get(this.q.selectFrom('task_files').selectAll().where('task_id', '=', taskId).where('path', '=', path));
  }
  taskGit(taskId: string): TaskGitRow | undefined {
    return this.db.get(this.q.selectFrom('task_git').selectAll().where('task_id', '=', taskId));
  }
  /** Replace the task's file rows (call inside a transaction). */
  replaceTaskFiles(taskId: string, files: TaskFileRow[]): void {
    this.db.run(this.q.deleteFrom('task_files').where('task_id', '=', taskId));
    for (let i = 0; i < files.length; i += 100) this.db.run(this.q.insertInto('task_files').values(files.slice(i, i + 100)));
  }
  putTaskGit(row: TaskGitRow): void {
    this.db.run(this.q.insertInto('task_git').values(row).onConflict((oc) => oc.column('task_id').doUpdateSet(row)));
  }
  insertRevert(row: TaskRevertRow): void {
    this.db.run(this.q.insertInto('task_reverts').values(row));
  }
  revert(taskId: string, id: string): TaskRevertRow | undefined {
    return this.db.get(this.q.selectFrom('task_reverts').selectAll().where('task_id', '=', taskId).where('id', '=', id));
  }
  deleteRevert(id: string): void {
    this.db.run(this.q.deleteFrom('task_reverts').where('id', '=', id));
  }
  /** A changes job waiting to start (one running may be under way too). */
  queuedJobFor(kind: string, subject: string): JobRow | undefined {
    return this.db.get(this.q.selectFrom('jobs').selectAll().where('kind', '=', kind).where('subject', '=', subject).where('status', '=', 'queued'));
  }

  // --- repository actions
  insertAction(row: RepoActionRow): void {
    this.db.run(this.q.insertInto('repo_actions').values(row));
  }
  action(id: string): RepoActionRow | undefined {
    return this.db.get(this.q.selectFrom('repo_actions').selectAll().where('id', '=', id));
  }
  updateAction(id: string, patch: Partial<RepoActionRow>): RepoActionRow | undefined {
    this.db.updateById('repo_actions', id, { ...patch, updated_at: Date.now() });
    return this.action(id);
  }
  /** Newest first, optionally of one task or one repository. */
  actions(filter: { taskId?: string; repoId?: string }, limit: number): RepoActionRow[] {
    let query = this.q.selectFrom('repo_actions').selectAll();
    if (filter.taskId) query = query.where('task_id', '=', filter.taskId);
    if (filter.repoId) query = query.where('repo_id', '=', filter.repoId);
    return this.db.all(query.orderBy('created_at', 'desc').orderBy(sql`rowid`, 'desc').limit(limit));
  }
  lastActionOf(taskId: string): RepoActionRow | undefined {
    return this.actions({ taskId }, 1)[0];
  }
  /** Each task's last action (one read for the whole workbench). */
  private lastActions(): Map<string, RepoActionRow> {
    const latest = this.q.selectFrom('repo_actions').select((eb) => eb.fn.max(sql<number>`rowid`).as('r')).where('task_id', 'is not', null).groupBy('task_id');
    const rows = this.db.all(this.q.selectFrom('repo_actions').selectAll().where(sql<number>`rowid`, 'in', latest));
    return new Map(rows.map((a) => [a.task_id!, a]));
  }

  // --- transcript
  lastSeq(sessionId: string): number {
    const row = this.db.get(
      this.q.selectFrom('transcript').select((eb) => eb.fn.max('seq').as('m')).where('session_id', '=', sessionId),
    );
    return (row?.m as number | null) ?? 0;
  }
  appendTranscript(row: TranscriptRow): void {
    this.insertTranscript.run(row.session_id, row.seq, row.at, row.sender, row.payload);
  }
  /** Rows copied from elsewhere (an import): a row already there (same session and seq) is kept as it is. */
  copyTranscript(rows: TranscriptRow[]): void {
    if (rows.length) this.db.run(this.q.insertInto('transcript').values(rows).onConflict((oc) => oc.doNothing()));
  }
  transcript(sessionId: string, after: number, limit: number): TranscriptEvent[] {
    return this.db
      .all(
        this.q
          .selectFrom('transcript')
          .selectAll()
          .where('session_id', '=', sessionId)
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(limit),
      )
      .map(toEvent);
  }

  // --- history
  addHistory(taskId: string, e: Omit<HistoryEvent, 'at'>): void {
    this.db.run(
      this.q.insertInto('task_history').values({
        task_id: taskId,
        at: Date.now(),
        kind: e.kind,
        stage: e.stage ?? null,
        duration_ms: e.durationMs ?? null,
        message: e.message ?? null,
      } as HistoryRow),
    );
  }
  /** A history row copied from elsewhere (an import), under a new id. */
  copyHistory(row: Omit<HistoryRow, 'id'>): void {
    this.db.run(this.q.insertInto('task_history').values(row as HistoryRow));
  }
  history(taskId: string): HistoryEvent[] {
    return this.db.all(this.q.selectFrom('task_history').selectAll().where('task_id', '=', taskId).orderBy('id')).map((h) => ({
      at: h.at,
      kind: h.kind as HistoryEvent['kind'],
      ...(h.stage ? { stage: h.stage } : {}),
      ...(h.duration_ms != null ? { durationMs: h.duration_ms } : {}),
      ...(h.message ? { message: h.message } : {}),
    }));
  }

  // --- jobs
  insertJob(kind: string, subject: string, taskId: string, step: string | null = null): number {
    const now = Date.now();
    const r = this.db.run(
      this.q.insertInto('jobs').values({
        kind,
        subject,
        task_id: taskId,
        step,
        attempts: 0,
        status: 'queued',
        error: null,
        created_at: now,
        updated_at: now,
      } as JobRow),
    );
    return Number(r.lastInsertRowid);
  }
  /** A job row copied from elsewhere (an import), as it was, under a new id; returns the id. */
  copyJob(row: Omit<JobRow, 'id'>): number {
    return Number(this.db.run(this.q.insertInto('jobs').values(row as JobRow)).lastInsertRowid);
  }
  job(id: number): JobRow | undefined {
    return this.db.get(this.q.selectFrom('jobs').selectAll().where('id', '=', id));
  }
  openJobs(): JobRow[] {
    return this.db.all(this.q.selectFrom('jobs').selectAll().where('status', 'in', ['queued', 'running']).orderBy('id'));
  }
  openJobFor(kind: string, subject: string): JobRow | undefined {
    return this.db.get(
      this.q
        .selectFrom('jobs')
        .selectAll()
        .where('kind', '=', kind)
        .where('subject', '=', subject)
        .where('status', 'in', ['queued', 'running']),
    );
  }
  deleteJob(id: number): void {
    this.db.run(this.q.deleteFrom('jobs').where('id', '=', id));
  }
  updateJob(id: number, patch: Partial<JobRow>): void {
    this.db.run(this.q.updateTable('jobs').set({ ...patch, updated_at: Date.now() }).where('id', '=', id));
  }

  // --- processes (process groups the sidecar started, to end after a crash)
  addProcess(pgid: number, owner: string, kind: string, identity: ProcessIdentity): void {
    const row = { owner, kind, boot_id: identity.bootId, start_time: identity.startTime };
    this.db.run(
      this.q
        .insertInto('processes')
        .values({ pgid, ...row })
        .onConflict((oc) => oc.column('pgid').doUpdateSet(row)),
    );
  }
  removeProcess(pgid: number): void {
    this.db.run(this.q.deleteFrom('processes').where('pgid', '=', pgid));
  }
  /** Remove a row read earlier, unless a new group of the same pgid has replaced it since. */
  removeProcessRow(p: ProcessRow): void {
    this.db.run(
      this.q
        .deleteFrom('processes')
        .where('pgid', '=', p.pgid)
        .where('boot_id', 'is', p.boot_id)
        .where('start_time', 'is', p.start_time),
    );
  }
  processes(): ProcessRow[] {
    return this.db.all(this.q.selectFrom('processes').selectAll());
  }

  // --- meta
  meta(key: string): string | undefined {
    return this.db.get(this.q.selectFrom('meta').select('value').where('key', '=', key))?.value;
  }
  setMeta(key: string, value: string): void {
    this.db.run(this.q.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })));
  }
  version(): number {
    return Number(this.db.get(this.q.selectFrom('meta').select('value').where('key', '=', 'workbench_version'))?.value ?? 0);
  }
  setVersion(v: number): void {
    this.db.run(this.q.updateTable('meta').set({ value: String(v) }).where('key', '=', 'workbench_version'));
  }
}

export const toEvent = (r: TranscriptRow): TranscriptEvent => ({
  seq: r.seq,
  sessionId: r.session_id,
  at: r.at,
  sender: r.sender as TranscriptSender,
  payload: JSON.parse(r.payload),
});
