/**
 * Git bundles: how a repository travels to a remote sandbox and its work comes back (no git token
 * ever enters the sandbox, and unpushed commits travel too).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk, gitRun } from './gitRun';

export const bundleEffects = {
  /**
   * A bundle of `refs` (full ref names) at `file`; `pins` first point temporary refs
   * (`refs/foundry/outgoing/<name>`) at commits, so a bare commit can travel too. Returns the file.
   */
  async bundleCreate(p: { repoPath: string; refs: string[]; pins?: Record<string, string> }): Promise<{ file: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'foundry-bundle-'));
    const file = join(dir, 'repo.bundle');
    const pinned = Object.entries(p.pins ?? {}).map(([name, sha]) => ({ ref: `refs/foundry/outgoing/${name}`, sha }));
    for (const { ref, sha } of pinned) await gitOk(p.repoPath, ['update-ref', ref, sha]);
    try {
      await gitOk(p.repoPath, ['bundle', 'create', file, ...p.refs, ...pinned.map((x) => x.ref)]);
    } finally {
      for (const { ref, sha } of pinned) await gitRun(p.repoPath, ['update-ref', '-d', ref, sha]);
    }
    return { file };
  },

  /**
   * Fetch `refspecs` from a bundle into the repository. A refspec without `+` never moves a ref
   * backwards or sideways: git refuses, and the error says so.
   */
  async bundleFetch(p: { repoPath: string; file: string; refspecs: string[] }): Promise<void> {
    await gitOk(p.repoPath, ['fetch', '--no-tags', '--no-write-fetch-head', p.file, ...p.refspecs]);
  },

  /** The commit a ref (or `HEAD`) names in the repository, or null. */
  async resolveRef(p: { repoPath: string; ref: string }): Promise<string | null> {
    const r = await gitRun(p.repoPath, ['rev-parse', '-q', '--verify', `${p.ref}^{commit}`]);
    return r.code === 0 ? r.stdout.toString().trim() : null;
  },
};
