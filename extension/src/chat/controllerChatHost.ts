/** The ChatHost the chat panels use, implemented over the controller's client and store. */
import * as vscode from 'vscode';
import type { z } from 'zod';
import { CheckpointsUpdated, type CheckpointsUpdatedParams, type AgentInfo, type ParamsOf, type RequestDef, type ResultOf, type SessionSummary, type TaskSummary, type TranscriptEvent } from '../../../shared/protocol';
import { retryTaskWithCurrentSetup } from '../commands/repoRegistration';
import type { ChatHost } from './host';
import type { Controller } from '../controller';

export class ControllerChatHost implements ChatHost {
  readonly onDidChangeWorkbench: vscode.Event<void>;
  readonly onDidRestart: vscode.Event<void>;
  private readonly checkpoints = new vscode.EventEmitter<CheckpointsUpdatedParams>();
  readonly onDidChangeCheckpoints = this.checkpoints.event;
  readonly onDidChangeAgents: ChatHost['onDidChangeAgents'];
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;

  constructor(private readonly controller: Controller) {
    this.onDidChangeWorkbench = controller.store.onDidChange;
    this.onDidRestart = controller.onDidRestart;
    this.onDidChangeAgents = (listener) => controller.agents.onDidChange(listener);
    this.log = controller.log;
    this.extensionUri = controller.context.extensionUri;
    // Registered before the controller starts (extension.ts), so it runs on every connection.
    controller.context.subscriptions.push(
      this.checkpoints,
      controller.addConnectionHook(async (session) => {
        session.onNotification<CheckpointsUpdatedParams>(CheckpointsUpdated, (p) => this.checkpoints.fire(p));
      }),
    );
  }

  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
    return this.controller.request(def, params);
  }

  retryTask(taskId: string): Promise<TaskSummary> {
    // Like every other retry, re-send the repository's setup script first.
    return retryTaskWithCurrentSetup(this.controller, taskId);
  }

  onTranscript(sessionId: string, listener: (events: TranscriptEvent[]) => void): vscode.Disposable {
    return this.controller.onTranscript(sessionId, listener);
  }

  getSession(sessionId: string): { session: SessionSummary; task: TaskSummary } | undefined {
    return this.controller.store.session(sessionId);
  }

  agents(): readonly AgentInfo[] {
    return this.controller.agents.list;
  }

  agent(id: string): AgentInfo | undefined {
    return this.controller.agents.get(id);
  }

  isWorkbenchLoaded(): boolean {
    return this.controller.store.loaded;
  }
}
