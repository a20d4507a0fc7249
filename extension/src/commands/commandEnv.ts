/** What command factories get, and how a command id maps to its factory. */
import type * as vscode from 'vscode';
import type { Controller } from '../controller';
import type { TaskTreeView } from '../views/taskTree';

/** Opens chat tabs; provided by the chat panels module. */
export interface ChatOpener {
  open(sessionId: string): void;
}

export interface CommandEnv {
  readonly controller: Controller;
  readonly tree: TaskTreeView;
  readonly chat: ChatOpener;
}

/** A command factory: `(env) => handler`. The handler may throw; the registry reports it. */
export type CommandFactory = (env: CommandEnv) => (...args: unknown[]) => unknown;

export type CommandTable = Record<string, { readonly title: string; readonly make: CommandFactory }>;

