// Every file of a worktree (outside .git and the folders named in `skip`) with its mode and the
// sha256 of its content, symbolic links by their target: two equal maps are byte-identical trees.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeHashes(root, { skip = [] } = {}) {
  const out = {};
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (e.name === '.git' || skip.includes(e.name)) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      const full = join(root, path);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[path] = `link -> ${readlinkSync(full)}`;
      else if (st.isDirectory()) walk(path);
      else out[path] = `${(st.mode & 0o111) ? '755' : '644'} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
    }
  };
  walk('');
  return out;
}
