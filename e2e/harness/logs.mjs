// Reading what the extension wrote to its "Foundry" log output channel (a file under the VS Code
// user data's logs folder).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of every Foundry.log under `userDataDir/logs`. */
function foundryLogFiles(userDataDir) {
  const root = join(userDataDir, 'logs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((p) => p.endsWith('Foundry.log'))
    .map((p) => join(root, p));
}

/** Waits (re-reading as VS Code flushes) until a Foundry log line matches `pattern`; returns the match. */
export async function waitForLogLine(userDataDir, pattern, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const file of foundryLogFiles(userDataDir)) {
      const m = pattern.exec(readFileSync(file, 'utf8'));
      if (m) return m;
    }
    if (Date.now() > deadline) throw new Error(`no Foundry log line matched ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
