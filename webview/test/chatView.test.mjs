// The chat tab as a user sees it, in a real Chromium page: the real bundle under the real CSP
// (webview/test/chatPage.mjs), fed panel messages, checked through the DOM and what it posts back.
// Run: node --test webview/test/*.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { browserMissing, launchChromium, openChat, theme } from './chatPage.mjs';
import { WORKTREE, chunk, commands, done, ev, plan, prompt, readyState, sessionEvents, thought, tool, usage } from './chatEvents.mjs';

const skip = browserMissing;
let browser;
before(async () => {
  if (!skip) browser = await launchChromium();
});
after(() => browser?.close());

/** A tab showing `events` from a snapshot; checks on close that nothing was fetched and the CSP held. */
async function tab(t, events, state = readyState()) {
  const chat = await openChat(browser);
  t.after(async () => {
    const violations = (await chat.violations()).filter((v) => v !== 'script-src eval'); // zod's caught probe for eval
    await chat.close();
    assert.deepEqual(violations, [], 'the tab works under its CSP');
    assert.deepEqual(chat.blocked, [], 'the tab requested nothing from outside');
    assert.deepEqual(chat.errors, [], 'no script errors');
  });
  await chat.send({ type: 'snapshot', state, events });
  await chat.page.waitForFunction(() => document.querySelector('.placeholder')?.textContent !== 'Loading transcript...');
  return chat;
}

const color = (page, selector, property = 'color') => page.$eval(selector, (el, p) => getComputedStyle(el)[p], property);

test('code blocks are highlighted in theme colours and still sanitised', { skip }, async (t) => {
  const chat = await tab(t, [
    prompt(1, 0, 'show me'),
    chunk(2, 'Like this:\n\n```ts\nconst ok = "yes"; // note\nreturn 42;\n```\n\n<img src="https://evil.example/x.png"> and ![y](https://evil.example/y.png)'),
  ]);
  const { page } = chat;
  assert.equal(await page.textContent('.hl-keyword'), 'const');
  assert.equal(await color(page, '.hl-keyword'), theme['--vscode-debugTokenExpression-name']);
  assert.equal(await color(page, '.hl-string'), theme['--vscode-debugTokenExpression-string']);
  assert.equal(await color(page, '.hl-number'), theme['--vscode-debugTokenExpression-number']);
  assert.equal(await color(page, '.hl-comment'), theme['--vscode-descriptionForeground']);
  assert.equal(await page.$$eval('[data-role="agent"] img', (imgs) => imgs.length), 0, 'no image from the agent text');
  assert.equal(await page.textContent('[data-role="agent"] .remote-image'), 'y');
});

