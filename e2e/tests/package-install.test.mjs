// The .vsix that `npm run package` makes works when installed: installed into a clean VS Code with
// `--install-extension`, its sidecar starts (with the packaged native SQLite binding) and a task
// provisions to idle.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { installVsix } from '../harness/codeServer.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { ROOT } from '../harness/paths.mjs';
import { createTask, openFoundryView } from '../harness/workbench.mjs';

const PROMPT = 'Run from the installed package';

test('the packaged .vsix installs and runs a task to idle', async (t) => {
  let installed = '';
  const f = await openFoundry(t, {
    installExtension: (dirs, token) => {
      const vsix = join(dirs.root, 'foundry.vsix');
      // dist/ is already built by `npm test`; package it as users get it.
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--skip-build', '--out', vsix], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      installVsix({ dirs, token, vsix });
      installed = readdirSync(dirs.extensions).filter((d) => !d.startsWith('.') && d !== 'extensions.json').join(', ');
    },
  });
  t.diagnostic(`installed: ${installed}`);
  assert.match(installed, /foundry/);
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT);
});
