// Chat tab rendering with a long transcript: the real webview bundle in headless Chromium
// (webview/test/chatPage.mjs), fed a snapshot of BENCH_CHAT_EVENTS realistic transcript events
// (webview/test/chatEvents.mjs), then single-event appends as a streaming turn sends them.
// Prints figures only. Run: `BENCH_ONLY=chat npm run bench`, or `node bench/chatRender.mjs` after a build.
import { pathToFileURL } from 'node:url';
import { browserMissing, launchChromium, openChat } from '../webview/test/chatPage.mjs';
import { chunk, prompt, sessionEvents, readyState, tool } from '../webview/test/chatEvents.mjs';
import { knob, log, ms, percentile, table } from './stats.mjs';

const EVENTS = knob('BENCH_CHAT_EVENTS', 5000);
const APPENDS = knob('BENCH_CHAT_APPENDS', 300);
const SNAPSHOTS = knob('BENCH_CHAT_SNAPSHOTS', 5);
const SHORT = 500;

export async function chatRender() {
  if (browserMissing) {
    log(`chat render: skipped, ${browserMissing}`);
    return;
  }
  const events = sessionEvents(EVENTS);
  log(`chat render: ${events.length} events (${(JSON.stringify(events).length / 1024 / 1024).toFixed(1)} MiB of JSON), ${APPENDS} appends`);
  const browser = await launchChromium();
  try {
    const chat = await openChat(browser, { viewport: { width: 1200, height: 900 } });
    const { page } = chat;
    await page.evaluate(installProbes);
    await page.evaluate((snapshot) => (window.__snapshot = snapshot), { type: 'snapshot', state: readyState(), events });

    // Snapshot: the message handler (validate, reduce, render the window, lay out) and until the frame is drawn.
    const snapshots = [];
    for (let i = 0; i < SNAPSHOTS; i++) snapshots.push(await page.evaluate(() => window.__timeSnapshot()));
    // The same window from a short history, for comparison: what the 5,000 events add is their reduction.
    const short = events.slice(-SHORT);
    await page.evaluate((snapshot) => (window.__snapshot = snapshot), { type: 'snapshot', state: readyState(), events: short });
    const shortSnapshots = [];
    for (let i = 0; i < SNAPSHOTS; i++) shortSnapshots.push(await page.evaluate(() => window.__timeSnapshot()));
    const shortDom = await page.evaluate(() => window.__domSize());
    await page.evaluate((snapshot) => (window.__snapshot = snapshot), { type: 'snapshot', state: readyState(), events });
    await page.evaluate(() => window.__timeSnapshot());
    const dom = await page.evaluate(() => window.__domSize());

    // Appends: one event at a time into a new turn: a prompt, then chunks of one message with tool calls among them.
    let seq = events.at(-1).seq;
    const appends = [];
    const appendBatch = async (n, label) => {
      const samples = [];
      samples.push(await page.evaluate((e) => window.__timeAppend(e), prompt(++seq, 100_000 + seq, `append turn ${label}`)));
      for (let i = 0; i < n; i++) {
        const e = i % 25 === 24
          ? tool(++seq, { toolCallId: `bench-${seq}`, title: 'Read src/x.ts', kind: 'read', status: 'completed', locations: [{ path: '/tmp/x.ts', line: 1 }] })
          : chunk(++seq, `Streaming word ${i}, with \`code\` and **bold**. `, `bench-${label}-${Math.floor(i / 25)}`);
        samples.push(await page.evaluate((ev) => window.__timeAppend(ev), e));
      }
      return samples;
    };
    appends.push(...(await appendBatch(APPENDS, 'windowed')));

    // The cost of rendering older history: one page on scroll up, then all of it.
    const earlier = await page.evaluate(() => window.__timeEarlier());
    const all = await page.evaluate(() => window.__timeAllEarlier());
    const fullDom = await page.evaluate(() => window.__domSize());
    const appendsFull = await appendBatch(APPENDS, 'full');
    await chat.close();

    const row = (name, samples, pick) => {
      const v = samples.map(pick);
      return { measure: name, n: v.length, p50: ms(percentile(v, 50), 2), p99: ms(percentile(v, 99), 2), max: ms(Math.max(...v), 2) };
    };
    console.log(`\nChat tab, ${events.length} events -> ${dom.items} items in the model; the snapshot renders ${dom.rendered} (${dom.nodes} DOM nodes)`);
    console.log(
      table(
        [
          { measure: 'snapshot: first (cold) handler', n: 1, p50: ms(snapshots[0].handler, 1), p99: '', max: '' },
          { measure: 'snapshot: first (cold) to frame drawn', n: 1, p50: ms(snapshots[0].frame, 1), p99: '', max: '' },
          row('snapshot: handler (validate + reduce + render)', snapshots.slice(1), (s) => s.handler),
          row('snapshot: to frame drawn', snapshots.slice(1), (s) => s.frame),
          row(`snapshot of the last ${SHORT} events only (${shortDom.rendered} items rendered): to frame drawn`, shortSnapshots.slice(1), (s) => s.frame),
          row('append 1 event: message handler (validate + reduce)', appends, (s) => s.handler),
          row('append 1 event: paint in the next frame', appends, (s) => s.paint),
          row('append 1 event: handler + paint', appends, (s) => s.handler + s.paint),
          { measure: `render 1 older page on scroll up (${earlier.added} items)`, n: 1, p50: ms(earlier.ms, 1), p99: '', max: '' },
          { measure: `render all older pages (${all.added} items)`, n: 1, p50: ms(all.ms, 1), p99: '', max: '' },
          row(`append 1 event, whole history in the DOM (${fullDom.rendered} items, ${fullDom.nodes} nodes)`, appendsFull, (s) => s.handler + s.paint),
        ],
        ['measure', 'n', 'p50', 'p99', 'max'],
      ),
    );
    console.log('goal: the first frame of a snapshot costs about the same whatever the history length; an append costs the same however long the history\n');
  } finally {
    await browser.close();
  }
}

