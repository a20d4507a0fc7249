/** JSON-RPC errors with the contract's codes; the message always names the field, id or state. */
import { ResponseError } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import { ErrorCodes } from '../../shared/protocol';
import { errorText } from './errorText';

export const notFound = (kind: string, id: string) => new ResponseError(ErrorCodes.NotFound, `${kind} not found: ${id}`);

export const invalidState = (what: string, state: string, hint = '') =>
  new ResponseError(ErrorCodes.InvalidState, `${what} is not allowed while the state is '${state}'${hint ? `: ${hint}` : ''}`);

export const invalidParams = (message: string) => new ResponseError(ErrorCodes.InvalidParams, `Invalid params: ${message}`);

/** Turn a zod error into "Invalid params: field: why; other: why". */
export function fromZod(error: z.ZodError): ResponseError<void> {
  const parts = error.issues.slice(0, 5).map((i) => {
    const field = i.path.length ? i.path.join('.') : 'params';
    return `${field}: ${i.message}`;
  });
  return invalidParams(parts.join('; '));
}

/** An error's whole text (see errorText.ts): its message, an agent error's details, its causes. */
export const errorMessage = errorText;
