// One sidecar per test file: a fresh data folder and one registered repository, started before the
// file's tests and stopped (its folders removed) after them. A test that restarts the sidecar puts
// the new client back in `ctx.sc` so it is the one stopped.
import { before, after } from 'node:test';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';

/**
 * `ready(ctx)` runs (awaited) once the sidecar and its repository are there (to bind a test file's
 * own names). `prepare(ctx)` runs first, awaited, and may fill in `options` (a loopback server's
 * URL): root-level `before` hooks of node:test run concurrently, so such steps go here.
 */
export function useSidecar({ options, env, prepare } = {}, ready = () => {}) {
  const ctx = {};
  before(async () => {
    ctx.dir = tempDir();
    await prepare?.(ctx);
    ctx.dataDir = join(ctx.dir, 'data');
    ctx.sc = await startSidecar({ dataDir: ctx.dataDir, options, env });
    ctx.repo = await ctx.sc.request(Requests.AddRepo.method, { path: makeRepo(join(ctx.dir, 'repo')) });
    await ready(ctx);
  });
  after(async () => {
    await ctx.sc?.stop();
    cleanup(ctx.dir);
  });
  return ctx;
}
