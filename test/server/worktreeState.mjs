// A worktree's state as a user would see it, for byte-exact comparisons: every path (outside
// .git) -> its kind, executable bit and sha256 (a symlink: its target). No dependencies.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `{ [relativePath]: 'file 644 <sha256>' | 'file 755 <sha256>' | 'link -> <target>' | 'dir' }`.
 * Git keeps a file's content and executable bit (not the rest of its mode), so that is what
 * a restore must bring back. Folders named in `skip` (at any depth) are listed, not entered.
 */
export function worktreeState(root, { skip = [] } = {}) {
  const out = {};
  const walk = (rel) => {
    for (const e of readdirSync(rel ? join(root, rel) : root, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      const abs = join(root, path);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[path] = `link -> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[path] = 'dir';
        if (!skip.includes(e.name)) walk(path);
      } else out[path] = `file ${st.mode & 0o111 ? '755' : '644'} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
    }
  };
  walk('');
  return out;
}

/** sha256 of a file's bytes (e.g. the user's .git/index, which a snapshot must not touch). */
export function fileHash(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
