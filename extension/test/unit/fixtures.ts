/** Summaries as the sidecar sends them, with defaults a test overrides field by field. */
import type { Repo, SessionSummary, TaskSummary, Workbench, WorkbenchUpdatedParams } from '../../../shared/protocol';

export function repo(overrides: Partial<Repo> = {}): Repo {
  return { id: 'r1', name: 'demo-repo', path: '/work/demo-repo', defaultBranch: 'main', ...overrides };
}

export function session(overrides: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: 's1',
    taskId: 't1',
    name: 'Session 1',
    agent: 'demo',
    status: 'ready',
    unread: false,
    mode: 'ask',
    modes: [],
    models: [],
    stalled: false,
    queue: [],
    queuePaused: false,
    ...overrides,
  };
}

export function task(overrides: Partial<TaskSummary> = {}): TaskSummary {
  const id = overrides.id ?? 't1';
  return {
    id,
    repoId: 'r1',
    title: 'Fix the bug',
    branch: 'foundry/fix-the-bug',
    status: 'idle',
    agent: 'demo',
    provider: 'local',
    stages: [],
    sessions: [session({ id: `${id}-s1`, taskId: id })],
    changes: { files: 0, added: 0, removed: 0 },
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

export function workbench(version: number, tasks: TaskSummary[], repos: Repo[] = [repo()]): Workbench {
  return { version, repos, tasks };
}

export function update(version: number, tasks: TaskSummary[], removedTaskIds: string[] = []): WorkbenchUpdatedParams {
  return { version, tasks, removedTaskIds };
}
