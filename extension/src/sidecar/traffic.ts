/**
 * Counts every JSON-RPC message that crosses the connection to the sidecar, both ways, at the
 * transport - so LSP housekeeping and log messages count too. `foundry.showTraffic` reports the
 * counters; with FOUNDRY_CLIENT_TRAFFIC_LOG set to a file path, one line per message
 * `<epochMs> <sent|received> <method|response>` is appended to it for tests. (The sidecar honours
 * FOUNDRY_TRAFFIC_LOG on its side; a separate name keeps the two logs apart.) Only method names
 * are written, never payloads.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { DataCallback, Disposable, Message, MessageReader, MessageWriter } from 'vscode-languageclient/node';

export const TrafficLogEnv = 'FOUNDRY_CLIENT_TRAFFIC_LOG';

export class TrafficCounter {
  sent = 0;
  received = 0;
  private readonly file: WriteStream | undefined;

  constructor(logPath: string | undefined = process.env[TrafficLogEnv]) {
    this.file = logPath ? createWriteStream(logPath, { flags: 'a' }) : undefined;
  }

  count(direction: 'sent' | 'received', message: Message): void {
    if (direction === 'sent') this.sent++;
    else this.received++;
    if (this.file) {
      const method = (message as { method?: unknown }).method;
      this.file.write(`${Date.now()} ${direction} ${typeof method === 'string' ? method : 'response'}\n`);
    }
  }

  dispose(): void {
    this.file?.end();
  }
}

export function countingReader(inner: MessageReader, counter: TrafficCounter): MessageReader {
  return {
    onError: inner.onError,
    onClose: inner.onClose,
    onPartialMessage: inner.onPartialMessage,
    listen(callback: DataCallback): Disposable {
      return inner.listen((message) => {
        counter.count('received', message);
        callback(message);
      });
    },
    dispose: () => inner.dispose(),
  };
}

export function countingWriter(inner: MessageWriter, counter: TrafficCounter): MessageWriter {
  return {
    onError: inner.onError,
    onClose: inner.onClose,
    write(message: Message): Promise<void> {
      counter.count('sent', message);
      return inner.write(message);
    },
    end: () => inner.end(),
    dispose: () => inner.dispose(),
  };
}
