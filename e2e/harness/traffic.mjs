// The sidecar's JSON-RPC traffic log (env FOUNDRY_TRAFFIC_LOG, which openFoundry sets and the
// sidecar inherits through the extension host): one line per message between the extension and
// the sidecar, `<epochMs> <in|out> <method|response>` as the sidecar sees it. A restarted sidecar
// appends to the same file.
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
