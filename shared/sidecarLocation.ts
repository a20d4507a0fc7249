/**
 * Where the one Foundry sidecar of this user lives: the per-user data folder, the local socket
 * it listens on, and `sidecar.json`, the file that names it. Used by the sidecar, the extension
 * and the CLI, so all three agree without talking first. Pure path logic plus small file reads.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SidecarInfo } from './protocol';

/**
 * The per-user data folder: `FOUNDRY_DATA_DIR`, else the platform's user data folder:
 * `$XDG_DATA_HOME/foundry` (or `~/.local/share/foundry`) on Linux, `~/Library/Application
 * Support/Foundry` on macOS, `%LOCALAPPDATA%\Foundry` on Windows. A `foundry.dataDir` setting is
 * passed in as `override`.
 */
export function defaultDataDir(override?: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (override?.trim()) return override.trim();
  if (env.FOUNDRY_DATA_DIR?.trim()) return env.FOUNDRY_DATA_DIR.trim();
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Foundry');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'Foundry');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'foundry');
}

/** Longest socket path we make: `sun_path` holds 104 bytes on macOS (108 on Linux), with its NUL. */
export const MaxSocketPathBytes = 103;

/**
 * The socket the sidecar of `dataDir` listens on. A Unix socket in a short per-user runtime
 * folder (`$XDG_RUNTIME_DIR`, else `<tmp>/foundry-<uid>`), named by a hash of the data folder so
 * two data folders never share one; a named pipe on Windows.
 */
export function socketPath(dataDir: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\foundry-${tag}`;
  const path = join(runtimeDir(env), `foundry-${tag}.sock`);
  if (Buffer.byteLength(path) > MaxSocketPathBytes) return join('/tmp', `foundry-${process.getuid?.() ?? 0}`, `${tag}.sock`);
  return path;
}

/** The folder the socket lives in (created 0700 by the sidecar). */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_RUNTIME_DIR && Buffer.byteLength(env.XDG_RUNTIME_DIR) < 60) return join(env.XDG_RUNTIME_DIR, 'foundry');
  const base = Buffer.byteLength(tmpdir()) < 40 ? tmpdir() : '/tmp';
  return join(base, `foundry-${process.getuid?.() ?? 0}`);
}

export const sidecarInfoPath = (dataDir: string) => join(dataDir, 'sidecar.json');
export const settingsPath = (dataDir: string) => join(dataDir, 'settings.json');
export const sidecarLogPath = (dataDir: string) => join(dataDir, 'logs', 'sidecar.log');

/** The running sidecar as `sidecar.json` names it, or undefined when absent or unreadable. */
export function readSidecarInfo(dataDir: string): SidecarInfo | undefined {
  try {
    const parsed = SidecarInfo.safeParse(JSON.parse(readFileSync(sidecarInfoPath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** -1, 0 or 1 as semver `a` is older than, equal to or newer than `b` (pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('-')[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
