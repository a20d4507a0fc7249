// The createTask branch schema against git itself: every name `git check-ref-format --branch`
// refuses is refused up front, and ordinary names pass both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Requests } from '../../shared/protocol.ts';

const schema = Requests.CreateTask.params.shape.branch.unwrap();
const gitAccepts = (name) => spawnSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' }).status === 0;

const good = ['main-2', 'feature/login', 'foundry/fix-the-bug', 'a.b/c-d_e', 'v1.2', 'x@y', 'deep/er/name', 'ünïcode'];
const bad = [
  'HEAD', '@', '-x', '--force', 'a..b', 'a.lock', 'a.lock/b', 'a/b.lock', '.hidden', 'x/.hidden', 'x/', '/x', 'x//y', 'x.',
  'has space', 'tab\there', 'nl\nhere', 'del\x7f', 'bell\x07', 'x~1', 'x^2', 'x:y', 'x?', 'x*', 'x[1]', 'back\\slash', 'x@{1}',
  'refs/heads/x', 'refs/x', '', 'x'.repeat(201),
];

test('every name git refuses as a branch is refused by the schema', () => {
  for (const name of bad) assert.equal(schema.safeParse(name).success, false, `schema accepts ${JSON.stringify(name)}`);
  // The list is not made up: git itself refuses each of these, except the ones Foundry adds
  // ('@' is refused by git's rule 9 for refs, but `--branch` reads it as HEAD's branch).
  const foundryOnly = new Set(['@', 'refs/heads/x', 'refs/x', 'x'.repeat(201)]);
  for (const name of bad.filter((n) => n && !foundryOnly.has(n))) assert.equal(gitAccepts(name), false, `git accepts ${JSON.stringify(name)}`);
});

test('ordinary branch names pass the schema and git', () => {
  for (const name of good) {
    assert.equal(gitAccepts(name), true, `git refuses ${name}`);
    assert.equal(schema.safeParse(name).success, true, `schema refuses ${name}: ${schema.safeParse(name).error?.message}`);
  }
});