test('a tool call shows its kind, status, title and files; a file click asks the panel to open it', { skip }, async (t) => {
  const path = `${WORKTREE}/src/parser.ts`;
  const chat = await tab(t, [
    prompt(1, 0, 'fix it'),
    tool(2, { toolCallId: 'c1', title: 'Edit src/parser.ts', kind: 'edit', status: 'pending', locations: [{ path, line: 42 }, { path: '/etc/hosts' }] }),
  ]);
  const { page } = chat;
  const row = page.locator('[data-role="tool"]');
  assert.equal(await row.locator('.title').textContent(), 'Edit src/parser.ts');
  assert.equal(await row.locator('.tool-meta').textContent(), 'edit · pending');
  assert.deepEqual(await row.locator('.location').allTextContents(), ['src/parser.ts:42', '/etc/hosts'], 'paths in the worktree show relative to it');

  await chat.send({ type: 'events', events: [tool(3, { toolCallId: 'c1', status: 'completed' })] });
  await page.waitForSelector('[data-role="tool"][data-status="completed"]');
  assert.equal(await row.locator('.tool-meta').textContent(), 'edit · done');

  await row.locator('.location').first().click();
  await row.locator('.location').nth(1).focus();
  await page.keyboard.press('Enter');
  const requests = (await chat.posted()).filter((m) => m.type === 'request').map((m) => m.request);
  assert.deepEqual(requests, [
    { action: 'openFile', path, line: 42 },
    { action: 'openFile', path: '/etc/hosts' },
  ]);
  // The panel refuses the second (outside the worktree): the reason shows in the composer.
  const second = (await chat.posted()).filter((m) => m.type === 'request').at(-1);
  await chat.send({ type: 'reply', requestId: second.requestId, error: "Cannot open /etc/hosts: it is outside the task's worktree." });
  await page.waitForSelector('[data-role="status"][data-tone="error"]');
  assert.match(await page.textContent('[data-role="status"]'), /outside the task's worktree/);
});

test('diffs show +/- lines; a long one starts collapsed and "Show more" opens it, which a status update keeps', { skip }, async (t) => {
  const path = `${WORKTREE}/src/big.ts`;
  const old = Array.from({ length: 80 }, (_, i) => `line ${i}`).join('\n');
  const changed = old.replace('line 10', 'line ten').replace('line 40', 'line forty').replace('line 70', 'line seventy');
  const chat = await tab(t, [
    prompt(1, 0, 'edit'),
    tool(2, {
      toolCallId: 'c1',
      title: 'Edit two files',
      kind: 'edit',
      status: 'in_progress',
      content: [
        { type: 'diff', path: `${WORKTREE}/src/small.ts`, oldText: 'a\nb\nc\n', newText: 'a\nB\nc\nd\n' },
        { type: 'diff', path, oldText: old, newText: changed },
      ],
    }),
  ]);
  const { page } = chat;
  const [small, big] = [page.locator('[data-role="diff"]').first(), page.locator('[data-role="diff"]').nth(1)];
  assert.deepEqual(
    await small.locator('.diff-line').evaluateAll((rows) => rows.map((r) => (r.dataset.op === '@' ? '' : r.dataset.op) + r.querySelector('.diff-text').textContent)),
    ['@@ -1,3 +1,4 @@', ' a', '-b', '+B', ' c', '+d'],
  );
  assert.deepEqual(await small.locator('.diff-stat').allTextContents(), ['+2', '−1']);
  assert.equal(await color(page, '[data-role="diff"] .diff-line[data-op="+"]', 'backgroundColor'), theme['--vscode-diffEditor-insertedLineBackground']);
  assert.equal(await color(page, '[data-role="diff"] .diff-line[data-op="-"]', 'backgroundColor'), theme['--vscode-diffEditor-removedLineBackground']);
  assert.equal(await small.locator('.diff-toggle').count(), 0, 'a short diff has no toggle');

  // 3 hunks of 7 lines + 3 headers = 27 rows: over the limit, 16 shown.
  assert.equal(await big.locator('.diff-line').count(), 16);
  assert.equal(await big.locator('.diff-toggle').textContent(), 'Show 11 more lines');
  await big.locator('.diff-toggle').click();
  assert.equal(await big.locator('.diff-line').count(), 27);
  assert.equal(await big.locator('.diff-toggle').getAttribute('aria-expanded'), 'true');
  await chat.send({ type: 'events', events: [tool(3, { toolCallId: 'c1', status: 'completed' })] });
  await page.waitForSelector('[data-role="tool"][data-status="completed"]');
  assert.equal(await big.locator('.diff-line').count(), 27, 'still open after the status changed');
  await big.locator('.diff-path').click();
  const last = (await chat.posted()).filter((m) => m.type === 'request').at(-1).request;
  assert.deepEqual(last, { action: 'openFile', path, line: 8 }, "the diff's file opens at its first hunk");
});

test('plan updates replace the checklist; thoughts start collapsed and stay as the user left them', { skip }, async (t) => {
  const entry = (content, status) => ({ content, status, priority: 'medium' });
  const chat = await tab(t, [
    prompt(1, 0, 'go'),
    thought(2, 'First I should '),
    plan(3, [entry('Read', 'in_progress'), entry('Fix', 'pending'), entry('Test', 'pending')]),
  ]);
  const { page } = chat;
  assert.equal(await page.$eval('[data-role="thought"]', (d) => d.open), false, 'collapsed');
  assert.equal(await page.isVisible('[data-role="thought"] .body'), false);
  await page.click('[data-role="thought"] summary');
  await chat.send({ type: 'events', events: [plan(4, [entry('Fix', 'completed'), entry('Test', 'in_progress')]), thought(5, 'read the file.')] });
  await page.waitForFunction(() => document.querySelectorAll('[data-role="plan"] li').length === 2);
  assert.deepEqual(
    await page.$$eval('[data-role="plan"] li', (lis) => lis.map((li) => `${li.dataset.status}:${li.textContent}`)),
    ['completed:Fix', 'in_progress:Test'],
  );
  assert.equal(await page.locator('[data-role="plan"]').count(), 1, 'one checklist, updated in place');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-role="thought"]')].at(-1).textContent.includes('read the file'));
  assert.equal(await page.locator('[data-role="thought"]').count(), 2, 'a thought after the plan is a new one');
  assert.equal(await page.$eval('[data-role="thought"]', (d) => d.open), true, 'the one the user opened stays open');
});

