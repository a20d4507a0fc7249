/** Sandbox providers' credentials (providers/index.ts keeps them in memory only). */
import type { Handlers } from './define';
import type { Sidecar } from '../sidecar';
import { retryProvisioning } from './tasks';

/**
 * Tasks that failed for want of the provider's credentials go again once it has them: at any of
 * its stages, since a job resumed after a restart may run before a client has sent them.
 */
function retryWaitingOnProvider(sc: Sidecar, provider: string): void {
  if (sc.draining) return;
  for (const t of sc.store.tasks()) {
    if (t.status === 'error' && (t.provider ?? 'local') === provider && t.failed_stage && t.error_message?.includes('API key')) retryProvisioning(sc, t);
  }
}

export const providerHandlers: Pick<Handlers, 'SetProviderCredentials'> = {
  SetProviderCredentials(sc, { provider, apiKey }) {
    sc.providers.setCredentials(provider, apiKey);
    const info = sc.providers.get(provider).info();
    if (info.ready) retryWaitingOnProvider(sc, provider);
    return info;
  },
};
