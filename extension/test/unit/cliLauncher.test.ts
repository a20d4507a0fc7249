// "Foundry: Install CLI": the launcher script it writes, and the folder it picks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseFolder, LauncherMarker, launcherScript, pathHint } from '../../src/commands/cliLauncher';

const home = '/home/ada';
const folder = (pathEnv: string, writable: string[] = []) => chooseFolder({ pathEnv, home, platform: 'linux', writable: (d) => writable.includes(d) });

test('~/.local/bin when it is on PATH; else ~/bin or /usr/local/bin when on PATH and writable; else ~/.local/bin, off PATH', () => {
  assert.deepEqual(folder('/usr/bin:/home/ada/.local/bin/:/bin'), { folder: '/home/ada/.local/bin', onPath: true });
  assert.deepEqual(folder('/usr/bin:/home/ada/bin', ['/home/ada/bin']), { folder: '/home/ada/bin', onPath: true });
  assert.deepEqual(folder('/usr/local/bin:/usr/bin', ['/usr/local/bin']), { folder: '/usr/local/bin', onPath: true });
  assert.deepEqual(folder('/usr/local/bin:/usr/bin'), { folder: '/home/ada/.local/bin', onPath: false }, 'not writable');
  assert.deepEqual(folder('/home/ada/.nvm/versions/node/v22/bin:/usr/bin', ['/home/ada/.nvm/versions/node/v22/bin']), { folder: '/home/ada/.local/bin', onPath: false }, "a tool's folder is left alone");
  assert.deepEqual(folder('relative/bin:'), { folder: '/home/ada/.local/bin', onPath: false });
});

test('on Windows PATH entries compare without case and may be quoted', () => {
  const choice = chooseFolder({ pathEnv: 'C:\\Windows;"C:\\Users\\Ada\\.LOCAL\\bin"', home: 'C:\\Users\\Ada', platform: 'win32', writable: () => true });
  assert.deepEqual(choice, { folder: 'C:\\Users\\Ada\\.local\\bin', onPath: true });
});

test('the PATH hint names the folder relative to $HOME when it is inside it', () => {
  assert.equal(pathHint('/home/ada/.local/bin', home, 'linux'), 'export PATH="$HOME/.local/bin:$PATH"');
  assert.equal(pathHint('/opt/bin', home, 'linux'), 'export PATH="/opt/bin:$PATH"');
});

test('the POSIX launcher passes every argument through untouched, whatever the paths hold', () => {
  const dir = mkdtempSync(join(tmpdir(), "foundry launcher $x 'q' "));
  try {
    const cliJs = join(dir, 'cli.js');
    writeFileSync(cliJs, 'console.log(JSON.stringify({ args: process.argv.slice(2), electron: process.env.ELECTRON_RUN_AS_NODE ?? null }))');
    for (const electronAsNode of [false, true]) {
      const script = launcherScript({ node: process.execPath, cliJs, electronAsNode, version: '1.2.3' }, 'linux');
      assert.match(script, /^#!\/bin\/sh\n/);
      assert.ok(script.includes(LauncherMarker));
      const launcher = join(dir, 'foundry');
      writeFileSync(launcher, script, { mode: 0o755 });
      const env = { ...process.env };
      delete env.ELECTRON_RUN_AS_NODE;
      const out = JSON.parse(execFileSync(launcher, ['send', 'a b', '$HOME', "it's", '--', '-x'], { encoding: 'utf8', env }));
      assert.deepEqual(out, { args: ['send', 'a b', '$HOME', "it's", '--', '-x'], electron: electronAsNode ? '1' : null });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Windows launcher is a .cmd that quotes the paths and keeps % literal', () => {
  const script = launcherScript({ node: 'C:\\Program Files\\nodejs\\node.exe', cliJs: 'C:\\Users\\a%b\\dist\\cli.js', electronAsNode: true, version: '1.2.3' }, 'win32');
  const lines = script.split('\r\n');
  assert.equal(lines[0], '@echo off');
  assert.ok(lines.includes('set ELECTRON_RUN_AS_NODE=1'));
  assert.ok(lines.includes('"C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\a%%b\\dist\\cli.js" %*'));
  assert.ok(script.includes(LauncherMarker));
});
