/** `foundry send SESSION "text"`: send a message; prints the turn id. A task id means its first open session. */
import { Requests } from '../../../shared/protocol';
import { json } from '../format';
import type { SidecarClient } from '../connect';
import type { Command } from './command';

/** A session id as is; a task id: that task's first session that is not closed. */
async function sessionOf(client: SidecarClient, id: string): Promise<string> {
  const wb = await client.request(Requests.GetWorkbench, {});
  if (wb.tasks.some((t) => t.sessions.some((s) => s.id === id))) return id;
  const task = wb.tasks.find((t) => t.id === id);
  if (!task) return id; // Unknown: the sidecar's answer names it.
  const open = task.sessions.find((s) => s.status !== 'closed');
  if (!open) throw new Error(`task ${id} has no open session`);
  return open.id;
}

export const send: Command = {
  name: 'send',
  args: ['SESSION', 'TEXT'],
  summary: 'send a message to a session (or a task\'s first open session); prints the turn id',
  flags: {},
  async run({ client, parsed, json: asJson, out }) {
    const [id, text] = parsed.args as [string, string];
    const sessionId = await sessionOf(client, id);
    const { turnId } = await client.request(Requests.SendMessage, { sessionId, text });
    out(asJson ? json({ sessionId, turnId }) : `${turnId}\n`);
  },
};
