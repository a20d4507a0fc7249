/**
 * Runs one prompt turn of the demo agent: executes the parsed script steps in
 * order and reports them to the client as ACP `session/update` notifications.
 */
import { RequestError } from '@agentclientprotocol/sdk';
import type { StopReason } from '@agentclientprotocol/sdk';
import { readStep, writeStep } from './fileTools.js';
import { pause, throwIfCancelled, TurnCancelled, untilCancelled } from './pause.js';
import { permissionStep } from './permission.js';
import type { Step } from './script.js';
import { send, streamText, type TurnContext } from './turnContext.js';

/** The JSON-RPC error message a `fail` line produces. */
const FAIL_MESSAGE = 'demo agent: fail requested';

/**
 * Executes `steps`; resolves with the stop reason (`end_turn` or `cancelled`),
 * rejects with a RequestError for `fail`.
 */
export async function runSteps(steps: Step[], cx: TurnContext): Promise<StopReason> {
  try {
    for (const step of steps) {
      throwIfCancelled(cx.signal);
      await runStep(step, cx);
    }
    return 'end_turn';
  } catch (e) {
    if (e instanceof TurnCancelled || cx.signal.aborted) return 'cancelled';
    throw e;
  }
}

async function runStep(step: Step, cx: TurnContext): Promise<void> {
  switch (step.kind) {
    case 'echo':
      return streamText(step.text, cx);
    case 'think':
      return streamText(step.text, cx, 'thought');
    case 'sleep':
      return pause(step.ms, cx.signal);
    case 'write':
      return writeStep(step.path, step.content, cx);
    case 'read':
      return readStep(step.path, { line: step.line, limit: step.limit }, cx);
    case 'permission':
      return permissionStep(step.title, cx);
    case 'plan':
      return send(cx, {
        sessionUpdate: 'plan',
        entries: step.entries.map((content, i) => ({
          content,
          priority: 'medium',
          status: i === 0 ? 'in_progress' : 'pending',
        })),
      });
    case 'mode':
      return streamText(`mode: ${cx.session.record.modeId}`, cx);
    case 'model':
      return streamText(`model: ${cx.session.record.modelId}`, cx);
    case 'fail':
      throw new RequestError(-32603, FAIL_MESSAGE);
    case 'exit':
      return cx.exit(step.code);
    case 'hang':
      return untilCancelled(cx.signal);
  }
}
