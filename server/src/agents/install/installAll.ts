/**
 * `node server.js --install-agents DIR [id...]`: the catalog's pinned agents (all, or those
 * named) installed into DIR the way `foundry/installAgent` installs them, one after the other, with
 * the installer's output shown. For setup scripts and CI, where tests share one install folder
 * (FOUNDRY_AGENTS_DIR). Returns the exit code: 1 if any install failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALOG } from '../catalog';

export function installAgents(bundleDir: string, dir: string, ids: string[]): number {
  const unknown = ids.filter((id) => !CATALOG.some((c) => c.id === id));
  if (unknown.length) {
    process.stderr.write(`unknown agent(s): ${unknown.join(', ')} (known: ${CATALOG.map((c) => c.id).join(', ')})\n`);
    return 2;
  }
  let failed = 0;
  for (const c of CATALOG.filter((a) => !ids.length || ids.includes(a.id))) {
    const target = join(resolve(dir), `${c.id}@${c.version}`);
    if (existsSync(target)) {
      process.stdout.write(`${c.id}: ${c.package}@${c.version} already installed\n`);
      continue;
    }
    const started = Date.now();
    process.stdout.write(`${c.id}: installing ${c.package}@${c.version}\n`);
    const r = spawnSync(process.execPath, [join(bundleDir, 'agent-installer.js'), target, `${c.package}@${c.version}`], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    if (r.status === 0) process.stdout.write(`${c.id}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    else {
      failed++;
      process.stdout.write(`${c.id}: FAILED ${last}\n`);
    }
  }
  return failed ? 1 : 0;
}
