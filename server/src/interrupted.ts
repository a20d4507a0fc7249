/** Thrown by a job step that stopped because the sidecar is draining: the job resumes later. */
export class Interrupted extends Error {
  constructor(what: string) {
    super(`${what} was interrupted: the sidecar is shutting down`);
  }
}
