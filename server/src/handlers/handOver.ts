import type { Handlers } from './define';
import { invalidState } from '../errors';
import { compareVersions } from '../../../shared/sidecarLocation';
import { FOUNDRY_VERSION } from '../../../shared/version';

export const handOverHandlers: Pick<Handlers, 'HandOver'> = {
  HandOver(_sc, { version, reason }, client) {
    // An older client never takes over: it would downgrade every other window.
    const order = compareVersions(version, FOUNDRY_VERSION);
    if (order < 0 || (order === 0 && reason === 'update')) {
      const need = reason === 'update' ? `newer than ${FOUNDRY_VERSION}` : `of version ${FOUNDRY_VERSION} or newer`;
      throw invalidState('handOver', `running_${FOUNDRY_VERSION}`, `only a client ${need} may hand the sidecar over (got ${version})`);
    }
    client.handOver(version, reason);
    return { draining: true as const };
  },
};
