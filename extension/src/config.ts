/**
 * One typed accessor for Foundry's settings. Settings are read when needed, never cached:
 * a value read here is the value in effect now.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DEFAULT_REGENERABLE_FOLDERS, ProviderId, type SidecarSettings } from '../../shared/protocol';
import { settingsPath } from '../../shared/sidecarLocation';
import { agentEnvOf } from './agents/agentSettings';
import { daytonaSidecarSettings, readDaytonaConfig, type DaytonaConfig } from './sandboxes/daytonaSettings';
import { gitHubSidecarSettings, readGitHubConfig, type GitHubConfig } from './ship/githubSettings';

export const Section = 'foundry';

/**
 * Settings written to `D/settings.json` that a running sidecar applies at once (it watches the
 * file): the extension rewrites the file when one changes, no restart needed.
 */
export const LiveSidecarSettings = [
  'foundry.agents',
  'foundry.stalledAfterSeconds',
  'foundry.github.apiUrl',
  'foundry.github.repositories',
  'foundry.github.pullRequestRefreshSeconds',
  'foundry.retention.archiveIdleDays',
  'foundry.retention.purgeDeletedDays',
  'foundry.checkpoints.enabled',
  'foundry.daytona',
] as const;

/** Settings the sidecar reads at start: changing one needs a sidecar restart. */
export const RestartSettings = [
  'foundry.dataDir',
  'foundry.jobConcurrency',
  'foundry.pool.size',
  'foundry.agentIdleStopSeconds',
  'foundry.sidecar.runtime',
] as const;

export interface FoundryConfig {
  /** Empty: the per-user default (shared/sidecarLocation.ts defaultDataDir). */
  readonly dataDir: string;
  /** Sent on each createTask from this window: a per-client choice. */
  readonly defaultAgent: string;
  /** The sidecar exits this long after its last client left with nothing running. */
  readonly sidecarIdleExitSeconds: number;
  readonly jobConcurrency: number;
  /** `foundry.pool.size`: ready worktrees kept per repository. */
  readonly poolSize: number;
  readonly agentIdleStopSeconds: number;
  /** Empty: the extension host's own runtime. */
  readonly sidecarRuntime: string;
  /** `foundry.agents`: non-secret environment per agent id (API keys go through Configure Agent). */
  readonly agentEnv: Record<string, Record<string, string>>;
  /** A turn that has sent nothing this long is shown as stalled. */
  readonly stalledAfterSeconds: number;
  /** `foundry.checkpoints.enabled`: a checkpoint of the worktree at each turn's end. */
  readonly checkpointsEnabled: boolean;
  /** `foundry.github.*`: the API base, remote -> owner/repo, the pull requests' refresh period. */
  readonly github: GitHubConfig;
  /** `foundry.retention.*`: archive tasks idle this many days, purge deleted tasks after this many (0 = off). */
  readonly retention: { readonly archiveIdleDays: number; readonly purgeDeletedDays: number };
  /** `foundry.daytona.*`: the API base, the target region, the auto-stop minutes (the key is in SecretStorage). */
  readonly daytona: DaytonaConfig;
}

export function readConfig(): FoundryConfig {
  const c = vscode.workspace.getConfiguration(Section);
  return {
    dataDir: c.get<string>('dataDir', '').trim(),
    sidecarIdleExitSeconds: clampInt(c.get<number>('sidecar.idleExitSeconds', 60), 5, 86_400),
    defaultAgent: c.get<string>('defaultAgent', 'demo').trim() || 'demo',
    jobConcurrency: clampInt(c.get<number>('jobConcurrency', 4), 1, 64),
    poolSize: clampInt(c.get<number>('pool.size', 2), 0, 16),
    agentIdleStopSeconds: Math.max(1, c.get<number>('agentIdleStopSeconds', 300)),
    sidecarRuntime: c.get<string>('sidecar.runtime', '').trim(),
    agentEnv: agentEnvOf(c.get<unknown>('agents', {})),
    stalledAfterSeconds: Math.max(1, c.get<number>('stalledAfterSeconds', 120)),
    checkpointsEnabled: c.get<boolean>('checkpoints.enabled', true) !== false,
    github: readGitHubConfig(c),
    retention: {
      archiveIdleDays: Math.max(0, c.get<number>('retention.archiveIdleDays', 0)),
      purgeDeletedDays: Math.max(0, c.get<number>('retention.purgeDeletedDays', 0)),
    },
    daytona: readDaytonaConfig(c),
  };
}

/** `foundry.provider` for a repository folder: where its new tasks' sandboxes live (sent as AddRepo `provider`). */
export function providerSetting(folder: vscode.Uri): ProviderId {
  const parsed = ProviderId.safeParse(vscode.workspace.getConfiguration(Section, folder).get<unknown>('provider', 'local'));
  return parsed.success ? parsed.data : 'local';
}

/** `foundry.copyIgnored` for a repository folder: git-ignored paths copied into each new worktree. */
export function copyIgnoredSetting(folder: vscode.Uri): string[] {
  const value = vscode.workspace.getConfiguration(Section, folder).get<unknown>('copyIgnored', []);
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [];
}

/** `foundry.regenerableFolders` for a repository folder: the folder names snapshots leave out. */
export function regenerableFoldersSetting(folder: vscode.Uri): string[] {
  const value = vscode.workspace.getConfiguration(Section, folder).get<unknown>('regenerableFolders');
  const list = Array.isArray(value) ? value.filter((n): n is string => typeof n === 'string' && n.trim() !== '' && !/[/\\]/.test(n)) : undefined;
  return list ?? [...DEFAULT_REGENERABLE_FOLDERS];
}

/** The folder-scoped setup script setting for a repository folder, if set. */
export function setupScriptSetting(folder: vscode.Uri): string | undefined {
  const value = vscode.workspace.getConfiguration(Section, folder).get<string>('setupScript', '');
  return value.trim() ? value : undefined;
}

/** The folder-scoped teardown script setting (`foundry.teardownScript`), run before archive removes a worktree. */
export function teardownScriptSetting(folder: vscode.Uri): string {
  return vscode.workspace.getConfiguration(Section, folder).get<string>('teardownScript', '');
}

/**
 * The sidecar's own settings, shared by every client, written to `D/settings.json` from this
 * window's application-scoped settings (the sidecar reads them when it starts, and applies
 * LiveSidecarSettings again whenever the file changes). Written only
 * when they differ, atomically, so two windows never leave a half-written file.
 */
export async function writeSidecarSettings(dataDir: string, config: FoundryConfig): Promise<void> {
  const settings: SidecarSettings = {
    jobConcurrency: config.jobConcurrency,
    poolSize: config.poolSize,
    agentIdleStopMs: Math.round(config.agentIdleStopSeconds * 1000),
    agentEnv: config.agentEnv,
    stalledAfterMs: Math.round(config.stalledAfterSeconds * 1000),
    checkpointsEnabled: config.checkpointsEnabled,
    ...gitHubSidecarSettings(config.github),
    retentionArchiveIdleDays: config.retention.archiveIdleDays,
    retentionPurgeDeletedDays: config.retention.purgeDeletedDays,
    ...daytonaSidecarSettings(config.daytona),
  };
  const file = settingsPath(dataDir);
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  if ((await readFile(file, 'utf8').catch(() => '')) === text) return;
  await writeFile(`${file}.${process.pid}.tmp`, text, { mode: 0o600 });
  await rename(`${file}.${process.pid}.tmp`, file);
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
