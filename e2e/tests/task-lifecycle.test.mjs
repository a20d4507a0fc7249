// A task's life as a user meets it in a real VS Code: created from the palette and in the tree at
// once while its setup script is held; a second tab opened while it provisions (composer disabled,
// then enabled); released to idle; a streamed reply; Stop and send again; a window reload that
// keeps tasks, tabs and drafts. The steps share one window, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { gatedSetupScript } from '../harness/gates.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { readTraffic } from '../harness/traffic.mjs';
import {
  chatFrame,
  createTask,
  editorTab,
  foundryView,
  IDLE,
  openFoundryView,
  pickQuickItem,
  runCommand,
  treeItem,
  waitForChat,
  waitForTreeDescription,
  waitForTreeItem,
} from '../harness/workbench.mjs';

const PROMPT = 'Say hello from the held task';
const BRANCH = 'e2e/held';

test('a task from the palette: instant in the tree, tabs, streaming, stop, reload', async (t) => {
  const f = await openFoundry(t, {
    setupScript: gatedSetupScript(),
    // Slow chunks make streaming visible to the eye and to the test alike.
    env: { FOUNDRY_DEMO_CHUNK_DELAY_MS: '60' },
  });
  const { page } = f;

  await t.test('the new task is in the tree while its setup script is still held', async () => {
    await openFoundryView(page);
    // The welcome's "Create Task" shows once the sidecar runs: what a user sees before creating.
    await foundryView(page).getByRole('button', { name: 'Create Task' }).waitFor({ state: 'visible' });
    const enterAt = await createTask(page, PROMPT, { branch: BRANCH, until: null });
    const elapsed = performance.now() - enterAt;
    const enterEpoch = Math.round(performance.timeOrigin + enterAt);
    t.diagnostic(`task visible in the tree ${Math.round(elapsed)} ms after Enter`);
    // Where the time went, from the extension's traffic log (ms after Enter).
    const steps = readTraffic(f.trafficLog)
      .filter((m) => m.at >= enterEpoch && /addRepo|createTask|workbenchUpdated|response/.test(m.method))
      .slice(0, 6)
      .map((m) => `${m.direction} ${m.method} +${m.at - enterEpoch}`);
    t.diagnostic(`messages after Enter: ${steps.join(', ')}`);
    console.log(`# create task -> tree item: ${Math.round(elapsed)} ms`);
    // The figure is reported, not bounded (a shared machine's noise moved it past 1 s on an
    // unchanged build): what must hold is that the task showed before provisioning could finish,
    // since its setup script waits at a gate the test alone releases.

    // Provisioning is certainly still running: the setup script is waiting at its gate.
    await f.gates.waitUntilHeld(BRANCH);
    await waitForTreeDescription(page, PROMPT, 'Creating worktree');
    assert.ok(f.gates.isHeld(BRANCH));
    await f.shot('explorer-provisioning');
  });

  await t.test('a second tab opened while the task provisions says so, and its composer already takes messages (they queue)', async () => {
    await runCommand(page, 'Foundry: New Session');
    await pickQuickItem(page, PROMPT);
    await editorTab(page, 'Chat 2').waitFor({ state: 'visible' });
    const frame = await waitForChat(page);
    const c = chatParts(frame);
    await c.status.filter({ hasText: 'Preparing environment' }).waitFor({ state: 'visible' });
    await frame.locator('.status-detail', { hasText: 'wait in the queue' }).waitFor({ state: 'visible' });
    assert.ok(await c.enabledInput.isVisible(), 'the box takes text while the task provisions');
    assert.ok(f.gates.isHeld(BRANCH), 'the setup script is still held');

    f.gates.release(BRANCH);
    await c.status.filter({ hasText: 'Preparing environment' }).waitFor({ state: 'hidden' });
  });

  await t.test('released, the task reaches idle', async () => {
    const row = await waitForTreeDescription(page, PROMPT, IDLE);
    t.diagnostic(`task row: ${(await row.textContent())?.trim()}`);
    await f.shot('explorer-idle');
  });

  await t.test('a reply streams in: part of it shows before the turn ends, then all of it', async () => {
    const frame = chatFrame(page);
    const c = chatParts(frame);
    await sendMessage(frame, 'First part of the reply.\nsleep 2500\nSecond part of the reply.');
    await waitForAgentText(frame, 'First part of the reply.');
    // The turn is still running: Stop is offered and the rest has not arrived.
    assert.ok(await c.stop.isVisible(), 'Stop is shown while the turn runs');
    assert.equal(await c.agentMessages.filter({ hasText: 'Second part of the reply.' }).count(), 0);
    await waitForAgentText(frame, 'Second part of the reply.');
    await c.stop.waitFor({ state: 'hidden' });
    await f.shot('chat-tab');
  });

  await t.test('Stop ends a long turn, and the next message gets its reply', async () => {
    const frame = chatFrame(page);
    const c = chatParts(frame);
    const cancelled = c.notices.filter({ hasText: 'Turn cancelled.' });
    assert.equal(await cancelled.count(), 0, 'no turn was cancelled before');
    await sendMessage(frame, 'Starting a long job.\nsleep 60000');
    await waitForAgentText(frame, 'Starting a long job.');
    await c.stop.click();
    // The transcript records the turn as cancelled (not as finished or failed).
    await cancelled.waitFor({ state: 'visible' });
    await c.stop.waitFor({ state: 'hidden' });
    await sendMessage(frame, 'Back after the stop.');
    await waitForAgentText(frame, 'Back after the stop.');
    assert.equal(await cancelled.count(), 1, 'exactly the stopped turn shows as cancelled');
  });

  await t.test('after a window reload the task, the open tabs and the unsent draft are still there', async () => {
    const draft = 'An unsent draft that must survive a reload';
    let c = chatParts(chatFrame(page));
    await c.input.fill(draft);
    // The composer marks the draft once the extension has stored it; reload only then.
    await c.draftSaved.waitFor({ state: 'attached' });

    await f.reload();
    await openFoundryView(page);
    await waitForTreeItem(page, PROMPT);
    await waitForTreeDescription(page, PROMPT, IDLE);
    await editorTab(page, 'Chat 2').waitFor({ state: 'visible' });
    const frame = await waitForChat(page);
    c = chatParts(frame);
    await waitForAgentText(frame, 'Second part of the reply.');
    await c.enabledInput.waitFor({ state: 'visible' });
    // The composer carries the mark again once it has put the stored draft back in the box.
    await c.draftSaved.waitFor({ state: 'attached' });
    assert.equal(await c.input.inputValue(), draft, 'the unsent draft is back in the composer');
    assert.equal(await treeItem(page, PROMPT).count(), 1, 'the reload lists the task once');
  });
});
