// A repository whose setup script fails: the task shows the error in the tree and in its chat tab,
// and Retry, once the script is fixed, provisions the task to idle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatParts } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { writeFile } from '../../test/gitRepo.mjs';
import {
  createTask,
  IDLE,
  openFoundryView,
  openSessionFromTree,
  waitForChat,
  waitForTreeDescription,
} from '../harness/workbench.mjs';

const PROMPT = 'Build on a broken setup';
const BROKEN = `#!/bin/sh
echo "setup: installing the toolchain"
echo "setup: the toolchain archive is missing" >&2
exit 3
`;
const FIXED = `#!/bin/sh
echo "setup: installing the toolchain"
echo ok > .toolchain-ready
`;

test('a failing setup script shows its error; Retry works once the script is fixed', async (t) => {
  const f = await openFoundry(t, { setupScript: BROKEN });
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT, { branch: 'e2e/broken', until: 'Error' });

  // The task's first session shows why, with Retry.
  await openSessionFromTree(page, 'Chat 1');
  const frame = await waitForChat(page);
  const c = chatParts(frame);
  await c.status.filter({ hasText: 'Setting up the task failed' }).waitFor({ state: 'visible' });
  const shown = (await c.status.textContent()) ?? '';
  t.diagnostic(`error shown: ${shown}`);
  // The script's own words (its last stderr line) and its exit code, not just "failed".
  assert.match(shown, /exited with code 3/);
  assert.match(shown, /the toolchain archive is missing/);
  await c.retry.waitFor({ state: 'visible' });
  assert.ok(await c.disabledInput.isVisible(), 'no message can be sent while the task is in error');
  await f.shot('chat-setup-error');

  // Fix the script in the repository, then Retry from the chat tab.
  writeFile(f.repoPath, '.foundry/setup.sh', FIXED);
  await c.retry.click();
  await waitForTreeDescription(page, PROMPT, IDLE);
  await c.enabledInput.waitFor({ state: 'visible' });
});
