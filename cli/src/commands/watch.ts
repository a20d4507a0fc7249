/**
 * `foundry watch`: print what the sidecar pushes, as it happens, until Ctrl-C. It never asks:
 * every line comes from a `foundry/workbenchUpdated`, `foundry/repoActionUpdated` or
 * `foundry/serverStatus` notification. Text: "task <id> <status> <title>" per task summary,
 * "removed <id>", "repo <id> <path>", "action <id> <kind> <status> <task or repo>[ - message]",
 * "server busy (…)" / "server quiescent". --json: one object per line, with an `event` field.
 */
import { Notifications } from '../../../shared/protocol';
import { actionLine, json, serverStatusLine, taskLine } from '../format';
import type { Command } from './command';

export const watch: Command = {
  name: 'watch',
  args: [],
  summary: 'print task, repository action and server status changes as the sidecar pushes them, until Ctrl-C',
  flags: {},
  beforeReady({ client, json: asJson, out }) {
    const line = (value: object) => out(json(value, false));
    client.onNotification(Notifications.WorkbenchUpdated, (p) => {
      for (const repo of p.repos ?? []) asJson ? line({ event: 'repo', version: p.version, repo }) : out(`repo ${repo.id} ${repo.path}\n`);
      for (const task of p.tasks) asJson ? line({ event: 'task', version: p.version, task }) : out(taskLine(task));
      for (const taskId of p.removedTaskIds) asJson ? line({ event: 'removed', version: p.version, taskId }) : out(`removed ${taskId}\n`);
    });
    client.onNotification(Notifications.RepoActionUpdated, (p) => (asJson ? line({ event: 'action', action: p.action }) : out(actionLine(p.action))));
    client.onNotification(Notifications.ServerStatus, (p) => (asJson ? line({ event: 'serverStatus', ...p }) : out(serverStatusLine(p))));
  },
  run({ client }) {
    return new Promise((resolve, reject) => {
      const stop = () => resolve();
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
      client.onUnexpectedClose(() => reject(new Error('the sidecar closed the connection')));
    });
  },
};
