// A task on the Daytona provider as a user meets it in a real VS Code, against the loopback
// Daytona (test/fixtures/fakeDaytona.mjs) with the real @daytonaio/sdk in the sidecar and the real
// sandbox-agent in the sandbox: the key set from the palette, the task's row walking Daytona's
// stages (held at the setup script so the row can be seen there) to `Idle · Daytona · up …`, a
// chat in its tab whose write is allowed from the tab, its change under the task, and archive,
// which brings the uncommitted file home before the sandbox is deleted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeDaytona } from '../../test/fixtures/fakeDaytona.mjs';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { answerInput, createTask, editorTab, openFoundryView, openSessionFromTree, pickQuickItem, runCommand, treeItem, waitForChat, waitForTreeDescription, waitForTreeItem } from '../harness/workbench.mjs';
import { waitForFile } from '../../test/waitFor.mjs';

const PROMPT = 'Work in a Daytona sandbox';
// The setup script waits for a file the test writes into the sandbox's home (outside the
// repository, so neither is a change): the row is seen at that stage.
const SETUP = '#!/bin/sh\nwhile [ ! -f "$HOME/.e2e-go" ]; do sleep 0.1; done\necho set up in the sandbox > "$HOME/setup-done.txt"\n';

test('a Daytona task: its stages in the explorer, ready, a chat that edits in the sandbox, its change, archived home', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'foundry-e2e-daytona-'));
  const fake = await startFakeDaytona({ root });
  t.after(async () => {
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  });
  const f = await openFoundry(t, {
    setupScript: SETUP,
    settings: { 'foundry.provider': 'daytona', 'foundry.daytona.apiUrl': fake.apiUrl, 'foundry.daytona.target': fake.target },
  });
  const { page } = f;
  const box = () => fake.sandboxes().find((s) => s.labels['foundry.task']);

  await t.test('with the key set from the palette, the task walks the Daytona stages to idle', async () => {
    await openFoundryView(page);
    await runCommand(page, 'Foundry: Set Daytona API Key');
    await answerInput(page, 'Daytona API key', fake.apiKey);
    await createTask(page, PROMPT, { branch: 'e2e/daytona', until: /Running setup script/ });
    await f.shot('daytona-setup-stage');
    writeFileSync(join(box().home, '.e2e-go'), '');
    await waitForTreeDescription(page, PROMPT, /^Idle · Daytona · up/, { timeout: 60_000 });
    assert.equal(fake.sandboxes().length, 1, 'one sandbox');
    assert.equal(readFileSync(join(box().home, 'setup-done.txt'), 'utf8'), 'set up in the sandbox\n');
    await f.shot('daytona-idle');
  });

  await t.test('a chat in its tab: the write is allowed from the tab and lands in the sandbox; the change shows under the task', async () => {
    await openSessionFromTree(page, 'Chat 1');
    const frame = await waitForChat(page);
    const c = chatParts(frame);
    await sendMessage(frame, 'write notes/remote.txt\nmade in the sandbox\nend\nThe note is written.');
    await c.permissionOptions.filter({ hasText: 'Allow once' }).click({ timeout: 60_000 });
    await waitForAgentText(frame, 'The note is written.', { timeout: 60_000 });
    await waitForFile(join(box().home, 'repo', 'notes', 'remote.txt'));
    assert.equal(readFileSync(join(box().home, 'repo', 'notes', 'remote.txt'), 'utf8'), 'made in the sandbox\n');
    await waitForTreeDescription(page, PROMPT, /^\+\d+ -\d+ · Daytona · up/, { timeout: 60_000 });
    await treeItem(page, /^Changes/).first().click();
    await waitForTreeItem(page, 'remote.txt');
    // Its diff opens in VS Code's diff editor, both sides read from the sandbox through the sidecar.
    await treeItem(page, 'remote.txt').first().click();
    await editorTab(page, 'remote.txt (Base ↔ Sandbox)').waitFor({ state: 'visible' });
    await page.locator('.monaco-diff-editor .modified .view-lines', { hasText: 'made in the sandbox' }).waitFor({ state: 'visible' });
    await f.shot('daytona-chat-change');
  });

  await t.test('archive brings the uncommitted file into the local repository, then deletes the sandbox', async () => {
    await runCommand(page, 'Foundry: Archive Task');
    await pickQuickItem(page, PROMPT);
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Archive' }).click();
    await waitForTreeItem(page, 'Archived', { timeout: 60_000 });
    await treeItem(page, 'Archived').first().click();
    await waitForTreeDescription(page, PROMPT, 'Archived');
    assert.equal(fake.sandboxes().length, 0, 'the sandbox is deleted');
    const ref = execFileSync('git', ['-C', f.repoPath, 'for-each-ref', '--format=%(refname)', 'refs/foundry/archive/'], { encoding: 'utf8' }).trim();
    assert.ok(ref, 'the archive snapshot ref');
    assert.equal(execFileSync('git', ['-C', f.repoPath, 'show', `${ref}:notes/remote.txt`], { encoding: 'utf8' }), 'made in the sandbox\n');
  });
});
