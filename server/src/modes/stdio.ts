/**
 * `--stdio`: one client over stdin/stdout (tests, the bench, single-client editors). Its
 * initialize names the data folder and carries the settings; its shutdown drains the sidecar,
 * and its exit (or its going away) ends the process.
 */
import { StreamMessageWriter } from 'vscode-jsonrpc/node';
import { SidecarHost } from '../host';
import { FramedMessageReader } from '../transport/framedReader';

export function runStdio(bundleDir: string, log: (m: string) => void): SidecarHost {
  const host = new SidecarHost({ mode: 'stdio', bundleDir, log });
  host.attach(new FramedMessageReader(process.stdin), new StreamMessageWriter(process.stdout), (client) => {
    void host.exit(client.shutdownReceived ? 0 : 1, 'client disconnected');
  });
  return host;
}
