/**
 * The `local` provider: a git worktree on this machine (the default). Its sandbox is the
 * worktree (from the instant pool when one is ready), its agents run as local processes in it,
 * and its git state is read there by the effects worker.
 */
import { appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { ProviderInfo, ProvisionStage } from '../../../shared/protocol';
import type { TaskRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { AgentLaunch } from '../effects/transports/link';
import { errorMessage } from '../errors';
import { readTail } from '../tail';
import type { AgentTarget, FileSides, SandboxProvider } from './provider';
import { regenerableOf } from '../handlers/repos';

export class LocalProvider implements SandboxProvider {
  readonly id = 'local' as const;
  readonly steps: Partial<Record<ProvisionStage, (taskId: string) => Promise<void>>>;

  constructor(private readonly sc: Sidecar) {
    this.steps = {
      init_create_sandbox: (id) => this.createWorktree(id),
      init_ensure_agent: (id) => ensureAgentReady(sc, id),
    };
  }

  info(): ProviderInfo {
    return { id: 'local', ready: true };
  }

  hasSandbox(task: TaskRow): boolean {
    return task.worktree_path != null && existsSync(task.worktree_path);
  }

  readonly integrates = true;

  fileTree(task: TaskRow, dir: string) {
    return this.sc.effects.call('fileTree', { worktreePath: this.worktreeOf(task), dir });
  }

  revertFile(task: TaskRow, p: { path: string; oldPath?: string; ref: string }) {
    return this.sc.effects.call('revertFile', { worktreePath: this.worktreeOf(task), baseRef: task.base_ref!, ...p });
  }

  undoRevert(task: TaskRow, p: { path: string; oldPath?: string; ref: string; existed: boolean; after: string | null }) {
    return this.sc.effects.call('undoRevert', { worktreePath: this.worktreeOf(task), ...p });
  }

  private worktreeOf(task: TaskRow): string {
    if (!task.worktree_path) throw new Error('the task has no worktree');
    return task.worktree_path;
  }

  head(task: TaskRow) {
    return this.sc.effects.call('gitWorktreeHead', { worktreePath: this.worktreeOf(task) });
  }

  commit(task: TaskRow, message: string) {
    return this.sc.effects.call('gitCommit', { worktreePath: this.worktreeOf(task), message });
  }

  async pushFrom(task: TaskRow): Promise<string> {
    return this.worktreeOf(task);
  }

  changesPatch(task: TaskRow) {
    return this.sc.effects.call('gitTaskPatch', { worktreePath: this.worktreeOf(task), baseRef: task.base_ref! });
  }

  async agentTarget(task: TaskRow, local: AgentLaunch & { kind: 'stdio' }): Promise<AgentTarget> {
    if (!task.worktree_path) throw new Error('the task has no worktree yet');
    return { launch: local, cwd: task.worktree_path };
  }

  async wake(): Promise<boolean> {
    return false; // a worktree never sleeps
  }

  gitState(task: TaskRow, baseBranch: string | null) {
    return this.sc.effects.call('gitState', { worktreePath: task.worktree_path!, baseRef: task.base_ref!, baseBranch });
  }

  fileSides(task: TaskRow, path: string, against: 'base' | 'head', oldPath?: string): Promise<FileSides> {
    return this.sc.effects.call('fileDiff', { worktreePath: task.worktree_path!, baseRef: task.base_ref!, path, against, ...(oldPath ? { oldPath } : {}) });
  }

  snapshot(task: TaskRow, ref: string, how: { regenerable: readonly string[]; message: string }) {
    return this.sc.effects.call('takeSnapshot', { worktreePath: task.worktree_path!, ref, regenerable: how.regenerable, message: how.message });
  }

  /** The worktree recreated from the snapshot (effects/shelve.ts), or on `<branch>-restored` when the branch moved. */
  async restore(t: TaskRow, from: { commit: string; keptTip?: string }) {
    const repo = this.sc.store.repo(t.repo_id)!;
    const worktreePath = t.worktree_path ?? this.sc.worktreePath(t.id);
    const r = await this.sc.effects.call('restoreTaskWorktree', {
      repoPath: repo.path,
      worktreePath,
      taskId: t.id,
      branch: t.branch,
      commit: from.commit,
      regenerable: regenerableOf(repo),
      ...(from.keptTip ? { keptTip: from.keptTip } : {}),
    });
    return { ...r, worktreePath };
  }

  /**
   * Remove the worktree: only Foundry's own (ownership.ts), forced only once the recorded snapshot
   * equals its present state. A worktree that changed since is snapshotted again first.
   */
  async removeSandbox(t: TaskRow, ref: string): Promise<void> {
    const sc = this.sc;
    if (!t.worktree_path) return;
    const repo = sc.store.repo(t.repo_id)!;
    let commit = t.snapshot_commit;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!commit) {
        if (existsSync(t.worktree_path)) throw new Error(`no snapshot of ${t.worktree_path} is recorded; the worktree is kept`);
        return;
      }
      const r = await sc.effects.call('removeSnapshottedWorktree', {
        repoPath: repo.path,
        worktreePath: t.worktree_path,
        taskId: t.id,
        recordedPath: t.worktree_path,
        ref,
        commit,
        regenerable: regenerableOf(repo),
      });
      if (r.commit !== commit) sc.store.updateTask(t.id, { snapshot_commit: r.commit });
      if (r.removed) return;
      commit = r.commit;
    }
    throw new Error(`the worktree ${t.worktree_path} kept changing while it was being snapshotted; it is kept`);
  }

  async bringLocal(): Promise<string> {
    return 'the branch and its worktree are already on this machine';
  }

  /** The worktree (a leased pool entry, else a fresh one) and the setup script. */
  private async createWorktree(taskId: string): Promise<void> {
    const sc = this.sc;
    // A leased pool worktree: its setup script ran in the pool. Stale or broken: a fresh one below.
    if (await sc.pool.adopt(taskId)) return;
    const t = sc.store.task(taskId)!;
    const repo = sc.store.repo(t.repo_id)!;
    // The recorded folder, once there is one: a task imported from an earlier version's data
    // folder keeps its worktree where it is, never at a path recomputed from this data folder.
    const worktreePath = t.worktree_path ?? sc.worktreePath(taskId);
    const { baseRef } = await sc.effects.call('createWorktree', { repoPath: repo.path, worktreePath, branch: t.branch, baseRef: t.base_ref, taskId });
    sc.store.updateTask(taskId, { worktree_path: worktreePath, base_ref: baseRef });
    sc.publisher.taskChanged(taskId);
    await sc.pool.copyIgnoredInto(repo, worktreePath);
    // The snapshot taken when the task was created or retried, never the repository's script of the moment.
    const script = t.setup_script ?? repo.setup_script;
    if (!script?.trim()) return sc.checkpoints.atStart(taskId);
    const logPath = await openSetupLog(sc, taskId);
    const r = await sc.effects.call('runScript', {
      owner: taskId,
      script,
      cwd: worktreePath,
      logPath,
      env: { FOUNDRY_TASK_ID: taskId, FOUNDRY_REPO_PATH: repo.path, FOUNDRY_WORKTREE: worktreePath, FOUNDRY_BRANCH: t.branch },
    });
    if (r.exitCode !== 0) throw new Error(await setupFailure(logPath, r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`));
    // The worktree as provisioned: what "Restore to here" at the first message brings back.
    await sc.checkpoints.atStart(taskId);
  }
}

/** Not installed, or no credentials: the error says the way out (Install, Configure Agent). */
export async function ensureAgentReady(sc: Sidecar, taskId: string): Promise<void> {
  const t = sc.store.task(taskId)!;
  const info = sc.agents.info(t.agent);
  if (!info) throw new Error(`Unknown agent '${t.agent}'`);
  if (!info.ready) throw new Error(info.reason ?? `${info.name} is not ready`);
}

/** The task's setup log, with a line marking this run's start. */
export async function openSetupLog(sc: Sidecar, taskId: string): Promise<string> {
  const logPath = sc.setupLogPath(taskId);
  await appendFile(logPath, `--- setup script started ${new Date().toISOString()} ---\n`).catch((e: unknown) => {
    throw new Error(`could not write the setup script's log ${logPath}: ${errorMessage(e)}`);
  });
  return logPath;
}

/** "Setup script exited with code 2: <its last line>". */
export async function setupFailure(logPath: string, how: string): Promise<string> {
  const lines = (await readTail(logPath, 4096)).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--- setup script'));
  const last = (lines.at(-1) ?? '').slice(0, 300);
  return `Setup script ${how}${last ? `: ${last}` : ''}`;
}
