/** Effects worker entry: dispatches calls from the main thread to the effect modules. */
import { parentPort } from 'node:worker_threads';
import type { EffectsApi, EffectsEvent, FromWorker, ToWorker } from './api';
import { createGitEffects } from './git';
import { createProcessEffects } from './processes';
import { createAgentEffects } from './acp';
import { createInstallEffects } from './agentInstall';
import { createWatchEffects } from './watch';
import { createCheckpointEffects } from './checkpoint';
import { remoteUrl, repoBranches } from './branches';
import { errorText } from '../errorText';
import { gitActionEffects, settleGitActions } from './gitActions';
import { copyIgnored, markedWorktrees, poolAdopt, poolCreate, poolRemove, removeOrphan, repoHead, worktreeDigest } from './pool';
import { createSnapshotEffects } from './snapshotClient';
import { copyRef, createShelveEffects, removeFoundryRefs, removeTaskBranch } from './shelve';
import { cleanupFacts } from './cleanupFacts';
import { diskUsage } from './diskUsage';
import { simpleGit } from 'simple-git';
import { daytonaEffects } from '../providers/daytona/remote';
import { bundleEffects } from './bundles';

const port = parentPort!;
const emit = (event: EffectsEvent) => port.postMessage({ type: 'event', event } satisfies FromWorker);

const processes = createProcessEffects(emit);
const agents = createAgentEffects(emit, processes);
const watches = createWatchEffects(emit);
const checkpoints = createCheckpointEffects();
// The worker's bundle sits beside the installer's (dist/).
const installs = createInstallEffects(__dirname, emit, processes);
// Snapshots run on a thread of their own (snapshotWorker.ts), beside this bundle.
const snapshots = createSnapshotEffects(__dirname);
const api: { [M in keyof EffectsApi]: (p: Parameters<EffectsApi[M]>[0]) => unknown } = {
  ...createGitEffects(),
  ...processes.api,
  ...agents.api,
  ...watches,
  ...installs,
  ...gitActionEffects,
  repoBranches,
  remoteUrl,
  repoHead,
  worktreeDigest,
  poolCreate,
  poolAdopt,
  poolRemove,
  markedWorktrees,
  removeOrphan,
  copyIgnored,
  checkpoint: checkpoints.checkpoint,
  takeSnapshot: snapshots.takeSnapshot,
  restoreSnapshot: snapshots.restoreSnapshot,
  ...createShelveEffects(snapshots),
  removeTaskBranch,
  copyRef,
  removeFoundryRefs,
  cleanupFacts,
  pruneWorktrees: async ({ repoPath }) => void (await simpleGit({ baseDir: repoPath }).raw(['worktree', 'prune'])),
  diskUsage,
  ...daytonaEffects,
  ...bundleEffects,
  shutdown: async () => {
    checkpoints.close();
    watches.unwatchAll();
    await agents.stopAll();
    await processes.killAll();
    await settleGitActions();
    await snapshots.close();
  },
};

// One failing effect must not take the others down: report it and carry on.
process.on('uncaughtException', (e) => emit({ type: 'log', level: 'error', message: `effects worker: ${e.stack ?? e.message}` }));
process.on('unhandledRejection', (e) => emit({ type: 'log', level: 'error', message: `effects worker: ${errorText(e)}` }));

port.on('message', async (m: ToWorker) => {
  try {
    const fn = api[m.method] as (p: unknown) => unknown;
    const result = await fn(m.params);
    port.postMessage({ type: 'result', id: m.id, result } satisfies FromWorker);
  } catch (e) {
    port.postMessage({ type: 'error', id: m.id, message: errorText(e) } satisfies FromWorker);
  }
});
