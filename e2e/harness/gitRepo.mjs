// Real git repositories in temp folders, for the tests and the demo.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Foundry Test',
  GIT_AUTHOR_EMAIL: 'test@foundry.invalid',
  GIT_COMMITTER_NAME: 'Foundry Test',
  GIT_COMMITTER_EMAIL: 'test@foundry.invalid',
};

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();
}

/**
 * Creates a git repository at `dir` with `files` ({relativePath: content}) in one initial commit on
 * branch main. `setupScript`, if given, becomes the committed, executable `.foundry/setup.sh`.
 */
export function createGitRepo(dir, { files = {}, setupScript } = {}) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  const all = { 'README.md': `# ${dir.split('/').pop()}\n`, ...files };
  if (setupScript !== undefined) all['.foundry/setup.sh'] = setupScript;
  for (const [rel, content] of Object.entries(all)) writeFile(dir, rel, content);
  if (setupScript !== undefined) chmodSync(join(dir, '.foundry/setup.sh'), 0o755);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Initial commit');
  return dir;
}

export function writeFile(dir, rel, content) {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** Commits the current state of the work tree. */
export function commitAll(dir, message) {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}
