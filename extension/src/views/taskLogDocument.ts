/**
 * "Show Task Log": a read-only virtual document with a task's history and its setup script's
 * output, fetched with GetTaskLog. An open log refreshes when its task's summary changes.
 */
import * as vscode from 'vscode';
import { GetTaskLog, statusLabel, type HistoryEvent, type ResultOf, type TaskStatus } from '../../../shared/protocol';
import type { Controller } from '../controller';
import { errorMessage } from '../errors';

export const TaskLogScheme = 'foundry-task-log';

export class TaskLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly seen = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly controller: Controller) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(TaskLogScheme, this),
      controller.store.onDidChange(() => this.refreshOpenLogs()),
    ];
  }

  static uri(taskId: string, title: string): vscode.Uri {
    const name = title.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'task';
    return vscode.Uri.from({ scheme: TaskLogScheme, path: `/${name}.log`, query: new URLSearchParams({ taskId }).toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const taskId = new URLSearchParams(uri.query).get('taskId') ?? '';
    const task = this.controller.store.task(taskId);
    this.seen.set(taskId, task?.updatedAt ?? 0);
    try {
      const log = await this.controller.request(GetTaskLog, { taskId });
      return formatTaskLog(task?.title ?? taskId, log);
    } catch (error) {
      return `Could not load the log of task ${taskId}: ${errorMessage(error)}\n`;
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private refreshOpenLogs(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== TaskLogScheme || doc.isClosed) continue;
      const taskId = new URLSearchParams(doc.uri.query).get('taskId') ?? '';
      const updatedAt = this.controller.store.task(taskId)?.updatedAt;
      if (updatedAt !== undefined && updatedAt !== this.seen.get(taskId)) this.changed.fire(doc.uri);
    }
  }
}

export function formatTaskLog(title: string, log: ResultOf<typeof GetTaskLog>): string {
  const lines = [`Task: ${title}`, '', 'History', '-------'];
  for (const event of log.history) lines.push(formatHistoryEvent(event));
  if (log.history.length === 0) lines.push('(no history yet)');
  lines.push('', 'Setup script output', '-------------------', log.setupOutput.trimEnd() || '(no output yet)', '');
  return lines.join('\n');
}

function formatHistoryEvent(event: HistoryEvent): string {
  const stage = event.stage ? ` ${stageName(event.stage)}` : '';
  const duration = event.durationMs !== undefined ? ` (${event.durationMs} ms)` : '';
  const message = event.message ? `: ${event.message}` : '';
  return `${new Date(event.at).toISOString()}  ${event.kind}${stage}${duration}${message}`;
}

function stageName(stage: string): string {
  const label = (statusLabel as Record<string, string>)[stage as TaskStatus];
  return label ? `${stage} (${label})` : stage;
}
