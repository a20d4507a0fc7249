/**
 * Git-ignored files that are someone's work. `git worktree remove` deletes ignored files
 * along with the worktree; until archive snapshots them, archive refuses while a worktree
 * holds any ignored file outside the folders that tools regenerate (dependencies, build
 * output, caches), at whatever depth those folders sit.
 */
import { DEFAULT_REGENERABLE_FOLDERS } from '../../../shared/protocol';

/** Folder names whose contents a build or install recreates; losing them loses no work. */
const REGENERABLE_FOLDERS = new Set(DEFAULT_REGENERABLE_FOLDERS);

/**
 * Pathspecs for `git ls-files --others --ignored --exclude-standard` that leave out everything
 * inside a regenerable folder at any depth. (Not `--directory`: it folds a folder such as
 * `packages/` into one entry even when all it holds is `packages/a/node_modules/…`.)
 */
export const WORK_PATHSPECS = ['.', ...[...REGENERABLE_FOLDERS].map((name) => `:(exclude,glob)**/${name}/**`)];

const SHOWN = 5;

/** "2 git-ignored files (.env, notes.local)"; past the first few, "and N more". */
export function describeIgnoredWork(paths: string[]): string {
  const shown = paths.slice(0, SHOWN).join(', ');
  const more = paths.length > SHOWN ? ` and ${paths.length - SHOWN} more` : '';
  return `${paths.length} git-ignored ${paths.length === 1 ? 'file' : 'files'} (${shown}${more})`;
}
