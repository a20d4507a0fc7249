// Waiting on the file system without polling sleeps: fs.watch on the folder, re-checked on each
// change. No dependencies: shared by the sidecar tests (test/server) and the end-to-end harness.
import { existsSync, readdirSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Resolves when `path` exists; rejects after `timeoutMs`. */
export function waitForFile(path, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const name = basename(path);
    const watcher = watch(dirname(path), (_event, file) => {
      if ((file === null || file === name) && existsSync(path)) done();
    });
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${path}`)), timeoutMs);
    function done(error) {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    }
    // Checked once the watch runs, so a file created just before is not missed.
    if (existsSync(path)) done();
  });
}

/** Resolves when `pred(fileNames)` holds for the folder's contents; rejects after `timeoutMs`, naming `what`. */
export function waitForDir(dir, pred, what, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const check = () => pred(readdirSync(dir)) && done();
    const watcher = watch(dir, check);
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    function done(error) {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    }
    check();
  });
}
