// Real git repositories in temp folders, for the sidecar tests (test/server), the end-to-end
// harness and the benchmark. No dependencies.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Runs git in `cwd`; returns its stdout. */
export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes `content` to `dir/rel`, creating its folders; returns the path. */
export function writeFile(dir, rel, content) {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/**
 * A git repository at `dir` with `files` ({relativePath: content}) in one commit on branch main,
 * with a repository-local committer identity. The paths in `executable` are committed as mode 755.
 */
export function makeRepo(dir, files = { 'README.md': '# demo\n' }, { executable = [] } = {}) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  git(dir, 'config', 'user.name', 'Foundry Test');
  for (const [rel, content] of Object.entries(files)) writeFile(dir, rel, content);
  for (const rel of executable) chmodSync(join(dir, rel), 0o755);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}
