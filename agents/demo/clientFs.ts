/**
 * Where the agent's file reads and writes go. A client that advertised
 * `fs.readTextFile` / `fs.writeTextFile` at initialize gets them as `fs/read_text_file` /
 * `fs/write_text_file` requests, with absolute paths, and decides itself what to allow.
 * Otherwise the agent uses the disk, strictly inside the session folder.
 */
import { resolve } from 'node:path';
import { methods } from '@agentclientprotocol/sdk';
import { throwIfCancelled } from './pause.js';
import { readInside } from './safeRead.js';
import { writeInside } from './safeWrite.js';
import type { TurnContext } from './turnContext.js';

/** The client's fs capabilities, as its `initialize` advertised them. */
export interface ClientFs {
  readTextFile: boolean;
  writeTextFile: boolean;
}

/** Lines to read: `line` is 1-based; `limit` is a number of lines. */
export interface LineRange {
  line?: number;
  limit?: number;
}

/** Reads `path` (relative to the session's cwd), through the client when it reads files. */
export async function readText(cx: TurnContext, path: string, range: LineRange = {}): Promise<string> {
  const cwd = cx.session.record.cwd;
  if (!cx.clientFs.readTextFile) return selectLines(await readInside(cwd, path), range);
  const response = await cx.client.request(
    methods.client.fs.readTextFile,
    { sessionId: cx.session.id, path: resolve(cwd, path), ...range },
    { cancellationSignal: cx.signal, stopWaitingOnCancel: true },
  );
  throwIfCancelled(cx.signal);
  return (response as { content: string }).content;
}

/**
 * Writes `content` to `path` (relative to the session's cwd), through the client when it
 * writes files. Resolves with the absolute path and the text before (null for a new file).
 */
export async function writeText(cx: TurnContext, path: string, content: string): Promise<{ path: string; oldText: string | null }> {
  const cwd = cx.session.record.cwd;
  if (!cx.clientFs.writeTextFile) return writeInside(cwd, path, content);
  const absolute = resolve(cwd, path);
  const oldText = await readText(cx, path).catch(() => {
    throwIfCancelled(cx.signal);
    return null;
  });
  await cx.client.request(
    methods.client.fs.writeTextFile,
    { sessionId: cx.session.id, path: absolute, content },
    { cancellationSignal: cx.signal, stopWaitingOnCancel: true },
  );
  throwIfCancelled(cx.signal);
  return { path: absolute, oldText };
}

/** The lines of `text` that `range` selects, each with its own line ending. */
function selectLines(text: string, { line, limit }: LineRange): string {
  if (line === undefined && limit === undefined) return text;
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const start = (line ?? 1) - 1;
  return lines.slice(start, limit === undefined ? undefined : start + limit).join('');
}
