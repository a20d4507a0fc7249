/**
 * Permission requests an agent sent (ACP session/request_permission) that wait for the user.
 * Each is a promise held open until Foundry answers it (`reply`), the agent withdraws it (its
 * `$/cancel_request` aborts the handler's signal), or the agent process ends (`dropAll`).
 */
import { randomUUID } from 'node:crypto';
import type { RequestPermissionRequest, RequestPermissionResponse } from '@agentclientprotocol/sdk';
import type { EffectsEvent } from './api';

interface Open {
  key: string;
  answer: (r: RequestPermissionResponse) => void;
}

export function createPermissions(emit: (e: EffectsEvent) => void) {
  const open = new Map<string, Open>();

  const settle = (requestId: string, response: RequestPermissionResponse): boolean => {
    const o = open.get(requestId);
    if (!o) return false;
    open.delete(requestId);
    o.answer(response);
    return true;
  };

  return {
    /** The handler of one session/request_permission: resolves with the user's answer. */
    ask(key: string, params: RequestPermissionRequest, signal: AbortSignal): Promise<RequestPermissionResponse> {
      const requestId = `perm_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const cancelled: RequestPermissionResponse = { outcome: { outcome: 'cancelled' } };
      return new Promise((resolve) => {
        open.set(requestId, { key, answer: resolve });
        signal.addEventListener('abort', () => {
          if (settle(requestId, cancelled)) emit({ type: 'permissionClosed', key, requestId });
        });
        emit({
          type: 'permissionRequested',
          key,
          permission: {
            requestId,
            title: params.toolCall.title ?? 'tool call',
            options: params.options.map((o) => ({ optionId: o.optionId, name: o.name, kind: o.kind })),
          },
        });
      });
    },

    /** Answer `requestId` of agent `key`: the option, or `cancelled` for null. */
    reply(key: string, requestId: string, optionId: string | null): boolean {
      if (open.get(requestId)?.key !== key) return false;
      return settle(requestId, optionId === null ? { outcome: { outcome: 'cancelled' } } : { outcome: { outcome: 'selected', optionId } });
    },

    /** Cancel every request of `key` whose agent process is gone. */
    dropAll(key: string): void {
      for (const [requestId, o] of open) {
        if (o.key !== key) continue;
        settle(requestId, { outcome: { outcome: 'cancelled' } });
        emit({ type: 'permissionClosed', key, requestId });
      }
    },
  };
}