test('token usage and cost: a line at the end of the turn and the context window in the header', { skip }, async (t) => {
  const chat = await tab(t, [
    prompt(1, 0, 'go'),
    chunk(2, 'done'),
    usage(3, 45_000, { amount: 0.12, currency: 'USD' }),
    done(4, 0, { stopReason: 'end_turn', usage: { totalTokens: 1500, inputTokens: 1200, outputTokens: 300 } }),
  ]);
  const { page } = chat;
  assert.equal(await page.textContent('[data-role="turn-end"] .turn-usage'), '1.5k tokens');
  assert.match(await page.getAttribute('[data-role="turn-end"] .turn-usage', 'title'), /Input: 1,200\nOutput: 300/);
  assert.equal(await page.textContent('[data-role="turn-end"] .turn-context'), '45k / 200k tokens (23%) · $0.12');
  assert.equal(await page.textContent('[data-role="usage"]'), '45k / 200k tokens (23%) · $0.12');
  await chat.send({ type: 'events', events: [usage(5, 60_000, { amount: 0.2, currency: 'USD' })] });
  await page.waitForFunction(() => document.querySelector('[data-role="usage"]').textContent.startsWith('60k'));
  assert.equal(await page.textContent('[data-role="turn-end"] .turn-context'), '60k / 200k tokens (30%) · $0.20', 'a late update belongs to the turn that ended');
});

test('user messages and turn ends show a subtle time, the full date in the tooltip', { skip }, async (t) => {
  const at = Date.UTC(2025, 6, 4, 14, 5, 9);
  const chat = await tab(t, [ev(1, 'client', prompt(1, 0, 'hello').payload, at), ev(2, 'agent', done(2, 0).payload, at + 61_000)]);
  const { page } = chat;
  const stamps = await page.$$eval('time.stamp', (els) => els.map((e) => [e.closest('[data-role]').dataset.role, e.textContent, e.title, e.getAttribute('datetime')]));
  assert.deepEqual(stamps, [
    ['user', 'Jul 4, 2025, 02:05 PM', 'Friday, July 4, 2025 at 2:05:09 PM', '2025-07-04T14:05:09.000Z'],
    ['turn-end', 'Jul 4, 2025, 02:06 PM', 'Friday, July 4, 2025 at 2:06:10 PM', '2025-07-04T14:06:10.000Z'],
  ]);
});

test('slash commands complete in the composer: / lists them, typing filters, arrows pick, Enter/Tab complete, Escape closes', { skip }, async (t) => {
  const chat = await tab(t, [
    commands(1, [
      { name: 'plan', description: 'Make a plan', input: { hint: 'what to plan' } },
      { name: 'review', description: 'Review the changes' },
      { name: 'replan', description: 'Plan again' },
    ]),
  ]);
  const { page } = chat;
  const box = page.locator('textarea[aria-label="Message"]');
  const menu = page.locator('[data-role="slash-menu"]');
  const options = () => menu.locator('[role="option"]').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-selected') === 'true' ? '>' : ' ') + e.dataset.name));
  const announced = () => page.textContent('[data-role="composer"] .sr-only[role="status"]');
  await box.focus();
  await page.keyboard.type('/');
  await menu.waitFor({ state: 'visible' });
  assert.deepEqual(await options(), ['>plan', ' review', ' replan']);
  assert.match(await announced(), /\/plan: Make a plan \(1 of 3\)/);
  await page.keyboard.type('re');
  assert.deepEqual(await options(), ['>review', ' replan']);
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await options(), [' review', '>replan']);
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await options(), ['>review', ' replan'], 'wraps around');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  assert.equal(await box.inputValue(), '/replan ');
  assert.equal(await menu.isVisible(), false);
  await page.keyboard.type('now');
  assert.equal(await box.inputValue(), '/replan now', 'the caret went after the completion');
  assert.equal((await chat.posted()).filter((m) => m.type === 'request').length, 0, 'Enter completed, it did not send');

  await box.fill('');
  await page.keyboard.type('/p');
  await page.keyboard.press('Tab');
  assert.equal(await box.inputValue(), '/plan ');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'VSCODE-TEXTAREA', 'Tab completed and kept the focus');

  await box.fill('');
  await page.keyboard.type('/');
  await menu.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  assert.equal(await menu.isVisible(), false);
  await page.keyboard.press('Enter');
  const sent = (await chat.posted()).filter((m) => m.type === 'request').map((m) => m.request);
  assert.deepEqual(sent, [{ action: 'send', text: '/' }], 'with the menu closed, Enter sends as always');
});

