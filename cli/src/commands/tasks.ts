/** `foundry tasks`: every task with its status, branch, repository, changes and sessions. */
import { Requests } from '../../../shared/protocol';
import { json, taskTable } from '../format';
import type { Command } from './command';

export const tasks: Command = {
  name: 'tasks',
  args: [],
  summary: 'list tasks (--json: the workbench: {version, repos, tasks})',
  flags: {},
  async run({ client, json: asJson, out }) {
    const wb = await client.request(Requests.GetWorkbench, {});
    out(asJson ? json(wb) : taskTable(wb.tasks, wb.repos));
  },
};
