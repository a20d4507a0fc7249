/**
 * The agents' names and ways out (install, set credentials) for the Attention view and the
 * notifications, from `foundry/listAgents`. Read after each sidecar (re)start and again whenever
 * the set of failed sessions (or sessions waiting on a failed task) changes (an agent that cannot run fails its sessions, and the user may
 * have installed or configured one since). Nothing polls.
 */
import * as vscode from 'vscode';
import { ListAgents, type AgentInfo } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';
import { attentionItems } from './attention';
import type { AgentFacts } from './attentionRows';

export class AgentDirectory implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private agents = new Map<string, AgentInfo>();
  private readonly subscriptions: vscode.Disposable[];
  private failedKey = '';
  private loading = false;
  private again = false;

  constructor(private readonly controller: Controller) {
    this.subscriptions = [controller.onDidRestart(() => this.refresh()), controller.store.onDidChange(() => this.refreshOnNewFailures())];
    if (controller.state === 'running') this.refresh();
  }

  get(agentId: string): AgentFacts | undefined {
    const info = this.agents.get(agentId);
    return info ? { name: info.name, ...(info.action ? { action: info.action } : {}) } : undefined;
  }

  name(agentId: string): string {
    return this.agents.get(agentId)?.name ?? agentId;
  }

  /** Read the list again (one request at a time; a request meanwhile reads once more after). */
  refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    this.controller
      .request(ListAgents, {})
      .then(
        ({ agents }) => {
          this.agents = new Map(agents.map((a) => [a.id, a]));
          this.changed.fire();
        },
        (error: unknown) => this.controller.log.warn(`Attention: could not list the agents: ${errorMessage(error)}`),
      )
      .finally(() => {
        this.loading = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private refreshOnNewFailures(): void {
    const failed = attentionItems(this.controller.store.tasks)
      .filter((i) => i.kind === 'error')
      .map((i) => `${i.sessionId}:${i.reason}`)
      .sort()
      .join('|');
    if (failed === this.failedKey) return;
    this.failedKey = failed;
    if (failed && this.controller.state === 'running') this.refresh();
  }
}
