// The real Claude Code and Codex (the pinned ACP adapters) in a real VS Code, against the loopback
// fake model (test/fixtures/fakeModel): a permission answered from the chat tab with Claude's own
// options writes the file into the task's worktree; one answered from the Attention view does too;
// a message sent during a turn waits in the queue and goes after it; Stop ends a streaming turn;
// "Continue with…" hands the conversation to Codex, whose new tab gets the digest and a reply.
// The agents get their settings through `foundry.agents` and their keys from the environment the
// sidecar inherits; the fake model's request log shows what each agent sent.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeModel } from '../../test/fixtures/fakeModel/server.mjs';
import { fakeModelSetup } from '../../test/fixtures/realAgentSetup.mjs';
import { chatParts, continueWith, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { PINNED_AGENTS_DIR } from '../harness/paths.mjs';
import {
  attentionItem,
  attentionOptions,
  createTask,
  editorTab,
  foundryBadge,
  foundryView,
  openFoundryView,
  openSessionFromTree,
  waitForChat,
  waitForTreeDescription,
} from '../harness/workbench.mjs';
import { worktreeOf } from '../harness/worktrees.mjs';

/** Claude Code's own permission options, as its tab and the Attention view show them. */
const CLAUDE_OPTIONS = ['Always Allow', 'Allow', 'Reject'];
/** Real agents take longer than the demo agent: a cold start, then the model round trips. */
const TURN = { timeout: 90_000 };
const exactly = (label) => new RegExp(`^\\s*${label}\\s*$`);

test('real Claude Code and Codex in VS Code: permissions, the queue, Stop and Continue with…', async (t) => {
  // A missing agent fails the file: it exists to run the real ones.
  const installed = existsSync(PINNED_AGENTS_DIR) ? readdirSync(PINNED_AGENTS_DIR) : [];
  for (const id of ['claude', 'codex']) {
    assert.ok(installed.some((d) => d.startsWith(`${id}@`)), `the pinned ${id} is installed in ${PINNED_AGENTS_DIR} (scripts/setup.sh --install-agents)`);
  }
  const model = await startFakeModel();
  const homes = mkdtempSync(join(tmpdir(), 'foundry-e2e-agents-'));
  t.after(async () => {
    await model.close();
    rmSync(homes, { recursive: true, force: true });
  });
  const claude = fakeModelSetup('claude', model.url, join(homes, 'claude'));
  const codex = fakeModelSetup('codex', model.url, join(homes, 'codex'));
  const f = await openFoundry(t, {
    settings: {
      'foundry.defaultAgent': 'claude',
      // No idle stop between the steps: each subtest talks to the running agent.
      'foundry.agentIdleStopSeconds': 600,
      'foundry.agents': { claude: { env: claude.env }, codex: { env: codex.env } },
    },
    env: {
      FOUNDRY_AGENTS_DIR: PINNED_AGENTS_DIR,
      [claude.keyVar]: 'fake-key-claude-e2e-0123456789',
      [codex.keyVar]: 'fake-key-codex-e2e-0123456789',
    },
  });
  const { page } = f;
  await openFoundryView(page);

  const prompt = 'Say hello, Claude';
  const branch = 'e2e/real-claude';
  await createTask(page, prompt, { branch, until: null });
  await openSessionFromTree(page, 'Chat 1');
  const frame = await waitForChat(page);
  const c = chatParts(frame);
  await waitForAgentText(frame, `Echo: ${prompt}`, TURN);
  await c.stop.waitFor({ state: 'hidden', ...TURN });
  const worktree = worktreeOf(f.repoPath, branch);

  await t.test("a permission answered in the chat tab with Claude's own option writes the file", async () => {
    await sendMessage(frame, 'WRITE notes/claude.txt written by Claude Code');
    await c.permission.waitFor({ state: 'visible', ...TURN });
    assert.deepEqual((await c.permissionOptions.allTextContents()).map((s) => s.trim()), CLAUDE_OPTIONS);
    await c.status.filter({ hasText: 'The agent asks for permission.' }).waitFor({ state: 'visible' });
    await waitForTreeDescription(page, 'Chat 1', 'Needs input');
    assert.equal(existsSync(join(worktree, 'notes/claude.txt')), false, 'nothing written before the answer');
    await f.shot('real-claude-permission');

    await c.permissionOptions.filter({ hasText: exactly('Allow') }).click();
    await c.permission.waitFor({ state: 'hidden' });
    await waitForAgentText(frame, 'Finished.', TURN);
    assert.equal(readFileSync(join(worktree, 'notes/claude.txt'), 'utf8').trim(), 'written by Claude Code');
  });

  await t.test('a message sent during a turn waits in the queue and goes once the turn ends', async () => {
    // The turn waits on a permission answer, so it is surely running while the next message is sent.
    await c.stop.waitFor({ state: 'hidden', ...TURN });
    await sendMessage(frame, 'WRITE notes/refused.txt never written');
    await c.permission.waitFor({ state: 'visible', ...TURN });
    await c.input.fill('A queued question');
    await c.send.click();
    await c.queued.filter({ hasText: 'A queued question' }).waitFor({ state: 'visible' });
    assert.equal(await c.userMessages.filter({ hasText: 'A queued question' }).count(), 0, 'not sent while the turn runs');
    assert.equal(model.requests.filter((r) => r.text.includes('A queued question')).length, 0, 'the model has not seen it');

    await c.permissionOptions.filter({ hasText: exactly('Reject') }).click();
    await c.userMessages.filter({ hasText: 'A queued question' }).waitFor({ state: 'visible', ...TURN });
    await waitForAgentText(frame, 'Echo: A queued question', TURN);
    await c.queue.waitFor({ state: 'hidden' });
    assert.equal(existsSync(join(worktree, 'notes/refused.txt')), false, 'rejected: nothing written');
  });

  await t.test('Stop ends a streaming turn and the tab shows it stopped', async () => {
    await c.stop.waitFor({ state: 'hidden', ...TURN });
    await sendMessage(frame, 'SLOW please');
    await waitForAgentText(frame, 'slow chunk 2.', TURN);
    await c.stop.click();
    await c.notices.filter({ hasText: 'Turn cancelled.' }).waitFor({ state: 'visible', ...TURN });
    await c.stop.waitFor({ state: 'hidden' });
    await c.status.filter({ hasText: 'The agent is working' }).waitFor({ state: 'hidden' });
    assert.equal(await c.agentMessages.filter({ hasText: 'slow chunk 60.' }).count(), 0, 'the reply did not run to its end');
  });

  await t.test('a permission answered from the Attention view writes the file', async () => {
    // The task's first message asks at once; no tab shows this task's session.
    const title = 'WRITE notes/attention.txt from the view';
    const other = 'e2e/real-attention';
    await createTask(page, title, { branch: other, until: null });
    const item = attentionItem(page, `Chat 1 — ${title}`);
    await item.filter({ hasText: 'Needs input' }).waitFor({ state: 'visible', ...TURN });
    const options = attentionOptions(page, 'Chat 1', title);
    await options.first().waitFor({ state: 'visible' });
    assert.deepEqual(await options.allInnerTexts(), CLAUDE_OPTIONS, "Claude's own options, in its order");
    await foundryBadge(page).filter({ hasText: /^1$/ }).waitFor({ state: 'visible' });
    await f.shot('real-claude-attention');

    await options.filter({ hasText: exactly('Allow') }).click();
    // The turn ends with no tab watching: the session comes back as unread.
    await item.filter({ hasText: 'Unread' }).waitFor({ state: 'visible', ...TURN });
    assert.equal(await attentionOptions(page, 'Chat 1', title).count(), 0, 'the request is gone from the view');
    assert.equal(readFileSync(join(worktreeOf(f.repoPath, other), 'notes/attention.txt'), 'utf8').trim(), 'from the view');
    await item.click();
    await item.waitFor({ state: 'detached' });
    await foundryView(page).getByText('Nothing needs you.').waitFor({ state: 'visible' });
  });

  await t.test('"Continue with…" Codex opens a new tab that gets the digest and a reply from Codex', async () => {
    await editorTab(page, 'Chat 1').first().click();
    const back = chatParts(await waitForChat(page));
    await back.stop.waitFor({ state: 'hidden' });
    const from = model.requests.length;
    const { frame: next, digest: text } = await continueWith(page, back, 'Codex', TURN);
    assert.match(text, /A queued question/, "the earlier user's messages");
    assert.match(text, /Echo: A queued question/, "Claude's answers");
    assert.match(text, /- notes\/claude\.txt/, 'the files changed');
    assert.doesNotMatch(text, /- notes\/refused\.txt/, 'not the write the user rejected');
    await waitForAgentText(next, 'Echo: Continue from here.', TURN);
    await f.shot('real-codex-handoff');

    // Codex, not Claude Code, got it: its first request (OpenAI Responses) carries the digest.
    const first = model.requests.slice(from).find((r) => r.text.includes('You are continuing a conversation'));
    assert.equal(first?.protocol, 'responses', `the digest went to Codex: ${model.requests.slice(from).map((r) => `${r.path} ${r.protocol}`).join(', ')}`);
    assert.ok(first.text.includes('notes/claude.txt'), 'with the files changed');
  });
});
