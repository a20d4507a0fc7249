/**
 * `foundry create --repo PATH "prompt"`: register the repository (keeping its setup script:
 * none is sent) and create a task. Returns at once; provisioning runs in the sidecar.
 */
import { resolve } from 'node:path';
import { Requests } from '../../../shared/protocol';
import { flagValue } from '../args';
import { json } from '../format';
import type { Command } from './command';

export const create: Command = {
  name: 'create',
  args: ['PROMPT'],
  summary: 'create a task on a repository; prints its id (provisioning runs in the background)',
  flags: {
    repo: { value: 'PATH', required: true, help: 'the git repository' },
    agent: { value: 'ID', help: 'the agent (default: the sidecar\'s default agent)' },
    branch: { value: 'BRANCH', help: 'the branch to create (default: foundry/<slug of the title>)' },
    title: { value: 'TITLE', help: 'the task title (default: from the prompt)' },
  },
  async run({ client, parsed, json: asJson, out }) {
    const repo = await client.request(Requests.AddRepo, { path: resolve(flagValue(parsed, 'repo')!) });
    const optional = Object.fromEntries(
      (['title', 'branch', 'agent'] as const).flatMap((name) => {
        const v = flagValue(parsed, name);
        return v === undefined ? [] : [[name, v]];
      }),
    );
    const task = await client.request(Requests.CreateTask, { repoId: repo.id, prompt: parsed.args[0]!, ...optional });
    out(asJson ? json(task) : `${task.id}\n`);
  },
};
