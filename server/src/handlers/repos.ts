import { basename, resolve } from 'node:path';
import type { Handlers } from './define';
import { invalidParams } from '../errors';
import { newId } from '../ids';
import { toRepo } from '../store/summaries';
import type { RepoRow } from '../db/schema';
import type { Sidecar } from '../sidecar';

export const repoHandlers: Pick<Handlers, 'AddRepo'> = {
  async AddRepo(sc, { path, setupScript }) {
    // A known repository (the extension re-sends it before each create) needs no git at all.
    const known = sc.store.repoByPath(resolve(path));
    if (known) return toRepo(applySetupScript(sc, known, setupScript));
    let info: { toplevel: string; defaultBranch: string };
    try {
      info = await sc.effects.call('repoInfo', { path: resolve(path) });
    } catch (e) {
      throw invalidParams(`path: ${e instanceof Error ? e.message : String(e)}`);
    }
    const existing = sc.store.repoByPath(info.toplevel);
    if (existing) return toRepo(applySetupScript(sc, existing, setupScript));
    const row = {
      id: newId('repo'),
      name: basename(info.toplevel),
      path: info.toplevel,
      default_branch: info.defaultBranch,
      setup_script: setupScript === undefined ? null : storedScript(setupScript),
      created_at: Date.now(),
    };
    sc.store.insertRepo(row);
    sc.publisher.repoChanged(row.id);
    return toRepo(row);
  },
};

/** A repository's setup_script column for a script sent by a client: blank means none. */
const storedScript = (script: string): string | null => (script.trim() ? script : null);

/**
 * A request's optional `setupScript` applied to the repository (call inside the request's
 * transaction): absent keeps the current script, "" clears it. Returns the row as it now is.
 */
export function applySetupScript(sc: Sidecar, repo: RepoRow, setupScript: string | undefined): RepoRow {
  if (setupScript === undefined) return repo;
  const script = storedScript(setupScript);
  if (repo.setup_script === script) return repo;
  sc.store.updateRepo(repo.id, { setup_script: script });
  sc.publisher.repoChanged(repo.id);
  return { ...repo, setup_script: script };
}
