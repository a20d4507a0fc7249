/**
 * The agent installer, its own process (dist/agent-installer.js): installs one npm package spec
 * into a folder with npm's own library (@npmcli/arborist), so installs work where no npm binary
 * exists, as in desktop VS Code. It installs into `<target>.partial-<pid>` and renames that into
 * place once complete, so a folder at `<target>` is always a whole install.
 *
 *   node agent-installer.js <target> <spec>
 *
 * Reports on stdout, one JSON object per line: {type:'progress', message} ... then
 * {type:'done'} or {type:'error', message}. Exit code 0 on success.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Arborist from '@npmcli/arborist';

type Report = { type: 'progress'; message: string } | { type: 'done' } | { type: 'error'; message: string };
const report = (r: Report) => process.stdout.write(`${JSON.stringify(r)}\n`);

async function install(target: string, spec: string): Promise<void> {
  if (existsSync(target)) {
    report({ type: 'progress', message: 'already installed' });
    return;
  }
  const partial = `${target}.partial-${process.pid}`;
  mkdirSync(dirname(target), { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(`${partial}/package.json`, `${JSON.stringify({ private: true, description: `Foundry's install of ${spec}` }, null, 2)}\n`);
  let fetched = 0;
  let lastReport = 0;
  // Arborist logs through proc-log's `log` events on the process; each `http fetch` is one package.
  process.on('log' as never, ((level: string, ...args: unknown[]) => {
    if (level !== 'http') return;
    fetched++;
    const now = Date.now();
    if (now - lastReport > 500) {
      lastReport = now;
      report({ type: 'progress', message: `downloaded ${fetched} packages` });
    }
    void args;
  }) as never);
  report({ type: 'progress', message: `resolving ${spec}` });
  try {
    const arb = new Arborist({ path: partial, audit: false, fund: false, progress: false });
    await arb.reify({ add: [spec], save: true });
    report({ type: 'progress', message: `downloaded ${fetched} packages; finishing` });
    renameSync(partial, target);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
}

const [target, spec] = process.argv.slice(2);
if (!target || !spec) {
  report({ type: 'error', message: 'usage: agent-installer <target> <spec>' });
  process.exit(2);
}
install(target, spec).then(
  () => {
    report({ type: 'done' });
    process.exit(0);
  },
  (e: unknown) => {
    const err = e as { code?: string; message?: string };
    report({ type: 'error', message: `${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}` });
    process.exit(1);
  },
);
