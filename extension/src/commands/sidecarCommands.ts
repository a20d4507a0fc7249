/** Sidecar commands: logs, restart, traffic counters. */
import * as vscode from 'vscode';
import { NoFolderError } from '../errors';
import type { CommandFactory } from './commandEnv';

export const showLogs: CommandFactory =
  ({ ctx }) =>
  () =>
    ctx.log.show(true);

export const restartSidecar: CommandFactory =
  ({ ctx }) =>
  async () => {
    if (!ctx.hasFolder) throw new NoFolderError();
    ctx.log.info('Restarting the sidecar on request.');
    await ctx.restart();
  };

export const showTraffic: CommandFactory =
  ({ ctx }) =>
  () => {
    const { sent, received } = ctx.traffic;
    const text = `Foundry sidecar traffic: ${sent} sent, ${received} received`;
    ctx.log.info(text);
    void vscode.window.showInformationMessage(text);
    return { sent, received };
  };
