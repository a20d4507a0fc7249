// The agent asks permission in the chat tab: the user sees its title and the agent's own options,
// clicks one, the prompt goes away, and the agent's reply names the chosen option.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import {
  createTask,
  openFoundryView,
  openSessionFromTree,
  waitForChat,
  waitForTreeDescription,
} from '../harness/workbench.mjs';

const PROMPT = 'Ask before running the tests';

test('the user answers a permission request in the chat tab with the agent option it offers', async (t) => {
  const f = await openFoundry(t);
  const { page } = f;
  await openFoundryView(page);
  await createTask(page, PROMPT, { branch: 'e2e/permission' });
  await openSessionFromTree(page, 'Chat 1');
  const frame = await waitForChat(page);
  const c = chatParts(frame);

  await sendMessage(frame, 'permission Run the test suite\nAll tests ran.');
  await c.permission.filter({ hasText: 'Run the test suite' }).waitFor({ state: 'visible' });
  assert.deepEqual((await c.permissionOptions.allTextContents()).map((s) => s.trim()), ['Allow once', 'Always allow', 'Reject']);
  await c.status.filter({ hasText: 'The agent asks for permission.' }).waitFor({ state: 'visible' });
  await waitForTreeDescription(page, 'Chat 1', 'Needs input');
  await f.shot('chat-permission');

  await c.permissionOptions.filter({ hasText: 'Allow once' }).click();
  await c.permission.waitFor({ state: 'hidden' });
  await waitForAgentText(frame, 'permission: allow_once');
  await waitForAgentText(frame, 'All tests ran.');
  await c.stop.waitFor({ state: 'hidden' });
  assert.equal(await c.permissionOptions.count(), 0, 'the buttons are gone once answered');
});
