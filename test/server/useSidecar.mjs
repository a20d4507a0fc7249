// One sidecar per test file: a fresh data folder and one registered repository, started before the
// file's tests and stopped (its folders removed) after them. A test that restarts the sidecar puts
// the new client back in `ctx.sc` so it is the one stopped.
import { before, after } from 'node:test';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { startSidecar, makeRepo, tempDir, cleanup } from './harness.mjs';

/** `ready(ctx)` runs once the sidecar and its repository are there (to bind a test file's own names). */
export function useSidecar({ options, env } = {}, ready = () => {}) {
  const ctx = {};
  before(async () => {
    ctx.dir = tempDir();
    ctx.dataDir = join(ctx.dir, 'data');
    ctx.sc = await startSidecar({ dataDir: ctx.dataDir, options, env });
    ctx.repo = await ctx.sc.request(Requests.AddRepo.method, { path: makeRepo(join(ctx.dir, 'repo')) });
    ready(ctx);
  });
  after(async () => {
    await ctx.sc?.stop();
    cleanup(ctx.dir);
  });
  return ctx;
}
