/**
 * Errors the user sees, and the one way to read a message from anything thrown. No `vscode`
 * import: pure modules (and their unit tests) use it too.
 */

/** The sidecar is not running (no folder, crashed, failed to start, or stopped). */
export class SidecarNotRunningError extends Error {
  constructor(reason?: string) {
    super(reason ? `Foundry sidecar is not running: ${reason}` : 'Foundry sidecar is not running.');
  }
}

/** No folder is open, so there is no workspace storage and no sidecar. */
export class NoFolderError extends Error {
  constructor() {
    super('Open a folder with a git repository to use Foundry.');
  }
}

/** A failed request as an Error whose message is the sidecar's own (it names the field, id or state). */
export function toSidecarError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The message of anything thrown or rejected: an Error's own message, else its string form. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
