/**
 * Agents whose npm package ships its program as a per-platform binary in an optional dependency
 * and puts it in place with a postinstall script. Foundry's installer (Arborist) left that script
 * unrun: the package's bin stayed a stub that prints "postinstall script was not run" and exits 1,
 * so OpenCode never started. Foundry launches the platform binary itself instead, picked the way
 * the package's own postinstall picks it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function hasAvx2(): boolean {
  if (process.platform !== 'linux') return process.arch !== 'x64';
  try {
    return /(^|\s)avx2(\s|$)/i.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/** OpenCode (opencode-ai): `opencode-<os>-<arch>[-baseline][-musl]/bin/opencode`. */
export function openCodeBinary(nodeModules: string): string | undefined {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const base = `opencode-${os}-${process.arch}`;
  const file = os === 'windows' ? 'opencode.exe' : 'opencode';
  const x64 = process.arch === 'x64';
  const names = !x64 ? [base, `${base}-musl`] : hasAvx2() ? [base, `${base}-baseline`, `${base}-musl`, `${base}-baseline-musl`] : [`${base}-baseline`, base, `${base}-baseline-musl`, `${base}-musl`];
  return names.map((n) => join(nodeModules, n, 'bin', file)).find((p) => existsSync(p));
}
