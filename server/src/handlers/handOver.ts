import type { Handlers } from './define';
import { invalidState } from '../errors';
import { compareVersions } from '../../../shared/sidecarLocation';
import { FOUNDRY_VERSION } from '../../../shared/version';

export const handOverHandlers: Pick<Handlers, 'HandOver'> = {
  HandOver(_sc, { version }, client) {
    // Only a newer client may take over: an older one would downgrade every other window.
    if (compareVersions(version, FOUNDRY_VERSION) <= 0) {
      throw invalidState('handOver', `running_${FOUNDRY_VERSION}`, `only a client newer than ${FOUNDRY_VERSION} may hand the sidecar over (got ${version})`);
    }
    client.handOver(version);
    return { draining: true as const };
  },
};
