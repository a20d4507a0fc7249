/**
 * The file tools of a turn: `write PATH` (an edit, as the session's mode allows) and
 * `read PATH` (a read, replied in a fenced code block).
 */
import { randomUUID } from 'node:crypto';
import { extname, resolve } from 'node:path';
import type { ToolCallUpdate } from '@agentclientprotocol/sdk';
import { readText, writeText, type LineRange } from './clientFs.js';
import { isAllowed, requestPermission } from './permission.js';
import { fenced } from './script.js';
import { errorMessage, failTool, send, streamText, type TurnContext } from './turnContext.js';

/** The reason a write fails in plan mode. */
const PLAN_REFUSAL = 'plan mode: no edits';

/**
 * `write PATH`: a tool call of kind edit, completed with a diff or failed with the reason.
 * - default mode: the call is `pending` and asks first (unless an earlier `allow_always`
 *   answer allowed every write of the session); a rejection writes nothing;
 * - acceptEdits and bypassPermissions: written at once (`in_progress`);
 * - plan: refused.
 */
export async function writeStep(path: string, content: string, cx: TurnContext): Promise<void> {
  const record = cx.session.record;
  const mustAsk = record.modeId === 'default' && !record.editsAlwaysAllowed;
  const status = mustAsk || record.modeId === 'plan' ? 'pending' : 'in_progress';
  const call = {
    toolCallId: `write-${randomUUID()}`,
    title: `Write ${path}`,
    kind: 'edit',
    status,
    locations: [{ path: resolve(record.cwd, path) }],
    rawInput: { path, content },
  } satisfies ToolCallUpdate;
  await send(cx, { sessionUpdate: 'tool_call', ...call });
  if (record.modeId === 'plan') return failTool(cx, call.toolCallId, PLAN_REFUSAL);
  if (mustAsk) {
    const answer = await requestPermission(cx, call);
    if (!isAllowed(answer)) return failTool(cx, call.toolCallId, `not written: permission ${answer}`);
    if (answer === 'allow_always') record.editsAlwaysAllowed = true;
  }
  let written;
  try {
    written = await writeText(cx, path, content);
  } catch (e) {
    if (cx.signal.aborted) throw e;
    return failTool(cx, call.toolCallId, errorMessage(e));
  }
  await send(cx, {
    sessionUpdate: 'tool_call_update',
    toolCallId: call.toolCallId,
    status: 'completed',
    content: [{ type: 'diff', path: written.path, oldText: written.oldText, newText: content }],
  });
}

/**
 * `read PATH [LINE [LIMIT]]`: a tool call of kind read, then the text in a fenced code
 * block tagged with the file's extension (`ts` for `a.ts`).
 */
export async function readStep(path: string, range: LineRange, cx: TurnContext): Promise<void> {
  const toolCallId = `read-${randomUUID()}`;
  await send(cx, {
    sessionUpdate: 'tool_call',
    toolCallId,
    title: `Read ${path}`,
    kind: 'read',
    status: 'in_progress',
    locations: [{ path: resolve(cx.session.record.cwd, path), ...(range.line ? { line: range.line } : {}) }],
    rawInput: { path, ...range },
  });
  let text;
  try {
    text = await readText(cx, path, range);
  } catch (e) {
    if (cx.signal.aborted) throw e;
    return failTool(cx, toolCallId, errorMessage(e));
  }
  await send(cx, { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed' });
  const ext = extname(path).slice(1);
  await streamText(fenced(text, /^[\w+-]+$/.test(ext) ? ext : ''), cx);
}
