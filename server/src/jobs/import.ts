/**
 * Import one database of an earlier Foundry version (one job per file, `foundry/importDatabases`):
 * its tasks, sessions, transcripts, task history and jobs join this sidecar's database, nothing
 * lost, and the old file is renamed `foundry.db.imported-<timestamp>` (kept, with its -wal/-shm).
 *
 * - Ids: task, session and repository ids are kept (a repository maps to the row of the same
 *   repository here, by identity, else its row is added); jobs and history rows get new ids.
 * - Worktrees stay where they are: each task keeps its recorded worktree_path, and a resumed job
 *   uses that path (provision.ts). A worktree that git vouches for gets its ownership marker.
 * - Files: the setup logs (<old>/logs/<taskId>-setup.log) and the demo agent's state
 *   (<old>/agents/demo/) are copied into this data folder.
 * - Open jobs resume here; a turn the old sidecar was in the middle of is recorded as
 *   interrupted, as at a start. Process groups the old sidecar recorded are not imported: their
 *   rows carry no leader identity, so (as at a start) they are forgotten unsignalled.
 *
 * Idempotent, and safe to stop anywhere: the file is known by a hash of its bytes (a meta row
 * `import:<sha256>` once imported), a task already here is never imported twice, transcripts go in
 * first (pages, INSERT OR IGNORE, for sessions not here yet, so nobody sees them half-copied), files
 * are copied only where missing (temp file, then rename), and everything else lands in one
 * transaction. A rerun after a crash finishes what is left, the rename included.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HistoryRow, JobRow, RepoRow, SessionRow, TaskRow, TranscriptRow } from '../db/schema';
import { LegacyDb, columnsOf } from '../db/legacy';
import { migrations } from '../db/migrations';
import type { Sidecar } from '../sidecar';
import { errorMessage } from '../errors';
import { newId } from '../ids';
import { Interrupted } from '../interrupted';
import { knownRepository } from '../handlers/repos';
import { backfillOwnerMarkers } from '../reconcile';

/** The jobs' task_id: imports run one at a time, and never beside another task's job. */
export const IMPORT_SUBJECT = 'import';
const TRANSCRIPT_PAGE = 2000;

interface ImportRecord {
  source: string;
  renamedTo: string;
  at: number;
  tasks: string[];
}

export function importJob(sc: Sidecar) {
  return (job: JobRow): Promise<void> => importDatabase(sc, job.subject);
}

async function importDatabase(sc: Sidecar, file: string): Promise<void> {
  const say = (m: string) => sc.log(`import of ${file}: ${m}`);
  const opened = LegacyDb.open(file, join(sc.opts.dataDir, 'foundry.db'), migrations.length);
  if (typeof opened === 'string') return say(`skipped: ${opened}`);
  const old = opened;
  try {
    const key = `import:${await old.fingerprint()}`;
    const done = sc.store.meta(key);
    if (done) {
      // The same bytes were imported (a copy of the file, or this file before a crash kept it from being renamed).
      old.close();
      const record = JSON.parse(done) as ImportRecord;
      const renamed = await renameImported(file, importedName(file));
      return say(`already imported (${record.tasks.length} task(s), from ${record.source})${renamed ? `; renamed to ${renamed}` : ''}`);
    }
    const plan = readPlan(sc, old);
    const repos = await mapRepos(sc, plan.repos);
    checkDraining(sc);
    await copyFiles(sc, dirname(file), plan.tasks);
    await copyTranscripts(sc, old, plan.sessions);
    const renamedTo = await freeName(importedName(file));
    const record: ImportRecord = { source: file, renamedTo, at: Date.now(), tasks: plan.tasks.map((t) => t.id) };
    const openJobs = sc.db.tx(() => commit(sc, plan, repos, key, record, old.schema));
    old.close();
    await renameImported(file, renamedTo);
    await backfillOwnerMarkers(sc, plan.tasks.map((t) => sc.store.task(t.id)!)).catch((e) => say(`ownership markers: ${errorMessage(e)}`));
    sc.jobs.resume(openJobs);
    for (const t of plan.tasks) {
      const now = sc.store.task(t.id)!;
      if ((now.status === 'idle' || now.status === 'running') && now.worktree_path) sc.watch(now.id, now.worktree_path);
      sc.publisher.taskChanged(t.id);
    }
    for (const r of repos.values()) if (r.added) sc.publisher.repoChanged(r.row.id);
    const skipped = plan.skippedTasks.length ? `; ${plan.skippedTasks.length} task(s) already here were left as they are (${plan.skippedTasks.join(', ')})` : '';
    say(
      `imported ${plan.tasks.length} task(s), ${plan.sessions.length} session(s), ${plan.history.length} history row(s), ` +
        `${plan.jobs.length} job(s) (${openJobs.length} resumed); renamed to ${renamedTo}${skipped}` +
        (plan.processes ? `; ${plan.processes} process group record(s) of the old sidecar carry no identity and were left unsignalled` : ''),
    );
  } finally {
    old.close();
  }
}

