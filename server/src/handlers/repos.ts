import { basename, resolve } from 'node:path';
import type { Handlers } from './define';
import { invalidParams } from '../errors';
import { newId } from '../ids';
import { toRepo } from '../store/summaries';

export const repoHandlers: Pick<Handlers, 'AddRepo'> = {
  async AddRepo(sc, { path, setupScript }) {
    let info: { toplevel: string; defaultBranch: string };
    try {
      info = await sc.effects.call('repoInfo', { path: resolve(path) });
    } catch (e) {
      throw invalidParams(`path: ${e instanceof Error ? e.message : String(e)}`);
    }
    const script = setupScript?.trim() ? setupScript : null;
    const existing = sc.store.repoByPath(info.toplevel);
    if (existing) {
      if (existing.setup_script !== script) {
        sc.store.updateRepo(existing.id, { setup_script: script });
        sc.publisher.repoChanged(existing.id);
      }
      return toRepo({ ...existing, setup_script: script });
    }
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
