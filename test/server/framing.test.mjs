// Bad framing never leaves the sidecar deaf: a wrong, missing, non-numeric or oversized
// Content-Length closes that one connection with a log line, and other clients go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Requests } from '../../shared/protocol.ts';
import { cleanup, startSidecar, tempDir } from './harness.mjs';
import { startListening } from './listenHarness.mjs';

/** Send raw bytes on a new socket and resolve once the sidecar closes it. */
async function sendRaw(socketPath, bytes) {
  const sock = connect(socketPath);
  await once(sock, 'connect');
  sock.on('error', () => {});
  const closed = once(sock, 'close');
  sock.write(bytes);
  await closed;
}

test('a framing error closes only that connection, logged; the others keep working', async () => {
  const dir = tempDir();
  const sc = await startListening({ dataDir: join(dir, 'data') });
  try {
    const good = await sc.connect({ clientInfo: { name: 'good' } });
    const cases = [
      ['non-numeric', 'Content-Length: abc\r\n\r\n{}', /Content-Length is not a number/],
      ['missing', 'Content-Type: application/json\r\n\r\n{}', /missing Content-Length/],
      ['oversized', 'Content-Length: 999999999\r\n\r\n', /exceeds the \d+-byte limit/],
      ['not JSON', 'Content-Length: 5\r\n\r\nhello', /not JSON/],
      ['endless header', 'X'.repeat(20_000), /header block longer than/],
    ];
    for (const [what, bytes, logged] of cases) {
      await sendRaw(sc.report.socket, bytes);
      await sc.waitForLog(logged);
      assert.deepEqual(await good.request(Requests.Ping.method, {}), {}, `after the ${what} client, the good one still gets answers`);
    }
    assert.match(sc.stderr, /framing error, closing the connection/);
    assert.equal(sc.child.exitCode, null, 'the sidecar still runs');
    await good.disconnect();
  } finally {
    await sc.kill();
    cleanup(dir);
  }
});

test('with --stdio a framing error ends the sidecar cleanly instead of leaving it deaf', async () => {
  const dir = tempDir();
  const sc = await startSidecar({ dataDir: join(dir, 'data') });
  try {
    sc.child.stdin.write('Content-Length: nope\r\n\r\n{}');
    const { code } = await sc.exited;
    assert.equal(code, 1);
    assert.match(sc.stderr, /framing error.*Content-Length is not a number/);
  } finally {
    sc.child.kill('SIGKILL');
    cleanup(dir);
  }
});
