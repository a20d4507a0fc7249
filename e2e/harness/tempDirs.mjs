// One temp folder per test run holding every folder the run writes (VS Code user data, extensions,
// XDG dirs, TMPDIR, the browser profile, the git repos), removed at the end.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeRunDirs(prefix = 'foundry-e2e-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = (name) => {
    const p = join(root, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  return {
    root,
    userData: dir('user-data'),
    extensions: dir('extensions'),
    xdg: dir('xdg'),
    tmp: dir('tmp'),
    browserProfile: dir('browser'),
    home: dir('home'),
    repos: dir('repos'),
    remove() {
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}
