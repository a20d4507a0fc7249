/**
 * Optional traffic log for tests: with FOUNDRY_TRAFFIC_LOG set, one line per JSON-RPC
 * message crossing stdio: `<epochMs> <in|out> <method|response>`.
 */
import { createWriteStream } from 'node:fs';
import type { Message, MessageReader, MessageWriter } from 'vscode-jsonrpc/node';

export function countTraffic(reader: MessageReader, writer: MessageWriter, file: string | undefined): void {
  if (!file) return;
  const out = createWriteStream(file, { flags: 'a' });
  const line = (dir: 'in' | 'out', m: Message) => {
    const method = (m as { method?: string }).method ?? 'response';
    out.write(`${Date.now()} ${dir} ${method}\n`);
  };
  const listen = reader.listen.bind(reader);
  reader.listen = (cb) =>
    listen((m) => {
      line('in', m);
      cb(m);
    });
  const write = writer.write.bind(writer);
  writer.write = (m) => {
    line('out', m);
    return write(m);
  };
}
