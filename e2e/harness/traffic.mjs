// The extension's JSON-RPC traffic log (env FOUNDRY_TRAFFIC_LOG): one line per message between
// the extension and its sidecar, `<epochMs> <direction> <method|response>`.
import { existsSync, readFileSync } from 'node:fs';

/** The log's lines as [{at, direction, method}] (empty before the first message). */
export function readTraffic(path) {
  if (!path || !existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, direction, method] = line.split(' ');
      return { at: Number(at), direction, method };
    });
}
