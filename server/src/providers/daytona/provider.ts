/**
 * The `daytona` provider: a remote Daytona sandbox per task, with sandbox-agent inside serving
 * the agents over its HTTP ACP API. Its stages (providers/stages.ts) each persist what they
 * learned in the task's sandboxes row, so a sidecar killed at any stage resumes there and finds
 * the same sandbox again (by its label) instead of creating a second. Every SDK call and upload
 * runs in the effects worker (remote.ts); the repository goes in, and work comes back, as git
 * bundles, so no git token ever enters the sandbox.
 */
import { appendFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { ProviderInfo, ProvisionStage } from '../../../../shared/protocol';
import type { SandboxRow, TaskRow } from '../../db/schema';
import type { Sidecar } from '../../sidecar';
import type { AgentLaunch } from '../../effects/transports/link';
import type { AgentTarget, FileSides, SandboxProvider } from '../provider';
import { openSetupLog, setupFailure, ensureAgentReady } from '../local';
import { regenerableOf } from '../../handlers/repos';
import { IDENTITY_MISSING } from '../../effects/gitActions';
import { checkoutScript, commitScript, fileTreeScript, gitStateScript, headScript, parseGitState, parsePatch, patchScript, q, reviewAnswer, revertScript, snapshotScript, startAgentScript, undoRevertScript } from './scripts';
import { byTreeOrder, type Refusal } from '../../effects/reviewFiles';
import type { DaytonaConn } from './remote';
import { SandboxAgentBinary } from '../../../../shared/runtimeCopy';

/** sandbox-agent's agent ids for Foundry's agents; the demo agent runs behind its `mock` launcher. */
const SANDBOX_AGENT_IDS: Record<string, string> = { demo: 'mock', claude: 'claude', codex: 'codex', opencode: 'opencode' };
const HEALTH_DEADLINE_MS = 60_000;
const NO_KEY = 'Set the Daytona API key (Foundry: Set Daytona API Key, or DAYTONA_API_KEY)';

/** A port per task in 20000-59999: stable across restarts, and apart for tasks sharing a host. */
const portOf = (taskId: string) => 20000 + (createHash('sha256').update(taskId).digest().readUInt32BE(0) % 40000);

export class DaytonaProvider implements SandboxProvider {
  readonly id = 'daytona' as const;
  readonly steps: Partial<Record<ProvisionStage, (taskId: string) => Promise<void>>>;

  constructor(private readonly sc: Sidecar) {
    const lostAware = (step: (id: string) => Promise<void>) => (id: string) => step(id).catch((e: unknown) => this.lostOr(id, e));
    this.steps = {
      init_allocate_sandbox: (id) => this.allocate(id),
      init_prepare_repo: lostAware((id) => this.prepareRepo(id)),
      init_run_setup: lostAware((id) => this.runSetup(id)),
      init_install_agent: lostAware((id) => this.installAgent(id)),
      init_start_agent: lostAware((id) => this.startAgent(id)),
      init_check_agent: lostAware((id) => this.checkAgent(id)),
    };
  }

  info(): ProviderInfo {
    return this.sc.providers.credentials('daytona') ? { id: 'daytona', ready: true } : { id: 'daytona', ready: false, reason: NO_KEY };
  }

  private conn(): DaytonaConn {
    const apiKey = this.sc.providers.credentials('daytona');
    if (!apiKey) throw new Error(NO_KEY);
    const d = this.sc.opts.daytona;
    return { apiUrl: d.apiUrl, apiKey, ...(d.target ? { target: d.target } : {}), ...(d.requestTimeoutSeconds ? { timeoutSec: d.requestTimeoutSeconds } : {}) };
  }

  private row(taskId: string): SandboxRow & { sandbox_id: string; workdir: string } {
    const r = this.sc.store.sandboxes.get(taskId);
    if (!r?.sandbox_id || !r.workdir) throw new Error('the task has no sandbox yet');
    return r as SandboxRow & { sandbox_id: string; workdir: string };
  }

  private put(taskId: string, patch: Parameters<Sidecar['store']['sandboxes']['put']>[2]): void {
    this.sc.store.sandboxes.put(taskId, 'daytona', patch);
    this.sc.publisher.taskChanged(taskId);
  }

  private home(r: { workdir: string }): string {
    return dirname(r.workdir);
  }

  /** A command in the sandbox; a quick one unless `timeoutSec` says otherwise (a daemon that does not answer fails within the request limit). */
  private exec(r: { sandbox_id: string }, command: string, opts: { cwd?: string; env?: Record<string, string>; timeoutSec?: number } = {}) {
    return this.sc.effects.call('daytonaExec', { conn: this.conn(), sandboxId: r.sandbox_id, command, timeoutSec: this.sc.opts.daytona.requestTimeoutSeconds ?? 60, ...opts });
  }

  private async execOk(r: { sandbox_id: string }, command: string, what: string, opts: { cwd?: string; env?: Record<string, string>; timeoutSec?: number } = {}): Promise<string> {
    const out = await this.exec(r, command, opts);
    if (out.exitCode !== 0) throw new Error(`${what} failed in the sandbox (exit ${out.exitCode}): ${out.output.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`);
    return out.output;
  }

  /**
   * A sandbox Daytona no longer has (deleted behind Foundry's back, or lost) cannot finish its
   * stage: when a stage fails, Daytona is asked; a lost sandbox is recorded `lost`, and the task's
   * Retry starts again from a new sandbox (`resumeFrom`), never from the stage that cannot work
   * without it. Any other failure is the stage's own.
   */
  private async lostOr(taskId: string, e: unknown): Promise<never> {
    const r = this.sc.store.sandboxes.get(taskId);
    const s = r?.sandbox_id ? await this.sc.effects.call('daytonaState', { conn: this.conn(), sandboxId: r.sandbox_id }).catch(() => null) : null;
    if (s?.state === 'lost') {
      this.sc.store.sandboxes.stopped(taskId, 'lost', 'Daytona no longer has this sandbox');
      this.sc.publisher.taskChanged(taskId);
      throw Object.assign(new Error(`The sandbox ${r!.sandbox_id} is gone (Daytona no longer has it); Retry makes a new sandbox from the repository`), { resumeFrom: 'init_allocate_sandbox' as ProvisionStage });
    }
    throw e;
  }

  // --- stages

  /** Find the task's sandbox (recorded, else by its label), else create it: never a second one. */
  private async allocate(taskId: string): Promise<void> {
    const conn = this.conn();
    const recorded = this.sc.store.sandboxes.get(taskId);
    let sandboxId = recorded?.sandbox_id && recorded.state !== 'lost' && recorded.state !== 'deleted' ? recorded.sandbox_id : null;
    if (!sandboxId) {
      const found = await this.sc.effects.call('daytonaFind', { conn, taskId });
      if (found) {
        sandboxId = found.sandboxId;
        this.sc.store.addHistory(taskId, { kind: 'stage_finished', stage: 'init_allocate_sandbox', message: `found sandbox ${sandboxId} by its label; no second one created` });
      } else {
        this.put(taskId, { state: 'creating', error: null, sandbox_id: null, workdir: null });
        sandboxId = (await this.sc.effects.call('daytonaCreate', { conn, taskId, autoStopMinutes: this.sc.opts.daytona.autoStopMinutes })).sandboxId;
      }
      this.put(taskId, { sandbox_id: sandboxId, agent_port: portOf(taskId) });
    }
    await this.sc.effects.call('daytonaStart', { conn, sandboxId, autoStopMinutes: this.sc.opts.daytona.autoStopMinutes });
    const s = await this.sc.effects.call('daytonaState', { conn, sandboxId });
    if (s.state === 'lost' || !s.home) throw new Error(`the sandbox ${sandboxId} is ${s.state}`);
    this.sc.store.sandboxes.started(taskId, 'daytona', { sandbox_id: sandboxId, workdir: join(s.home, 'repo'), agent_port: portOf(taskId) });
    this.sc.publisher.taskChanged(taskId);
  }

  /** The repository as a git bundle (the branch, or its base; the snapshot to restore), checked out on the task's branch. */
  private async prepareRepo(taskId: string, snapshot?: string): Promise<void> {
    const t = this.sc.store.task(taskId)!;
    const repo = this.sc.store.repo(t.repo_id)!;
    const r = this.row(taskId);
    const local = await this.sc.effects.call('resolveRef', { repoPath: repo.path, ref: `refs/heads/${t.branch}` });
    const base = t.base_ref ?? (await this.sc.effects.call('resolveRef', { repoPath: repo.path, ref: 'HEAD' }));
    if (!base) throw new Error('the repository has no commit to start from');
    if (!t.base_ref) this.sc.store.updateTask(taskId, { base_ref: base });
    const tip = local ?? base;
    const { file } = await this.sc.effects.call('bundleCreate', { repoPath: repo.path, refs: [], pins: { tip, base, ...(snapshot ? { snapshot } : {}) } });
    try {
      const remote = `${this.home(r)}/.foundry/repo.bundle`;
      await this.sc.effects.call('daytonaUpload', { conn: this.conn(), sandboxId: r.sandbox_id, localPath: file, remotePath: remote });
      await this.execOk(r, checkoutScript({ bundle: remote, workdir: r.workdir, branch: t.branch, tip, ...(snapshot ? { snapshot } : {}) }), 'checking out the repository', { cwd: this.home(r), timeoutSec: 600 });
    } finally {
      await rm(dirname(file), { recursive: true, force: true });
    }
  }

  private async runSetup(taskId: string): Promise<void> {
    const t = this.sc.store.task(taskId)!;
    const repo = this.sc.store.repo(t.repo_id)!;
    const script = t.setup_script ?? repo.setup_script;
    if (!script?.trim()) return;
    const r = this.row(taskId);
    const logPath = await openSetupLog(this.sc, taskId);
    const out = await this.exec(r, script, { cwd: r.workdir, env: { FOUNDRY_TASK_ID: taskId, FOUNDRY_WORKTREE: r.workdir, FOUNDRY_BRANCH: t.branch }, timeoutSec: 3600 });
    await appendFile(logPath, out.output.endsWith('\n') || !out.output ? out.output : `${out.output}\n`);
    if (out.exitCode !== 0) throw new Error(await setupFailure(logPath, `exited with code ${out.exitCode}`));
  }

  /** sandbox-agent (this build's pinned binary) and the agent's launcher in the sandbox. */
  private async installAgent(taskId: string): Promise<void> {
    await ensureAgentReady(this.sc, taskId);
    const t = this.sc.store.task(taskId)!;
    const r = this.row(taskId);
    const home = this.home(r);
    const bin = sandboxAgentBinary(this.sc.opts.bundleDir);
    const have = (await this.exec(r, `stat -c %s ${q(`${home}/.foundry/bin/sandbox-agent`)} 2>/dev/null`)).output.trim();
    if (have !== String((await stat(bin)).size)) {
      await this.sc.effects.call('daytonaUpload', { conn: this.conn(), sandboxId: r.sandbox_id, localPath: bin, remotePath: `${home}/.foundry/bin/sandbox-agent` });
    }
    await this.execOk(r, `chmod +x ${q(`${home}/.foundry/bin/sandbox-agent`)}`, 'installing sandbox-agent');
    const agentId = SANDBOX_AGENT_IDS[t.agent];
    if (!agentId) throw new Error(`the agent '${t.agent}' cannot run in a Daytona sandbox yet (sandbox-agent serves ${Object.keys(SANDBOX_AGENT_IDS).join(', ')})`);
    const launchers = `${home}/.local/share/sandbox-agent/bin/agent_processes`;
    if (t.agent === 'demo') {
      // Foundry's own demo agent goes in beside sandbox-agent, behind the launcher of its `mock` id.
      await this.sc.effects.call('daytonaUpload', { conn: this.conn(), sandboxId: r.sandbox_id, localPath: join(this.sc.opts.bundleDir, 'demo-agent.js'), remotePath: `${home}/.foundry/agents/demo-agent.js` });
      const launcher = `#!/bin/sh\nexec node ${q(`${home}/.foundry/agents/demo-agent.js`)} "$@"\n`;
      await this.execOk(r, `mkdir -p ${q(launchers)} && printf '%s' ${q(launcher)} > ${q(`${launchers}/mock-acp`)} && chmod +x ${q(`${launchers}/mock-acp`)}`, 'installing the demo agent');
      return;
    }
    const present = await this.exec(r, `test -x ${q(`${launchers}/${agentId}-acp`)}`);
    if (present.exitCode !== 0) await this.execOk(r, `${q(`${home}/.foundry/bin/sandbox-agent`)} install-agent ${q(agentId)}`, `installing ${agentId}`, { timeoutSec: 900 });
  }

  private async startAgent(taskId: string): Promise<void> {
    const t = this.sc.store.task(taskId)!;
    const r = this.row(taskId);
    // The agent's credentials go to sandbox-agent's environment only (never a file, never stored).
    const env = { ...this.sc.agents.extraEnv(t.agent), SANDBOX_AGENT_ACP_REQUEST_TIMEOUT_MS: String(24 * 3600 * 1000) };
    await this.execOk(r, startAgentScript({ home: this.home(r), port: r.agent_port ?? portOf(taskId) }), 'starting sandbox-agent', { env });
  }

  private async checkAgent(taskId: string): Promise<void> {
    const r = this.row(taskId);
    const link = await this.sc.effects.call('daytonaPreview', { conn: this.conn(), sandboxId: r.sandbox_id, port: r.agent_port ?? portOf(taskId) });
    try {
      await this.sc.effects.call('sandboxAgentHealth', { url: link.url, token: link.token, deadlineMs: HEALTH_DEADLINE_MS });
    } catch (e) {
      const log = (await this.exec(r, `tail -n 5 ${q(`${this.home(r)}/.foundry/sandbox-agent.log`)} 2>/dev/null`).catch(() => ({ output: '' }))).output.trim();
      throw new Error(`${(e as Error).message}${log ? `; its log: ${log.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`);
    }
    this.put(taskId, { endpoint_url: link.url });
  }

  // --- the provider interface

  hasSandbox(task: TaskRow): boolean {
    const r = this.sc.store.sandboxes.get(task.id);
    return r?.sandbox_id != null && r.workdir != null && r.state !== 'deleted' && r.state !== 'lost';
  }

  async agentTarget(task: TaskRow, _local: AgentLaunch & { kind: 'stdio' }, agentId: string): Promise<AgentTarget> {
    const r = this.row(task.id);
    const agent = SANDBOX_AGENT_IDS[agentId];
    if (!agent) throw new Error(`the agent '${agentId}' cannot run in a Daytona sandbox yet`);
    // A fresh token on every attach: nothing stored can go stale after a restart.
    const link = await this.sc.effects.call('daytonaPreview', { conn: this.conn(), sandboxId: r.sandbox_id, port: r.agent_port ?? portOf(task.id) });
    return { launch: { kind: 'sandbox-agent', url: link.url, agent, headers: { 'x-daytona-preview-token': link.token } }, cwd: r.workdir };
  }

  /** A sandbox Daytona stopped while idle starts again, and sandbox-agent in it (`waking`). */
  async wake(task: TaskRow): Promise<boolean> {
    const r = this.row(task.id);
    const s = await this.sc.effects.call('daytonaState', { conn: this.conn(), sandboxId: r.sandbox_id });
    if (s.state === 'lost') {
      this.sc.store.sandboxes.stopped(task.id, 'lost', 'Daytona no longer has this sandbox');
      this.sc.publisher.taskChanged(task.id);
      throw new Error(`the sandbox ${r.sandbox_id} is gone (Daytona no longer has it)`);
    }
    if (s.state === 'started') {
      if (this.sc.store.sandboxes.get(task.id)?.state !== 'started') this.sc.store.sandboxes.started(task.id, 'daytona');
      return false;
    }
    const before = this.sc.store.task(task.id)!.status;
    this.sc.db.tx(() => {
      this.sc.store.sandboxes.stopped(task.id, 'stopped');
      this.sc.store.updateTask(task.id, { status: 'waking', status_message: 'Waking sandbox…' });
    });
    this.sc.publisher.taskChanged(task.id);
    try {
      this.sc.log(`waking sandbox ${r.sandbox_id}`);
      await this.sc.effects.call('daytonaStart', { conn: this.conn(), sandboxId: r.sandbox_id, autoStopMinutes: this.sc.opts.daytona.autoStopMinutes });
      this.sc.store.sandboxes.started(task.id, 'daytona');
      await this.startAgent(task.id);
      await this.checkAgent(task.id);
      this.sc.log(`sandbox ${r.sandbox_id} is awake`);
      return true;
    } finally {
      const now = this.sc.store.task(task.id);
      if (now?.status === 'waking') this.sc.store.updateTask(task.id, { status: before === 'waking' ? this.sc.settledStatus(task.id) : before, status_message: null });
      this.sc.publisher.taskChanged(task.id);
    }
  }

  async gitState(task: TaskRow) {
    const r = this.row(task.id);
    const out = await this.exec(r, gitStateScript({ workdir: r.workdir, baseRef: task.base_ref! }));
    if (out.exitCode !== 0 && !out.output.includes('@@foundry@@')) throw new Error(`reading git state in the sandbox failed: ${out.output.slice(0, 300)}`);
    return parseGitState(out.output);
  }

  async fileSides(task: TaskRow, path: string, against: 'base' | 'head', oldPath?: string): Promise<FileSides> {
    const r = this.row(task.id);
    const rev = against === 'head' ? 'HEAD' : task.base_ref!;
    const original = await this.exec(r, `git show ${q(`${rev}:${oldPath ?? path}`)}`, { cwd: r.workdir });
    const modified = await this.exec(r, `cat -- ${q(path)}`, { cwd: r.workdir });
    const binary = original.output.includes('\0') || modified.output.includes('\0');
    if (binary) return { path, original: null, modified: null, binary: true };
    return { path, original: original.exitCode === 0 ? original.output : null, modified: modified.exitCode === 0 ? modified.output : null };
  }

  /** The sandbox's whole working state, as a snapshot commit brought back in a bundle, under `ref`. */
  async snapshot(task: TaskRow, ref: string, how: { regenerable: readonly string[]; message: string }) {
    const brought = await this.bringBack(task, ref, how);
    return { commit: brought.commit, excluded: brought.excluded };
  }

  private async bringBack(task: TaskRow, ref: string, how: { regenerable: readonly string[]; message: string }): Promise<{ commit: string; excluded: string[] }> {
    const r = this.row(task.id);
    const repo = this.sc.store.repo(task.repo_id)!;
    const remoteBundle = `${this.home(r)}/.foundry/out.bundle`;
    const out = await this.execOk(r, snapshotScript({ workdir: r.workdir, home: this.home(r), branch: task.branch, regenerable: how.regenerable, message: how.message, bundle: remoteBundle }), 'taking a snapshot', { timeoutSec: 600 });
    const lines = out.trim().split('\n');
    const commit = lines.find((l) => /^[0-9a-f]{40,64}$/.test(l.trim()))?.trim();
    if (!commit) throw new Error(`the snapshot in the sandbox printed no commit: ${out.slice(0, 200)}`);
    const excluded = lines.filter((l) => l.startsWith('excluded ')).map((l) => l.slice('excluded '.length));
    const local = join(tmpdir(), `foundry-${task.id}-${Date.now()}.bundle`);
    try {
      await this.sc.effects.call('daytonaDownload', { conn: this.conn(), sandboxId: r.sandbox_id, remotePath: remoteBundle, localPath: local });
      // The branch moves only forward (never forced): a local branch that went elsewhere is kept, and the fetch says so.
      await this.sc.effects.call('bundleFetch', { repoPath: repo.path, file: local, refspecs: [`+refs/foundry/outgoing/snapshot:${ref}`, `refs/heads/${task.branch}:refs/heads/${task.branch}`] });
    } finally {
      await rm(local, { force: true });
    }
    return { commit, excluded };
  }

  async bringLocal(task: TaskRow): Promise<string> {
    const repo = this.sc.store.repo(task.repo_id)!;
    const ref = `refs/foundry/remote/${task.id}`;
    const r = await this.bringBack(task, ref, { regenerable: regenerableOf(repo), message: `foundry: changes of ${task.id} brought local` });
    return `Brought ${task.branch} and its uncommitted work (${ref}, ${r.commit.slice(0, 12)}) into the local repository`;
  }

  // --- review in the sandbox (the same answers as effects/reviewFiles.ts's)

  async fileTree(task: TaskRow, dir: string) {
    const bad = badPath(dir, 'dir');
    if (bad) return bad;
    const r = await this.awake(task);
    const out = await this.execOk(r, fileTreeScript({ workdir: r.workdir, dir }), 'reading a folder');
    const said = out.includes('@@foundry@@') ? reviewAnswer(out) : null;
    if (said?.word === 'notfound') return refusal('notFound', `dir: '${dir}' is not a folder of the worktree`);
    if (said?.word === 'outside') return refusal('invalid', `dir: '${dir}' leads outside the worktree through a symlink`);
    if (said?.word === 'git') return refusal('invalid', `dir: '${dir}' leads into .git`);
    const entries = out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [type, name] = line.split('\t');
        return { name, path: dir ? `${dir}/${name}` : name, type: type as 'file' | 'directory' | 'symlink' };
      })
      .sort(byTreeOrder);
    return { entries };
  }

  async revertFile(task: TaskRow, p: { path: string; oldPath?: string; ref: string }) {
    const bad = badPath(p.path, 'path') ?? (p.oldPath ? badPath(p.oldPath, 'path') : null);
    if (bad) return bad;
    const r = await this.awake(task);
    const said = reviewAnswer(await this.execOk(r, revertScript({ workdir: r.workdir, baseRef: task.base_ref!, ...p }), `reverting ${p.path}`));
    if (said?.word === 'unchanged') return refusal('state', `path: '${p.path}' has no change against the base`);
    if (said?.word !== 'existed' && said?.word !== 'absent') throw new Error(`reverting ${p.path} in the sandbox printed no answer`);
    return { existed: said.word === 'existed', after: said.rest === 'none' ? null : said.rest };
  }

  async undoRevert(task: TaskRow, p: { path: string; oldPath?: string; ref: string; existed: boolean; after: string | null }) {
    const bad = badPath(p.path, 'path');
    if (bad) return bad;
    const r = await this.awake(task);
    const said = reviewAnswer(await this.execOk(r, undoRevertScript({ workdir: r.workdir, ...p }), `undoing the revert of ${p.path}`));
    if (said?.word === 'gone') return refusal('notFound', `revertId: its ref ${p.ref} is gone`);
    if (said?.word === 'changed') return refusal('state', `path: '${p.path}' changed since the revert; undoing it would lose that change`);
    if (said?.word !== 'ok') throw new Error(`undoing the revert of ${p.path} in the sandbox printed no answer`);
    return { ok: true as const };
  }

  // --- shipping: commits in the sandbox; push and apply from the branch fetched local

  readonly integrates = false;

  /** The sandbox, started again first if Daytona stopped it while idle. */
  private async awake(task: TaskRow) {
    await this.wake(task);
    return this.row(task.id);
  }

  async head(task: TaskRow) {
    const r = await this.awake(task);
    const lines = (await this.execOk(r, headScript({ workdir: r.workdir }), 'reading HEAD')).trim().split('\n');
    const [sha, at, subject] = (lines[0] ?? '').split('\0');
    return { head: sha, dirty: lines.at(-1) === 'dirty', commit: { sha, subject: subject ?? '', at: Number(at) * 1000 } };
  }

  async commit(task: TaskRow, message: string) {
    const repo = this.sc.store.repo(task.repo_id)!;
    const who = await this.sc.effects.call('gitIdentity', { cwd: repo.path });
    if (!who) return { failed: IDENTITY_MISSING };
    const r = await this.awake(task);
    const env = { FOUNDRY_COMMIT_MESSAGE: message, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
    const out = await this.exec(r, commitScript({ workdir: r.workdir }), { env });
    if (out.exitCode !== 0) return { failed: `git commit failed in the sandbox: ${out.output.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
    if (out.output.trim().endsWith('nothing')) return { failed: 'nothing to commit: the sandbox has no changes since the last commit' };
    return { commit: (await this.head(task)).commit };
  }

  async pushFrom(task: TaskRow): Promise<string> {
    await this.awake(task);
    await this.bringLocal(task);
    return this.sc.store.repo(task.repo_id)!.path;
  }

  async changesPatch(task: TaskRow) {
    const r = await this.awake(task);
    return parsePatch(await this.execOk(r, patchScript({ workdir: r.workdir, baseRef: task.base_ref! }), 'reading the changes', { timeoutSec: 600 }));
  }

  async removeSandbox(task: TaskRow): Promise<void> {
    const r = this.sc.store.sandboxes.get(task.id);
    if (!r?.sandbox_id || r.state === 'deleted') return;
    if (!task.snapshot_commit) throw new Error('no snapshot of the sandbox is recorded; the sandbox is kept');
    await this.sc.effects.call('daytonaDelete', { conn: this.conn(), sandboxId: r.sandbox_id });
    this.sc.store.sandboxes.stopped(task.id, 'deleted');
    this.sc.publisher.taskChanged(task.id);
  }

  /** A new sandbox from the snapshot: allocated, the bundle with the snapshot checked out, sandbox-agent started. */
  async restore(task: TaskRow, from: { commit: string }) {
    const r = this.sc.store.sandboxes.get(task.id);
    // The sandbox archive deleted is gone for good: its label would find nothing, so a new one is made.
    if (r) this.sc.store.sandboxes.put(task.id, 'daytona', { sandbox_id: r.state === 'deleted' || r.state === 'lost' ? null : r.sandbox_id, workdir: null, state: 'creating' });
    await this.allocate(task.id);
    await this.prepareRepo(task.id, from.commit);
    await this.installAgent(task.id);
    await this.startAgent(task.id);
    await this.checkAgent(task.id);
    return { branch: task.branch, movedTo: false, written: 0 };
  }
}

const refusal = (refused: Refusal['refused'], message: string): Refusal => ({ refused, message });

/** A path a request names must stay inside the work dir and out of .git (symlinks are checked in the sandbox). */
function badPath(rel: string, field: string): Refusal | null {
  const parts = rel.split('/');
  if (rel.startsWith('/') || parts.includes('..')) return refusal('invalid', `${field}: '${rel}' leads outside the worktree`);
  if (parts[0] === '.git') return refusal('invalid', `${field}: '${rel}' leads into .git`);
  return null;
}

/** The pinned sandbox-agent binary shipped beside the bundles (node_modules/@sandbox-agent/cli-linux-x64). */
export function sandboxAgentBinary(bundleDir: string): string {
  return process.env.FOUNDRY_SANDBOX_AGENT_BIN ?? join(bundleDir, '..', SandboxAgentBinary);
}
