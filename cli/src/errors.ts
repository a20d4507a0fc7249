/**
 * The CLI's two kinds of failure and their exit codes: a usage error (bad command line: the
 * usage goes to stderr, exit 2) and everything else (a JSON-RPC error's message, a sidecar that
 * cannot be reached: exit 1).
 */
import { ResponseError } from 'vscode-jsonrpc/node';

export const ExitFailure = 1;
export const ExitUsage = 2;

/** The command line is wrong: say why, then show the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show; undefined for the general usage. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** What to print for a failure: a JSON-RPC error's own message, else the error's message. */
export function failureMessage(e: unknown): string {
  if (e instanceof ResponseError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