function checkDraining(sc: Sidecar): void {
  if (sc.draining) throw new Interrupted('the import');
}

interface Plan {
  repos: RepoRow[];
  tasks: TaskRow[];
  sessions: SessionRow[];
  history: Omit<HistoryRow, 'id'>[];
  jobs: JobRow[];
  skippedTasks: string[];
  processes: number;
}

/** What to import: every task not here yet, with its sessions, history and jobs. */
function readPlan(sc: Sidecar, old: LegacyDb): Plan {
  const cols = (table: string) => columnsOf(sc.db.raw, table);
  const allTasks = old.rows<TaskRow>('tasks', cols('tasks'), 'created_at').map(fillTask);
  const skippedTasks = allTasks.filter((t) => sc.store.task(t.id)).map((t) => t.id);
  const tasks = allTasks.filter((t) => !skippedTasks.includes(t.id));
  const taskIds = new Set(tasks.map((t) => t.id));
  const repoIds = new Set(tasks.map((t) => t.repo_id));
  return {
    repos: old.rows<RepoRow>('repos', cols('repos'), 'created_at').map(fillRepo).filter((r) => repoIds.has(r.id)),
    tasks,
    sessions: old
      .rows<SessionRow>('sessions', cols('sessions'), 'created_at')
      .map(fillSession)
      .filter((s) => taskIds.has(s.task_id) && !sc.store.session(s.id)),
    history: old.has('task_history') ? old.rows<HistoryRow>('task_history', cols('task_history'), 'id').map(fillHistory).filter((h) => taskIds.has(h.task_id)) : [],
    jobs: old.has('jobs') ? old.rows<JobRow>('jobs', cols('jobs'), 'id').map(fillJob).filter((j) => taskIds.has(j.task_id)) : [],
    skippedTasks,
    processes: old.has('processes') ? old.rows<{ pgid: number }>('processes', ['pgid'], 'pgid').length : 0,
  };
}

interface MappedRepo {
  row: RepoRow;
  /** The row is new here (inserted by the commit). */
  added: boolean;
}

/**
 * Each old repository's row here: the row of the same repository (by identity, when its path
 * still is a repository; else by its recorded path), or a new row keeping its id where free.
 */
async function mapRepos(sc: Sidecar, repos: RepoRow[]): Promise<Map<string, MappedRepo>> {
  const map = new Map<string, MappedRepo>();
  const adding = new Map<string, MappedRepo>(); // by path: the old database may hold one repository twice
  for (const r of repos) {
    const info = await sc.effects.call('repoInfo', { path: r.path }).catch(() => null);
    const existing = info ? await knownRepository(sc, info) : sc.store.repoByPath(r.path);
    if (existing) {
      map.set(r.id, { row: existing, added: false });
      continue;
    }
    const path = info?.path ?? r.path;
    const planned = adding.get(path);
    if (planned) {
      map.set(r.id, planned);
      continue;
    }
    const row: RepoRow = {
      ...r,
      id: sc.store.repo(r.id) ? newId('repo') : r.id,
      name: path === r.path ? r.name : basename(path),
      path,
      default_branch: info?.defaultBranch ?? r.default_branch,
    };
    map.set(r.id, { row, added: true });
    adding.set(path, map.get(r.id)!);
  }
  return map;
}

/** Setup logs and the demo agent's state, into this data folder; a file already here is kept. */
async function copyFiles(sc: Sidecar, oldDir: string, tasks: TaskRow[]): Promise<void> {
  for (const t of tasks) await copyMissing(join(oldDir, 'logs', `${t.id}-setup.log`), sc.setupLogPath(t.id));
  const demo = join(oldDir, 'agents', 'demo');
  const names = await readdir(demo).catch(() => [] as string[]);
  if (!names.length) return;
  const target = join(sc.opts.dataDir, 'agents', 'demo');
  await mkdir(target, { recursive: true });
  for (const name of names.filter((n) => !n.endsWith('.tmp'))) {
    const from = join(demo, name);
    if ((await stat(from)).isFile()) await copyMissing(from, join(target, name));
  }
}

async function copyMissing(from: string, to: string): Promise<void> {
  if (!existsSync(from) || existsSync(to)) return;
  const temp = `${to}.import-${process.pid}.tmp`;
  await copyFile(from, temp);
  await rename(temp, to);
}

/** Transcripts of the sessions to import, page by page, yielding between pages. */
async function copyTranscripts(sc: Sidecar, old: LegacyDb, sessions: SessionRow[]): Promise<void> {
  const cols = columnsOf(sc.db.raw, 'transcript');
  for (const s of sessions) {
    let after = 0;
    for (;;) {
      checkDraining(sc);
      const page = old.transcriptPage<TranscriptRow>(s.id, after, TRANSCRIPT_PAGE, cols) as TranscriptRow[];
      if (!page.length) break;
      sc.db.tx(() => sc.store.copyTranscript(page));
      after = page.at(-1)!.seq;
      await nextTurn();
    }
  }
}

