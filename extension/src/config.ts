/**
 * One typed accessor for Foundry's settings. Settings are read when needed, never cached:
 * a value read here is the value in effect now.
 */
import * as vscode from 'vscode';
import type { InitializationOptions } from '../../shared/protocol';

export const Section = 'foundry';

/** Settings the sidecar reads at start: changing one needs a sidecar restart. */
export const RestartSettings = [
  'foundry.defaultAgent',
  'foundry.jobConcurrency',
  'foundry.agentIdleStopSeconds',
  'foundry.sidecar.runtime',
] as const;

export interface FoundryConfig {
  readonly defaultAgent: string;
  readonly jobConcurrency: number;
  readonly agentIdleStopSeconds: number;
  /** Empty: the extension host's own runtime. */
  readonly sidecarRuntime: string;
}

export function readConfig(): FoundryConfig {
  const c = vscode.workspace.getConfiguration(Section);
  return {
    defaultAgent: c.get<string>('defaultAgent', 'demo').trim() || 'demo',
    jobConcurrency: clampInt(c.get<number>('jobConcurrency', 4), 1, 64),
    agentIdleStopSeconds: Math.max(1, c.get<number>('agentIdleStopSeconds', 300)),
    sidecarRuntime: c.get<string>('sidecar.runtime', '').trim(),
  };
}

/** The folder-scoped setup script setting for a repository folder, if set. */
export function setupScriptSetting(folder: vscode.Uri): string | undefined {
  const value = vscode.workspace.getConfiguration(Section, folder).get<string>('setupScript', '');
  return value.trim() ? value : undefined;
}

export function initializationOptions(dataDir: string, config: FoundryConfig): InitializationOptions {
  return {
    dataDir,
    jobConcurrency: config.jobConcurrency,
    agentIdleStopMs: Math.round(config.agentIdleStopSeconds * 1000),
    defaultAgent: config.defaultAgent,
  };
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
