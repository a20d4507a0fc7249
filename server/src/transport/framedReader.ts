/**
 * A strict LSP base-protocol reader (`Content-Length: N\r\n\r\n<N bytes of JSON>`). Unlike a
 * lenient reader, a framing error is final: a missing, non-numeric or oversized Content-Length,
 * an oversized header block or a body that is not JSON fires `onError` once and stops reading,
 * so the owner closes that connection (and logs why) instead of staying alive but deaf. Messages
 * have a size cap, so one client can never make the sidecar buffer hundreds of MB.
 */
import type { Readable } from 'node:stream';
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc/node';

/** The largest message accepted (a prompt is capped at 200,000 characters by the contract). */
export const MaxMessageBytes = 8 * 1024 * 1024;
const MaxHeaderBytes = 8 * 1024;
const HeaderEnd = Buffer.from('\r\n\r\n');

export class FramingError extends Error {}

export class FramedMessageReader extends AbstractMessageReader {
  private buffered: Buffer = Buffer.alloc(0);
  private bodyLength = -1;
  private failed = false;
  private callback: DataCallback | undefined;

  constructor(
    private readonly readable: Readable,
    private readonly maxMessageBytes = MaxMessageBytes,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer) => this.onData(chunk);
    const onError = (e: Error) => this.fireError(e);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('close', onClose);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('error', onError);
        this.readable.off('close', onClose);
      },
    };
  }

  private onData(chunk: Buffer): void {
    if (this.failed) return;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    try {
      for (;;) {
        if (this.bodyLength < 0) {
          const end = this.buffered.indexOf(HeaderEnd);
          if (end < 0) {
            if (this.buffered.length > MaxHeaderBytes) throw new FramingError(`header block longer than ${MaxHeaderBytes} bytes`);
            return;
          }
          this.bodyLength = this.parseHeaders(this.buffered.subarray(0, end).toString('ascii'));
          this.buffered = this.buffered.subarray(end + HeaderEnd.length);
        }
        if (this.buffered.length < this.bodyLength) return;
        const body = this.buffered.subarray(0, this.bodyLength);
        this.buffered = this.buffered.subarray(this.bodyLength);
        this.bodyLength = -1;
        let message: Message;
        try {
          message = JSON.parse(body.toString('utf8')) as Message;
        } catch (e) {
          throw new FramingError(`message body is not JSON (${(e as Error).message})`);
        }
        if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new FramingError('message body is not a JSON object');
        this.callback?.(message);
      }
    } catch (e) {
      this.failed = true;
      this.buffered = Buffer.alloc(0);
      this.fireError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private parseHeaders(block: string): number {
    let length: number | undefined;
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new FramingError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name !== 'content-length') continue;
      if (!/^\d{1,12}$/.test(value)) throw new FramingError(`Content-Length is not a number: ${JSON.stringify(value.slice(0, 40))}`);
      length = Number(value);
    }
    if (length === undefined) throw new FramingError('missing Content-Length header');
    if (length > this.maxMessageBytes) throw new FramingError(`message of ${length} bytes exceeds the ${this.maxMessageBytes}-byte limit`);
    return length;
  }
}
