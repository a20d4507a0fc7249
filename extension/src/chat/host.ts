/**
 * What a chat panel needs from the rest of the extension. The extension's
 * controller implements it over the language client and the workbench store;
 * the chat module depends on nothing else.
 */
import type * as vscode from 'vscode';
import type { AgentInfo, CheckpointsUpdatedParams, ParamsOf, RequestDef, ResultOf, SessionSummary, TaskSummary, TranscriptEvent } from '../../../shared/protocol';
import type { z } from 'zod';

export interface ChatHost {
  /** Send a typed request to the sidecar. Rejects with the sidecar's error message. */
  request<D extends RequestDef<z.ZodType, z.ZodType>>(def: D, params: ParamsOf<D>): Promise<ResultOf<D>>;
  /** Transcript events pushed by the sidecar for a session this window subscribed to. */
  onTranscript(sessionId: string, listener: (events: TranscriptEvent[]) => void): vscode.Disposable;
  /** Current summary of a session and its task from the workbench store. */
  getSession(sessionId: string): { session: SessionSummary; task: TaskSummary } | undefined;
  /** Retry a task whose provisioning failed (the extension re-sends its setup script first). */
  retryTask(taskId: string): Promise<TaskSummary>;
  /** True once the workbench store has bootstrapped (a session it lacks is then really gone). */
  isWorkbenchLoaded(): boolean;
  /** The sidecar's agents as last pushed (listAgents at connect, then agentsUpdated). */
  agents(): readonly AgentInfo[];
  agent(id: string): AgentInfo | undefined;
  /** Fires after every change of the agent list. */
  readonly onDidChangeAgents: (listener: () => void) => { dispose(): void };
  /** Fires after every workbench store change. */
  readonly onDidChangeWorkbench: vscode.Event<void>;
  /** Fires after the sidecar (re)started and the store bootstrapped again: re-subscribe. */
  readonly onDidRestart: vscode.Event<void>;
  /** Fires on every foundry/checkpointsUpdated push (any task). */
  readonly onDidChangeCheckpoints: vscode.Event<CheckpointsUpdatedParams>;
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
}
