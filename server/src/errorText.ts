/**
 * The whole text of an error, for messages that must say what failed and where. Dependency
 * free: the effects worker uses it too, since only this text crosses back to the main thread.
 *
 * Besides the error's own message it keeps what would otherwise be lost: a JSON-RPC error's
 * `data.details` (where the ACP SDK puts the real cause of an agent's bare "Internal error")
 * and the chain of `cause`s.
 */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  let text = e.message || e.name;
  const add = (more: string) => {
    if (more && !text.includes(more)) text += `: ${more}`;
  };
  const data = (e as { data?: unknown }).data;
  if (data && typeof data === 'object' && typeof (data as { details?: unknown }).details === 'string') add((data as { details: string }).details);
  if (e.cause !== undefined) add(errorText(e.cause));
  return text;
}