/** In the page: timers around the tab's message handler and its next animation frame. */
function installProbes() {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  const drawn = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
  const dispatch = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  const log = () => document.getElementById('transcript');
  window.__domSize = () => ({
    rendered: log().querySelectorAll(':scope > [data-role]:not([data-role="earlier"])').length,
    items: log().querySelectorAll(':scope > [data-role]:not([data-role="earlier"])').length + Number(/\((\d+) more\)/.exec(log().querySelector('[data-role="earlier"]').textContent)?.[1] ?? 0),
    nodes: log().getElementsByTagName('*').length,
  });
  window.__timeSnapshot = async () => {
    await frame();
    const t0 = performance.now();
    dispatch(window.__snapshot); // the tab's handler renders the snapshot synchronously
    const t1 = performance.now();
    const t2 = await drawn();
    return { handler: t1 - t0, frame: t2 - t0 };
  };
  window.__timeAppend = async (event) => {
    await frame();
    // rAF callbacks run in the order they were asked for: before, the tab's paint, after.
    const before = frame();
    const t0 = performance.now();
    dispatch({ type: 'events', events: [event] });
    const t1 = performance.now();
    const after = frame();
    const [b, a] = await Promise.all([before, after]);
    return { handler: t1 - t0, paint: a - b };
  };
  const earlierCount = () => Number(/\((\d+) more\)/.exec(log().querySelector('[data-role="earlier"]').textContent)?.[1] ?? 0);
  window.__timeEarlier = () => {
    const n = earlierCount();
    const t0 = performance.now();
    log().querySelector('[data-role="earlier"]').click();
    void log().scrollHeight;
    return { ms: performance.now() - t0, added: n - earlierCount() };
  };
  window.__timeAllEarlier = () => {
    const n = earlierCount();
    const t0 = performance.now();
    while (earlierCount() > 0) log().querySelector('[data-role="earlier"]').click();
    void log().scrollHeight;
    return { ms: performance.now() - t0, added: n };
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await chatRender();
