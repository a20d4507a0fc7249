/** `foundry log TASK`: a task's history and its setup script's output. */
import { Requests } from '../../../shared/protocol';
import { json, taskLog } from '../format';
import type { Command } from './command';

export const log: Command = {
  name: 'log',
  args: ['TASK'],
  summary: 'show a task\'s history and setup output',
  flags: {},
  async run({ client, parsed, json: asJson, out }) {
    const result = await client.request(Requests.GetTaskLog, { taskId: parsed.args[0]! });
    out(asJson ? json(result) : taskLog(result));
  },
};
