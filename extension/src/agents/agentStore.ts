/**
 * The extension's copy of the sidecar's agent list: `foundry/listAgents` on every connection, then
 * every `foundry/agentsUpdated` push. The Create Task picker, Configure Agent, Install Agent, the
 * failure notices and other views read it; nothing polls. No `vscode` import: unit-tested in Node.
 */
import type { AgentInfo } from '../../../shared/protocol';
import { Emitter, type Disposable } from '../emitter';

export class AgentStore implements Disposable {
  private readonly changed = new Emitter<void>();
  /** Fires after every change of the list. */
  readonly onDidChange = this.changed.event;
  private agents: AgentInfo[] = [];
  private received = false;

  /** True once a list arrived from the current or an earlier sidecar. */
  get loaded(): boolean {
    return this.received;
  }

  /** Every agent, in the sidecar's order (built-ins first). */
  get list(): readonly AgentInfo[] {
    return this.agents;
  }

  get(id: string): AgentInfo | undefined {
    return this.agents.find((a) => a.id === id);
  }

  /** Replace the list with the sidecar's (listAgents answer, agentsUpdated push). */
  reset(agents: readonly AgentInfo[]): void {
    this.agents = [...agents];
    this.received = true;
    this.changed.fire();
  }

  /** One agent's info as a request answered it (installAgent, setCredentials): newer than the list. */
  put(info: AgentInfo): void {
    const index = this.agents.findIndex((a) => a.id === info.id);
    if (index < 0) this.agents = [...this.agents, info];
    else this.agents = this.agents.map((a, i) => (i === index ? info : a));
    this.changed.fire();
  }

  /**
   * Resolves with the agent's info once `done` holds for it (checked now and on every change);
   * `undefined` if the store is disposed first.
   */
  waitFor(id: string, done: (info: AgentInfo) => boolean): Promise<AgentInfo | undefined> {
    const now = this.get(id);
    if (now && done(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const subscription = this.onDidChange(() => {
        const info = this.get(id);
        if (!info || !done(info)) return;
        subscription.dispose();
        this.disposeWaiters.delete(settle);
        resolve(info);
      });
      const settle = () => {
        subscription.dispose();
        resolve(undefined);
      };
      this.disposeWaiters.add(settle);
    });
  }

  private readonly disposeWaiters = new Set<() => void>();

  dispose(): void {
    for (const settle of this.disposeWaiters) settle();
    this.disposeWaiters.clear();
    this.changed.dispose();
  }
}
