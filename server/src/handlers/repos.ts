import { basename, dirname, resolve } from 'node:path';
import type { Handlers } from './define';
import { invalidParams } from '../errors';
import { newId } from '../ids';
import type { RepoRow } from '../db/schema';
import type { Sidecar } from '../sidecar';
import { DEFAULT_REGENERABLE_FOLDERS } from '../../../shared/protocol';

export const repoHandlers: Pick<Handlers, 'AddRepo'> = {
  async AddRepo(sc, { path, setupScript, teardownScript, copyIgnored, regenerableFolders, provider }) {
    const apply = (r: RepoRow) => applyProvider(sc, applyTeardownScript(sc, applyRegenerable(sc, applyCopyIgnored(sc, applySetupScript(sc, r, setupScript), copyIgnored), regenerableFolders), teardownScript), provider);
    // A known repository (the extension re-sends it before each create) needs no git at all.
    const known = sc.store.repoByPath(resolve(path));
    if (known) return sc.store.repoSummary(apply(known));
    let info: { identity: string; path: string; defaultBranch: string };
    try {
      info = await sc.effects.call('repoInfo', { path: resolve(path) });
    } catch (e) {
      throw invalidParams(`path: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Any path into a known repository (a symlink, a subfolder, a linked worktree) is that repository.
    const existing = await knownRepository(sc, info);
    if (existing) return sc.store.repoSummary(apply(existing));
    const row = {
      id: newId('repo'),
      name: basename(info.path),
      path: info.path,
      default_branch: info.defaultBranch,
      setup_script: setupScript === undefined ? null : storedScript(setupScript),
      copy_ignored: copyIgnored?.length ? JSON.stringify(copyIgnored) : null,
      teardown_script: teardownScript === undefined ? null : storedScript(teardownScript),
      regenerable_folders: regenerableFolders === undefined ? null : JSON.stringify(regenerableFolders),
      provider: provider ?? 'local',
      created_at: Date.now(),
    };
    sc.store.insertRepo(row);
    sc.publisher.repoChanged(row.id);
    sc.pool.repoAdded(row.id);
    return sc.store.repoSummary(row);
  },
};

/**
 * The row of the repository `info` describes (effects repoInfo), if there is one. Read last
 * without an await in between, so a caller that inserts when there is none inserts at most once.
 */
export async function knownRepository(sc: Sidecar, info: { identity: string; path: string }): Promise<RepoRow | undefined> {
  const elsewhere = sc.store.repoByPath(info.path) ? undefined : await sameRepository(sc, info);
  return sc.store.repoByPath(info.path) ?? (elsewhere && sc.store.repo(elsewhere.id));
}

/**
 * The row of the same repository under another path. A repository's path is its main working
 * tree, the same from every path into it, so the lookup by path finds it - except for a bare
 * repository (its path is the worktree asked about). Only in a layout other than the usual one
 * (the main working tree is the common dir's parent) are the known rows' identities asked for.
 */
async function sameRepository(sc: Sidecar, info: { identity: string; path: string }): Promise<RepoRow | undefined> {
  const rows = sc.store.repos();
  if (!rows.length || dirname(info.identity) === info.path) return undefined;
  const ids = await sc.effects.call('repoIdentities', { paths: rows.map((r) => r.path) });
  const i = ids.findIndex((id) => id?.identity === info.identity);
  return i >= 0 ? sc.store.repo(rows[i].id) : undefined;
}

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
  // The pool's entries ran the old script: the fill replaces them (after this transaction).
  setImmediate(() => sc.pool.scheduleFill(repo.id));
  return { ...repo, setup_script: script };
}

/** A request's optional `copyIgnored` applied to the repository: absent keeps the list, [] clears it. */
function applyCopyIgnored(sc: Sidecar, repo: RepoRow, copyIgnored: string[] | undefined): RepoRow {
  if (copyIgnored === undefined) return repo;
  const stored = copyIgnored.length ? JSON.stringify(copyIgnored) : null;
  if ((repo.copy_ignored ?? null) === stored) return repo;
  sc.store.updateRepo(repo.id, { copy_ignored: stored });
  sc.publisher.repoChanged(repo.id);
  return { ...repo, copy_ignored: stored };
}

/** As applySetupScript, for the teardown script archive runs (jobs/archive.ts). */
export function applyTeardownScript(sc: Sidecar, repo: RepoRow, teardownScript: string | undefined): RepoRow {
  if (teardownScript === undefined) return repo;
  const script = storedScript(teardownScript);
  if ((repo.teardown_script ?? null) === script) return repo;
  sc.store.updateRepo(repo.id, { teardown_script: script });
  sc.publisher.repoChanged(repo.id);
  return { ...repo, teardown_script: script };
}

/** A request's optional `provider` applied to the repository (its new tasks'): absent keeps it. */
function applyProvider(sc: Sidecar, repo: RepoRow, provider: string | undefined): RepoRow {
  if (provider === undefined || (repo.provider ?? 'local') === provider) return repo;
  sc.store.updateRepo(repo.id, { provider });
  sc.publisher.repoChanged(repo.id);
  return { ...repo, provider };
}

/** A request's optional `regenerableFolders` applied to the repository: absent keeps the current list. */
export function applyRegenerable(sc: Sidecar, repo: RepoRow, folders: readonly string[] | undefined): RepoRow {
  if (folders === undefined) return repo;
  const stored = JSON.stringify([...new Set(folders)]);
  if (repo.regenerable_folders === stored) return repo;
  sc.store.updateRepo(repo.id, { regenerable_folders: stored });
  sc.publisher.repoChanged(repo.id);
  return { ...repo, regenerable_folders: stored };
}

/** The folder names snapshots of the repository's worktrees leave out. */
export function regenerableOf(repo: RepoRow | undefined): readonly string[] {
  if (!repo?.regenerable_folders) return DEFAULT_REGENERABLE_FOLDERS;
  try {
    const list = JSON.parse(repo.regenerable_folders) as unknown;
    return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : DEFAULT_REGENERABLE_FOLDERS;
  } catch {
    return DEFAULT_REGENERABLE_FOLDERS;
  }
}