test('5,000 events: only the last items render; scrolling up renders older ones in place; appends touch only what changed', { skip }, async (t) => {
  const events = sessionEvents(5000);
  const chat = await tab(t, events);
  const { page } = chat;
  const info = () =>
    page.evaluate(() => {
      const log = document.getElementById('transcript');
      return { rendered: log.querySelectorAll(':scope > [data-role]:not([data-role="earlier"])').length, earlier: log.querySelector('[data-role="earlier"]').textContent };
    });
  const first = await info();
  assert.equal(first.rendered, 80, 'a window of the last 80 items (initialItems in transcriptView.ts)');
  const hidden = Number(/\((\d+) more\)/.exec(first.earlier)[1]);
  assert.ok(hidden > 500, `most of the history waits: ${first.earlier}`);
  assert.ok(await page.evaluate(() => { const l = document.getElementById('transcript'); return l.scrollHeight - l.scrollTop - l.clientHeight < 8; }), 'opened at the bottom');

  // Mark every rendered element; an append must keep them all, changing only the growing message.
  await page.evaluate(() => document.querySelectorAll('#transcript > [data-role]').forEach((el, i) => (el.__mark = i)));
  const lastSeq = events.at(-1).seq;
  await chat.send({ type: 'events', events: [prompt(lastSeq + 1, 9999, 'one more'), chunk(lastSeq + 2, 'appended reply', 'msg-new')] });
  await page.waitForFunction(() => [...document.querySelectorAll('#transcript > [data-role="agent"]')].at(-1).textContent.includes('appended reply'));
  const kept = await page.evaluate(() => [...document.querySelectorAll('#transcript > [data-role]')].map((el) => el.__mark));
  assert.deepEqual(kept.slice(0, 81), Array.from({ length: 81 }, (_, i) => i), 'every element already shown is the same node');
  assert.deepEqual(kept.slice(81), [undefined, undefined], 'the two new items are new nodes');

  // Scroll to the top: the next page renders above, and what was on screen stays where it was.
  const anchor = await page.evaluate(() => {
    const log = document.getElementById('transcript');
    const el = log.querySelector(':scope > [data-role]:not([data-role="earlier"])');
    el.__anchor = true;
    log.scrollTop = 0;
    return el.getBoundingClientRect().top;
  });
  await page.waitForFunction((n) => document.querySelectorAll('#transcript > [data-role]:not([data-role="earlier"])').length > n, first.rendered + 2);
  const after = await page.evaluate(() => {
    const log = document.getElementById('transcript');
    const el = [...log.children].find((c) => c.__anchor);
    return { top: el.getBoundingClientRect().top, rendered: log.querySelectorAll(':scope > [data-role]:not([data-role="earlier"])').length, scrollTop: log.scrollTop };
  });
  assert.ok(after.rendered >= first.rendered + 2 + 50, `a page of 50 more (pageItems): ${after.rendered}`);
  assert.ok(Math.abs(after.top - anchor) < 2, `the first item stayed put: ${anchor} -> ${after.top}`);
  assert.ok(after.scrollTop > 0);

  // The button does the same for keyboard users: focused, Enter renders the next page. (Not a mouse
  // click: scrolled into view at the top, the button makes the next page render above it and moves
  // away from under the pointer, again and again while the machine is slow.)
  const before = after.rendered;
  await page.locator('[data-role="earlier"]').press('Enter');
  assert.ok((await info()).rendered >= before + 50);
});
