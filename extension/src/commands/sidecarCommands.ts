/** Sidecar commands: logs, restart, traffic counters. */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { sidecarLogPath } from '../../../shared/sidecarLocation';
import type { CommandFactory } from './commandEnv';

/** This window's log, and the shared sidecar's own log (D/logs/sidecar.log) beside it. */
export const showLogs: CommandFactory =
  ({ controller }) =>
  async () => {
    controller.log.show(true);
    const file = sidecarLogPath(controller.dataDir);
    if (existsSync(file)) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  };

export const restartSidecar: CommandFactory =
  ({ controller }) =>
  async () => {
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
