/** Sidecar commands: logs, restart, traffic counters. */
import * as vscode from 'vscode';
import { NoFolderError } from '../errors';
import type { CommandFactory } from './commandEnv';

export const showLogs: CommandFactory =
  ({ controller }) =>
  () =>
    controller.log.show(true);

export const restartSidecar: CommandFactory =
  ({ controller }) =>
  async () => {
    if (!controller.hasFolder) throw new NoFolderError();
    controller.log.info('Restarting the sidecar on request.');
    await controller.restart();
  };

export const showTraffic: CommandFactory =
  ({ controller }) =>
  () => {
    const { sent, received } = controller.traffic;
    const text = `Foundry sidecar traffic: ${sent} sent, ${received} received`;
    controller.log.info(text);
    void vscode.window.showInformationMessage(text);
    return { sent, received };
  };
