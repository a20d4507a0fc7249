/**
 * The `foundry` launcher that "Foundry: Install CLI" writes, and the folder it goes in. Pure
 * (no `vscode`), so the unit tests run it as is.
 *
 * The launcher runs the extension's own dist/cli.js on the runtime the extension gives its
 * sidecar: POSIX `sh` (`exec '<node>' '<cli.js>' "$@"`) or, on Windows, `foundry.cmd`. When that
 * runtime is the editor's own executable (Electron in desktop VS Code) it sets
 * ELECTRON_RUN_AS_NODE=1 so the executable behaves as Node.
 */
import { isAbsolute, join, normalize, posix, win32 } from 'node:path';

/** Every launcher carries this line: a file with it is ours to replace. */
export const LauncherMarker = 'Written by "Foundry: Install CLI"';

export interface LauncherTarget {
  /** The Node (>= 22) executable. */
  readonly node: string;
  /** The extension's dist/cli.js. */
  readonly cliJs: string;
  /** The executable is the editor's own (Electron): run it as Node. */
  readonly electronAsNode: boolean;
  readonly version: string;
}

export const launcherName = (platform: NodeJS.Platform): string => (platform === 'win32' ? 'foundry.cmd' : 'foundry');

/** Single-quoted for sh: nothing inside is expanded; a quote is closed, escaped and reopened. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Double-quoted for cmd: Windows paths hold no `"`; `%` is doubled so it is not expanded. */
const cmdQuote = (s: string) => `"${s.replace(/%/g, '%%')}"`;

export function launcherScript(t: LauncherTarget, platform: NodeJS.Platform): string {
  const note = `Foundry CLI launcher. ${LauncherMarker} (Foundry ${t.version}); run that command again after updating Foundry.`;
  if (platform === 'win32') {
    return [
      '@echo off',
      `rem ${note}`,
      'setlocal',
      ...(t.electronAsNode ? ['set ELECTRON_RUN_AS_NODE=1'] : []),
      `${cmdQuote(t.node)} ${cmdQuote(t.cliJs)} %*`,
      '',
    ].join('\r\n');
  }
  return [
    '#!/bin/sh',
    `# ${note}`,
    ...(t.electronAsNode ? ['ELECTRON_RUN_AS_NODE=1', 'export ELECTRON_RUN_AS_NODE'] : []),
    `exec ${shQuote(t.node)} ${shQuote(t.cliJs)} "$@"`,
    '',
  ].join('\n');
}

export interface FolderContext {
  /** $PATH as the extension host sees it. */
  readonly pathEnv: string;
  readonly home: string;
  readonly platform: NodeJS.Platform;
  /** Whether the current user may create files in an existing folder. */
  readonly writable: (dir: string) => boolean;
}

export interface FolderChoice {
  readonly folder: string;
  readonly onPath: boolean;
}

/**
 * Where the launcher goes: `~/.local/bin` when it is on PATH; else `~/bin` or (POSIX)
 * `/usr/local/bin` when on PATH and writable; else `~/.local/bin` anyway (created), and the user
 * is told to put it on PATH. Other folders on PATH are left alone: most belong to a tool (nvm,
 * node_modules/.bin, the editor's own remote CLI) that replaces or removes them.
 */
export function chooseFolder(cx: FolderContext): FolderChoice {
  const path = cx.platform === 'win32' ? win32 : posix;
  const same = (a: string, b: string) => {
    const [x, y] = [path.normalize(a).replace(/[\\/]+$/, ''), path.normalize(b).replace(/[\\/]+$/, '')];
    return cx.platform === 'win32' ? x.toLowerCase() === y.toLowerCase() : x === y;
  };
  const entries = cx.pathEnv
    .split(cx.platform === 'win32' ? ';' : ':')
    .map((e) => e.trim().replace(/^"(.*)"$/, '$1'))
    .filter((e) => e && path.isAbsolute(e));
  const onPath = (dir: string) => entries.some((e) => same(e, dir));
  const local = path.join(cx.home, '.local', 'bin');
  if (onPath(local)) return { folder: local, onPath: true };
  const others = [path.join(cx.home, 'bin'), ...(cx.platform === 'win32' ? [] : ['/usr/local/bin'])];
  const other = others.find((dir) => onPath(dir) && cx.writable(dir));
  if (other) return { folder: other, onPath: true };
  return { folder: local, onPath: false };
}

/** What to add to a shell profile to put `folder` on PATH. */
export function pathHint(folder: string, home: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return `setx PATH "%PATH%;${folder}"`;
  const shown = isAbsolute(folder) && normalize(folder).startsWith(join(home, '/')) ? `$HOME/${normalize(folder).slice(join(home, '/').length)}` : folder;
  return `export PATH="${shown}:$PATH"`;
}
