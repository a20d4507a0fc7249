/**
 * On every connection to a sidecar, before the workbench bootstrap: follow
 * `foundry/repoActionUpdated`, then list the recent repository actions, so an action's progress
 * notification started before a reconnection (a crash, a restart, a hand-over) finds its row again.
 */
import { ListRepoActions, RepoActionUpdated, type RepoActionUpdatedParams } from '../../../shared/protocol';
import type { ConnectionHook } from '../controller';
import type { RepoActionStore } from './repoActionStore';

export function repoActionSyncHook(store: RepoActionStore): ConnectionHook {
  return async (session) => {
    // Listening first: a push that lands while the list is read is newer, and the store keeps it.
    session.onNotification<RepoActionUpdatedParams>(RepoActionUpdated, (params) => store.put(params.action));
    const { actions } = await session.request(ListRepoActions, {});
    store.putAll(actions);
  };
}
