// Counts the JSON-RPC messages between the extension and its sidecar (the sidecar appends one
// line per message to FOUNDRY_TRAFFIC_LOG): a known action moves the count, and a settled
// workbench exchanges nothing over 10 s of idle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openFoundry } from '../harness/foundry.mjs';
import { readTraffic } from '../harness/traffic.mjs';
import { createTask, foundryView, openFoundryView } from '../harness/workbench.mjs';

const PROMPT = 'A quick task that settles';
const IDLE_WINDOW_MS = 10_000;

test('a known action moves the message count; a settled workbench exchanges nothing for 10 s', async (t) => {
  const f = await openFoundry(t);
  const { page, trafficLog } = f;
  await openFoundryView(page);
  // The welcome's "Create Task" shows once the sidecar runs: its start-up messages are in the log.
  await foundryView(page).getByRole('button', { name: 'Create Task' }).waitFor({ state: 'visible' });
  const before = readTraffic(trafficLog).length;
  // Until settled: provisioned, the first turn (the prompt) answered.
  await createTask(page, PROMPT);
  const start = readTraffic(trafficLog);
  t.diagnostic(`messages: ${before} before Create Task, ${start.length} once the task settled`);
  assert.ok(start.length > before, 'creating a task exchanged messages with the sidecar');
  assert.ok(
    start.slice(before).some((m) => m.method?.endsWith('/createTask')),
    'the createTask request was counted',
  );

  const startAt = Date.now();
  // The one measured wait of the suite: the idle window itself.
  await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
  const end = readTraffic(trafficLog);
  const during = end.slice(start.length);
  t.diagnostic(`messages during ${IDLE_WINDOW_MS / 1000} s of idle: ${during.length}`);
  console.log(`# idle traffic over ${IDLE_WINDOW_MS} ms: ${during.length} messages (${start.length} before)`);
  assert.deepEqual(
    during.map((m) => `+${m.at - startAt}ms ${m.direction} ${m.method}`),
    [],
    'no message crossed the connection while the workbench was idle',
  );
});
