/**
 * What the Foundry status bar says, as pure functions of the sidecar state and the workbench
 * store (no `vscode` import): unit-tested in plain Node.
 */
import { isProvisioning, type RepoAction } from '../../../shared/protocol';
import type { SidecarState } from '../controller';
import type { WorkbenchStore } from '../workbenchStore';
import { activeLabel, isActive } from '../ship/shipPresentation';
import { attentionItems, attentionSummary } from './attention';

export interface StatusCounts {
  readonly provisioning: number;
  readonly running: number;
  readonly errors: number;
  /** Sessions that need the user (attention.ts). */
  readonly attention: number;
  /** Repository actions (push, commit, ...) queued or running on the tasks. */
  readonly actions: readonly RepoAction[];
}

export function countTasks(store: WorkbenchStore): StatusCounts {
  let provisioning = 0;
  let running = 0;
  let errors = 0;
  const actions: RepoAction[] = [];
  for (const task of store.activeTasks()) {
    if (task.lastAction && isActive(task.lastAction)) actions.push(task.lastAction);
    if (isProvisioning(task.status)) provisioning++;
    else if (task.status === 'running' || task.status === 'waking') running++;
    else if (task.status === 'error') errors++;
  }
  return { provisioning, running, errors, attention: attentionItems(store.tasks).length, actions };
}

/** The status bar text for a state and counts. */
export function statusText(state: SidecarState, counts: StatusCounts): string {
  if (state === 'starting') return '$(loading~spin) Foundry: starting';
  if (state === 'failed' || state === 'stopped') return '$(debug-disconnect) Foundry: sidecar not running';
  const acting = counts.actions.length === 1 ? activeLabel(counts.actions[0]) : counts.actions.length > 1 ? `${counts.actions.length} repository actions` : '';
  const busy = [counts.provisioning > 0 ? `${counts.provisioning} provisioning` : '', counts.running > 0 ? `${counts.running} running` : '', acting]
    .filter(Boolean)
    .join(', ');
  const errors = counts.errors > 0 ? `${counts.errors} error${counts.errors === 1 ? '' : 's'}` : '';
  const needYou = counts.attention > 0 ? `, $(bell) ${attentionSummary(counts.attention)}` : '';
  if (busy) return `$(loading~spin) Foundry: ${busy}${errors ? `, $(error) ${errors}` : ''}${needYou}`;
  if (errors) return `$(error) Foundry: ${errors}${needYou}`;
  if (needYou) return `$(bell) Foundry: ${attentionSummary(counts.attention)}`;
  return '$(check) Foundry';
}

