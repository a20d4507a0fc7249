/**
 * How a task's sandbox provider and remote sandbox look in the explorer: the provider's label for
 * the provisioning stage, `Waking sandbox…`, and a remote sandbox's state with a rough cost (how
 * long it has run). Pure functions of the pushed TaskSummary (no `vscode` import), unit-tested in
 * plain Node. Times are read at render: the text is as fresh as the last push.
 */
import { isProvisioning, statusLabel, type ProviderId, type SandboxInfo, type TaskSummary } from '../../../shared/protocol';

export const ProviderNames: Record<ProviderId, string> = { local: 'Local', daytona: 'Daytona' };

/**
 * The task's status as the explorer names it: while provisioning, the label its provider declares
 * for the stage (`Allocating sandbox`), `Waking sandbox…` while a stopped sandbox starts again,
 * else the protocol's label.
 */
export function statusName(task: TaskSummary): string {
  if (task.status === 'waking') return `${statusLabel.waking}…`;
  if (isProvisioning(task.status)) return task.stages.find((s) => s.id === task.status)?.label ?? statusLabel[task.status];
  return statusLabel[task.status];
}

/** A task whose sandbox lives elsewhere (no worktree on this machine). */
export function isRemote(task: TaskSummary): boolean {
  return task.provider !== 'local' || task.sandbox !== undefined;
}

/** Whether the task has a sandbox to review and ship from: its worktree here, or a remote sandbox that is made and not gone. */
export function hasSandbox(task: TaskSummary): boolean {
  if (task.worktreePath) return true;
  const s = task.sandbox;
  return isRemote(task) && !!s?.id && s.state !== 'creating' && s.state !== 'deleted' && s.state !== 'lost';
}

/** `45s`, `12m`, `1h 3m`, `2d 4h`: a rough duration. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** How long the sandbox has run in all: its past runs, and the current one while started. */
export function totalUptime(sandbox: SandboxInfo, now: number): number {
  const current = sandbox.state === 'started' && sandbox.startedAt !== undefined ? Math.max(0, now - sandbox.startedAt) : 0;
  return sandbox.uptimeMs + current;
}

/** A sandbox in trouble: the row says so. */
export function sandboxFailed(sandbox: SandboxInfo | undefined): boolean {
  return sandbox?.state === 'error' || sandbox?.state === 'lost';
}

/** The sandbox's state in words: `up 12m`, `stopped (ran 1h 3m)`, `sandbox lost`. */
export function sandboxState(sandbox: SandboxInfo, now: number): string {
  const ran = totalUptime(sandbox, now);
  switch (sandbox.state) {
    case 'started':
      return `up ${formatDuration(ran)}`;
    case 'stopped':
      return ran > 0 ? `stopped (ran ${formatDuration(ran)})` : 'stopped';
    case 'creating':
      return 'creating sandbox';
    case 'starting':
      return 'starting';
    case 'error':
      return 'sandbox error';
    case 'lost':
      return 'sandbox lost';
    case 'deleted':
      return ran > 0 ? `sandbox removed (ran ${formatDuration(ran)})` : 'sandbox removed';
  }
}

/** The description's suffix for a remote task: `Daytona · up 12m`; undefined for a local one. */
export function sandboxDescription(task: TaskSummary, now: number): string | undefined {
  if (!isRemote(task)) return undefined;
  const name = ProviderNames[task.sandbox?.provider ?? task.provider];
  return task.sandbox ? `${name} · ${sandboxState(task.sandbox, now)}` : name;
}

/** Tooltip lines (markdown, text escaped by `escape`) for a remote task: the sandbox id, its state and cost, its error. */
export function sandboxTooltip(task: TaskSummary, now: number, escape: (text: string) => string): string {
  if (!isRemote(task)) return '';
  const name = ProviderNames[task.sandbox?.provider ?? task.provider];
  const sandbox = task.sandbox;
  if (!sandbox) return `$(cloud) ${name} sandbox: not allocated yet\n\n`;
  let md = `$(cloud) ${name} sandbox${sandbox.id ? ` \`${escape(sandbox.id)}\`` : ''}: ${escape(sandboxState(sandbox, now))}\n\n`;
  if (sandbox.state === 'stopped') md += `Stopped while idle; the next message starts it again.\n\n`;
  if (sandboxFailed(sandbox)) md += `$(error) ${escape(sandbox.error ?? (sandbox.state === 'lost' ? 'The sandbox is gone.' : 'The sandbox failed.'))}\n\n`;
  return md;
}
