/**
 * Reading untrusted ACP payloads: small accessors that return `undefined` for anything of the
 * wrong shape, so the reducers never throw on what an agent sends.
 */

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A JSON-RPC id as a map key. */
export function rpcId(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Records of an array; anything else is an empty list. */
export function records(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.map(asRecord).filter((r): r is Record<string, unknown> => r !== undefined);
}

/** Text of one ACP content block or an array of them; non-text blocks become a short placeholder. */
export function contentText(content: unknown): string {
  if (Array.isArray(content)) return content.map(contentText).join('');
  const block = asRecord(content);
  if (!block) return '';
  switch (block.type) {
    case 'text':
      return str(block.text) ?? '';
    case 'resource_link':
      return `[${str(block.name) ?? str(block.uri) ?? 'resource'}]`;
    case 'resource': {
      const resource = asRecord(block.resource);
      return str(resource?.text) ?? `[${str(resource?.uri) ?? 'resource'}]`;
    }
    case 'image':
      return '[image]';
    case 'audio':
      return '[audio]';
    default:
      return '';
  }
}
