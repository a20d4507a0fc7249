/** The ChatHost the chat panels use, implemented over the controller's client and store. */
import type * as vscode from 'vscode';
import type { z } from 'zod';
import { type ParamsOf, type RequestDef, type ResultOf, type SessionSummary, type TaskSummary, type TranscriptEvent } from '../../shared/protocol';
import { retryTaskWithCurrentSetup } from './commands/repoRegistration';
import type { ChatHost } from './chat/host';
import type { Ctx } from './ctx';

export class ControllerChatHost implements ChatHost {
  readonly onDidChangeWorkbench: vscode.Event<void>;
  readonly onDidRestart: vscode.Event<void>;
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;

  constructor(private readonly ctx: Ctx) {
    this.onDidChangeWorkbench = ctx.store.onDidChange;
    this.onDidRestart = ctx.onDidRestart;
    this.log = ctx.log;
    this.extensionUri = ctx.context.extensionUri;
  }

  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
    return this.ctx.request(def, params);
  }

  retryTask(taskId: string): Promise<TaskSummary> {
    // Like every other retry, re-send the repository's setup script first.
    return retryTaskWithCurrentSetup(this.ctx, taskId);
  }

  onTranscript(sessionId: string, listener: (events: TranscriptEvent[]) => void): vscode.Disposable {
    return this.ctx.onTranscript(sessionId, listener);
  }

  getSession(sessionId: string): { session: SessionSummary; task: TaskSummary } | undefined {
    return this.ctx.store.session(sessionId);
  }

  isWorkbenchLoaded(): boolean {
    return this.ctx.store.loaded;
  }
}
