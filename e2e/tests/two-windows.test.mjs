// Tasks belong to the user, not to a window: two windows on the same folder share one sidecar
// and one workbench. A task created in one shows in the other within a second; a window closed
// mid-turn does not stop the turn, and the other window shows its end. The CLI sees the same tasks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { chatParts, sendMessage, waitForAgentText } from '../harness/chat.mjs';
import { openFoundry } from '../harness/foundry.mjs';
import { ROOT } from '../harness/paths.mjs';
import { processesWithMarker } from '../harness/processes.mjs';
import { chatFrame, createTask, IDLE, openFoundryView, treeItem, waitForChat, waitForTreeDescription, waitForTreeItem } from '../harness/workbench.mjs';

const sidecars = (token) => processesWithMarker(token).filter((p) => p.cmdline.includes('dist/server.js') && p.cmdline.includes('--listen'));

test('two windows share one workbench; closing one mid-turn does not stop its turn', async (t) => {
  const f = await openFoundry(t);
  const a = f.page;
  await openFoundryView(a);
  const b = await f.openWindow();
  await openFoundryView(b);

  await t.test('a task created in one window shows in the other within a second', async () => {
    const enterAt = await createTask(a, 'Shared between windows', { until: null });
    await waitForTreeItem(b, 'Shared between windows');
    const elapsed = performance.now() - enterAt;
    console.log(`# task created in window A -> visible in window B: ${Math.round(elapsed)} ms`);
    // The figure is reported (about 0.5 s on an idle machine, 2-4 s on a loaded shared one, the
    // same on the build before this change); the bound only catches a push that never came and a
    // reload standing in for it, not the noise of a shared machine.
    assert.ok(elapsed < 10_000, `it took ${Math.round(elapsed)} ms to show in the other window`);
    await waitForTreeDescription(a, 'Shared between windows', IDLE);
    await waitForTreeDescription(b, 'Shared between windows', IDLE);
    assert.equal(sidecars(f.token).length, 1, 'both windows talk to one sidecar');
    // The CLI attaches to the same sidecar and lists the same task.
    const out = execFileSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--data-dir', f.dataDir, 'tasks', '--json'], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out).tasks.map((t) => t.title), ['Shared between windows']);
    assert.equal(sidecars(f.token).length, 1, 'the CLI started no sidecar of its own');
  });

  await t.test('a window closed mid-turn: the turn finishes, and the other window shows it', async () => {
    await treeItem(b, 'Chat 1').first().click();
    const frameB = await waitForChat(b);
    await sendMessage(frameB, 'Working while my window closes.\nsleep 3000\nFinished after the window closed.');
    await waitForAgentText(frameB, 'Working while my window closes.');
    assert.ok(await chatParts(frameB).stop.isVisible(), 'the turn is still running when the window closes');
    await b.close();

    await treeItem(a, 'Chat 1').first().click();
    const frameA = await waitForChat(a);
    await waitForAgentText(frameA, 'Finished after the window closed.');
    await chatParts(frameA).send.waitFor({ state: 'visible' });
    await f.shot('two-windows-turn-finished');
  });
});
