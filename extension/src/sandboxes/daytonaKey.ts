/**
 * The Daytona API key in VS Code's SecretStorage (`foundry.daytona.apiKey`), and its trip to the
 * sidecar (`foundry/setProviderCredentials`) on every connection, before the workbench bootstrap:
 * the sidecar keeps it in memory only, so a new sidecar has none. Every value read or written is
 * remembered by `SecretValues`, so logs redact it. Nothing here logs the key.
 */
import type * as vscode from 'vscode';
import { SetProviderCredentials } from '../../../shared/protocol';
import type { SecretValues } from '../agents/redaction';
import type { ConnectionHook, Controller } from '../controller';
import { errorMessage } from '../errors';

export const DaytonaKeyName = 'foundry.daytona.apiKey';

export class DaytonaKey {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly values: SecretValues,
  ) {}

  /** The stored key, or "" when none. */
  async get(): Promise<string> {
    const key = (await this.secrets.get(DaytonaKeyName)) ?? '';
    this.values.add({ apiKey: key });
    return key;
  }

  /** Store the key; "" deletes it. */
  async set(key: string): Promise<void> {
    this.values.add({ apiKey: key });
    if (key) await this.secrets.store(DaytonaKeyName, key);
    else await this.secrets.delete(DaytonaKeyName);
  }
}

export const daytonaKeyOf = (controller: Controller) => new DaytonaKey(controller.context.secrets, controller.secretValues);

/** On every connection: give the sidecar the stored Daytona key (nothing when none is stored). */
export function daytonaKeyHook(controller: Controller, key: DaytonaKey): ConnectionHook {
  return async (session) => {
    const apiKey = await key.get();
    if (!apiKey) return;
    try {
      const info = await session.request(SetProviderCredentials, { provider: 'daytona', apiKey });
      controller.log.info(`Daytona API key given to the sidecar${info.ready ? '' : ` (${info.reason ?? 'not ready'})`}`);
    } catch (error) {
      // The sidecar's message names the field, never a value; redaction covers the rest.
      controller.log.warn(`Could not give the sidecar the stored Daytona API key: ${errorMessage(error)}`);
    }
  };
}
