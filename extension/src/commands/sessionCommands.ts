/** Session commands: new, open, close, retry, rename. */
import * as vscode from 'vscode';
import { CloseWorkbenchSession, CreateWorkbenchSession, RenameWorkbenchSession, RetrySession } from '../../../shared/protocol';
import type { CommandFactory } from './commandEnv';
import { resolveSession, resolveTask } from './pickers';

export const newSession: CommandFactory =
  ({ controller, chat }) =>
  async (arg) => {
    const task = await resolveTask(controller, arg, 'Open a new session on which task?');
    if (!task) return;
    const session = await controller.request(CreateWorkbenchSession, { taskId: task.id });
    chat.open(session.id);
  };

export const openSession: CommandFactory =
  ({ controller, chat }) =>
  async (arg) => {
    const found = await resolveSession(controller, arg, 'Open which session?');
    if (!found) return;
    // The tab marks the session read once it is visible.
    chat.open(found.session.id);
  };

export const closeSession: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const found = await resolveSession(controller, arg, 'Close which session?');
    if (!found || found.session.status === 'closed') return;
    await controller.request(CloseWorkbenchSession, { sessionId: found.session.id });
  };

export const retrySession: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const found = await resolveSession(controller, arg, 'Retry which session?');
    if (!found) return;
    await controller.request(RetrySession, { sessionId: found.session.id });
  };

export const renameSession: CommandFactory =
  ({ controller }) =>
  async (arg) => {
    const found = await resolveSession(controller, arg, 'Rename which session?');
    if (!found) return;
    const name = await vscode.window.showInputBox({
      title: 'Foundry: Rename Session',
      value: found.session.name,
      validateInput: (value) => (value.trim() ? undefined : 'The name must not be empty.'),
    });
    if (name === undefined || name.trim() === found.session.name) return;
    await controller.request(RenameWorkbenchSession, { sessionId: found.session.id, name: name.trim() });
  };
