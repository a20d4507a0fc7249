import { basename, resolve } from 'node:path';
import type { Handlers } from './define';
import { invalidParams } from '../errors';
import { newId } from '../ids';
import { toRepo } from '../store/summaries';
import type { RepoRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import type { Repo } from '../../../shared/protocol';

export const repoHandlers: Pick<Handlers, 'AddRepo'> = {
  async AddRepo(sc, { path, setupScript }) {
    const script = setupScript?.trim() ? setupScript : null;
    // A known repository (the extension re-sends it before each create) needs no git at all.
    const known = sc.store.repoByPath(resolve(path));
    if (known) return updateSetupScript(sc, known, script);
    let info: { toplevel: string; defaultBranch: string };
    try {
      info = await sc.effects.call('repoInfo', { path: resolve(path) });
    } catch (e) {
      throw invalidParams(`path: ${e instanceof Error ? e.message : String(e)}`);
    }
    const existing = sc.store.repoByPath(info.toplevel);
    if (existing) return updateSetupScript(sc, existing, script);
    const row = {
      id: newId('repo'),
      name: basename(info.toplevel),
      path: info.toplevel,
      default_branch: info.defaultBranch,
      setup_script: script,
      created_at: Date.now(),
    };
    sc.store.insertRepo(row);
    sc.publisher.repoChanged(row.id);
    return toRepo(row);
  },
};

function updateSetupScript(sc: Sidecar, repo: RepoRow, script: string | null): Repo {
  if (repo.setup_script !== script) {
    sc.store.updateRepo(repo.id, { setup_script: script });
    sc.publisher.repoChanged(repo.id);
  }
  return toRepo({ ...repo, setup_script: script });
}
