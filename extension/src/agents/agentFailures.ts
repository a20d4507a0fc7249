/**
 * Which failed tasks and sessions failed because their agent is missing or lacks credentials, and
 * which of them this window has not told the user about yet. A failure counts when the subject is
 * in `error`, its agent is not ready with a way out the sidecar named (AgentInfo.action), no
 * install of it is under way, and the error names the agent. No `vscode` import: unit-tested.
 */
import type { AgentInfo, TaskSummary } from '../../../shared/protocol';

export interface AgentFailure {
  /** `task:<id>` or `session:<id>`. */
  readonly key: string;
  /** The task's title, or "<session name> of <task title>". */
  readonly subject: string;
  readonly agent: AgentInfo;
  readonly message: string;
}

/** Every such failure now. */
export function agentFailures(tasks: readonly TaskSummary[], agentOf: (id: string) => AgentInfo | undefined): AgentFailure[] {
  const out: AgentFailure[] = [];
  const consider = (key: string, subject: string, agentId: string, message: string | undefined) => {
    const agent = agentOf(agentId);
    if (!agent || agent.ready || !agent.action || !message) return;
    if (agent.install && agent.install.status !== 'failed') return;
    if (!message.includes(agent.name)) return;
    out.push({ key, subject, agent, message });
  };
  for (const task of tasks) {
    if (task.status === 'archived') continue;
    if (task.status === 'error') consider(`task:${task.id}`, task.title, task.agent, task.errorMessage);
    for (const s of task.sessions) if (s.status === 'error') consider(`session:${s.id}`, `${s.name} of ${task.title}`, s.agent, s.errorMessage);
  }
  return out;
}

/**
 * Remembers what was reported. `seed` marks the failures present when the window connected (the
 * user saw those in the tree); `fresh` returns the ones not reported yet (a failure that cleared
 * and came back is new again).
 */
export class FailureTracker {
  private reported = new Map<string, string>();

  seed(failures: readonly AgentFailure[]): void {
    for (const f of failures) this.reported.set(f.key, f.message);
  }

  fresh(failures: readonly AgentFailure[]): AgentFailure[] {
    const now = new Map(failures.map((f) => [f.key, f.message]));
    const out = failures.filter((f) => this.reported.get(f.key) !== f.message);
    this.reported = now;
    return out;
  }
}
