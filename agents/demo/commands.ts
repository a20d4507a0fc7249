/** The slash commands the demo agent announces (`available_commands_update`). */
import { methods } from '@agentclientprotocol/sdk';
import type { AgentContext, AvailableCommand } from '@agentclientprotocol/sdk';

const COMMANDS: AvailableCommand[] = [
  { name: 'review', description: 'Review the changes' },
  { name: 'test', description: 'Run the tests', input: { hint: 'which tests to run' } },
];

/**
 * Announces the commands of a session just created or loaded. Like real agents it does so
 * after answering: the notification is queued behind the answer, so the client already
 * knows the session id when it arrives.
 */
export function announceCommandsAfterAnswer(client: AgentContext, sessionId: string, log: (line: string) => void): void {
  setImmediate(() => {
    client
      .notify(methods.client.session.update, {
        sessionId,
        update: { sessionUpdate: 'available_commands_update', availableCommands: COMMANDS.map((c) => ({ ...c })) },
      })
      .catch(() => log(`available_commands_update ${sessionId}: connection closed`));
  });
}