/** One transaction: repositories, tasks, sessions, history, jobs, the record. Returns the open jobs. */
function commit(sc: Sidecar, plan: Plan, repos: Map<string, MappedRepo>, key: string, record: ImportRecord, schema: number): JobRow[] {
  for (const r of repos.values()) {
    if (!r.added || sc.store.repo(r.row.id)) continue;
    // Added by a request since mapRepos looked (it awaited git): use that row.
    const now = sc.store.repoByPath(r.row.path);
    if (now) Object.assign(r, { row: now, added: false });
    else sc.store.insertRepo(r.row);
  }
  const oldRepos = new Map(plan.repos.map((r) => [r.id, r]));
  for (const t of plan.tasks) {
    const repo = repos.get(t.repo_id);
    if (!repo) throw new Error(`task ${t.id} names repository ${t.repo_id}, which the database does not have`);
    // A task from before script snapshots ran its repository's script: it keeps running that one.
    sc.store.insertTask({ ...t, repo_id: repo.row.id, setup_script: t.setup_script ?? oldRepos.get(t.repo_id)?.setup_script ?? '' });
  }
  const interrupted: SessionRow[] = [];
  for (const s of plan.sessions) {
    if (s.status === 'running') interrupted.push(s);
    sc.store.insertSession(s.status === 'running' ? { ...s, status: 'ready', turn_id: null } : s);
  }
  for (const h of plan.history) sc.store.copyHistory(h);
  const open: JobRow[] = [];
  for (const { id: _old, ...j } of plan.jobs) {
    const id = sc.store.copyJob(j);
    if (j.status === 'queued' || j.status === 'running') open.push({ ...j, id });
  }
  for (const s of interrupted) {
    sc.transcripts.foundry(s.id, {
      kind: 'turn_interrupted',
      turnId: s.turn_id ?? undefined,
      text: 'The sidecar stopped during this turn. Send the message again to continue.',
    });
  }
  for (const t of plan.tasks) {
    sc.recomputeTaskStatus(t.id);
    sc.store.addHistory(t.id, { kind: 'imported', message: `from ${record.source} (schema ${schema})` });
  }
  for (const j of open) if (j.kind === 'provision' && j.status === 'running') sc.store.addHistory(j.task_id, { kind: 'resumed', stage: j.step ?? undefined });
  sc.store.setMeta(key, JSON.stringify(record));
  return open;
}

/** Rename the imported file (and its -wal/-shm) to `target`, unless it is gone or is that name already. */
async function renameImported(file: string, target: string): Promise<string | null> {
  if (!existsSync(file) || resolve(file) === resolve(target) || /\.imported-[^/\\]*$/.test(file)) return null;
  const to = existsSync(target) ? await freeName(target) : target;
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) await rename(file + suffix, to + suffix);
  await rename(file, to);
  return to;
}

const importedName = (file: string) => `${file}.imported-${new Date().toISOString().replace(/[:.]/g, '-')}`;

async function freeName(base: string): Promise<string> {
  let name = base;
  for (let n = 2; existsSync(name); n++) name = `${base}-${n}`;
  return name;
}

// Column-tolerant rows (db/legacy.ts) made whole: a column an earlier schema lacks gets what a
// row of that version meant.
const fillRepo = (r: Partial<RepoRow>): RepoRow => ({ name: basename(r.path!), default_branch: 'main', setup_script: null, created_at: 0, ...r }) as RepoRow;
const fillTask = (t: Partial<TaskRow>): TaskRow =>
  ({
    branch_explicit: 0,
    base_ref: null,
    status_message: null,
    error_message: null,
    failed_stage: null,
    model: null,
    worktree_path: null,
    setup_script: null,
    changes_files: 0,
    changes_added: 0,
    changes_removed: 0,
    updated_at: t.created_at,
    ...t,
  }) as TaskRow;
const fillSession = (s: Partial<SessionRow>): SessionRow =>
  ({ model: null, unread: 0, error_message: null, acp_session_id: null, is_first: 0, first_prompt_sent: 0, turn_id: null, updated_at: s.created_at, ...s }) as SessionRow;
const fillHistory = ({ id: _id, ...h }: Partial<HistoryRow>): Omit<HistoryRow, 'id'> =>
  ({ stage: null, duration_ms: null, message: null, ...h }) as Omit<HistoryRow, 'id'>;
const fillJob = (j: Partial<JobRow>): JobRow => ({ step: null, attempts: 0, error: null, updated_at: j.created_at, ...j }) as JobRow;
