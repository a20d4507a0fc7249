/** The demo agent's session modes: how much it asks before it acts (ACP session modes). */
import type { SessionConfigOption, SessionMode, SessionModeState } from '@agentclientprotocol/sdk';

/** The modes, in the order they are offered; the first is a new session's mode. */
export const MODES = [
  { id: 'default', name: 'Ask before edits', description: 'Asks for permission before every file write.' },
  { id: 'acceptEdits', name: 'Accept edits', description: 'Writes files without asking; other actions still ask.' },
  { id: 'bypassPermissions', name: 'Full access', description: 'Never asks: every action is allowed.' },
  { id: 'plan', name: 'Plan only', description: 'Reads and plans, but refuses every file write.' },
] as const satisfies readonly SessionMode[];

export type ModeId = (typeof MODES)[number]['id'];

export const DEFAULT_MODE: ModeId = 'default';

export function isModeId(id: string): id is ModeId {
  return MODES.some((m) => m.id === id);
}

/** The `modes` field of a session/new or session/load answer. */
export function modeState(current: ModeId): SessionModeState {
  return { currentModeId: current, availableModes: MODES.map((m) => ({ ...m })) };
}

/** The same choice as the `mode` select config option. */
export function modeConfigOption(current: ModeId): SessionConfigOption {
  return {
    id: 'mode',
    name: 'Mode',
    description: 'How much the agent asks before it acts',
    category: 'mode',
    type: 'select',
    currentValue: current,
    options: MODES.map((m) => ({ value: m.id, name: m.name, description: m.description })),
  };
}
