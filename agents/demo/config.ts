/** The demo agent's settings, from its command line and environment. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODE, isModeId, type ModeId } from './modes.js';

interface DemoAgentConfig {
  /** False with `--no-load`: no loadSession capability, session/load is method-not-found. */
  loadSession: boolean;
  /** `FOUNDRY_DEMO_CHUNK_DELAY_MS`, default 30. */
  chunkDelayMs: number;
  /** `FOUNDRY_DEMO_STATE_DIR`, default `<tmpdir>/foundry-demo-agent`. */
  stateDir: string;
  /** `FOUNDRY_DEMO_DEFAULT_MODE`: the mode new sessions start in, default `default`. */
  defaultMode: ModeId;
  /** What was wrong with the settings (logged; the default is used instead). */
  problems: string[];
}

const DEFAULT_CHUNK_DELAY_MS = 30;

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): DemoAgentConfig {
  const delay = Number(env.FOUNDRY_DEMO_CHUNK_DELAY_MS);
  const mode = env.FOUNDRY_DEMO_DEFAULT_MODE;
  const problems = mode && !isModeId(mode) ? [`FOUNDRY_DEMO_DEFAULT_MODE "${mode}" is not a mode; using "${DEFAULT_MODE}"`] : [];
  return {
    loadSession: !argv.includes('--no-load'),
    chunkDelayMs:
      env.FOUNDRY_DEMO_CHUNK_DELAY_MS && Number.isFinite(delay) && delay >= 0
        ? delay
        : DEFAULT_CHUNK_DELAY_MS,
    stateDir: env.FOUNDRY_DEMO_STATE_DIR || join(tmpdir(), 'foundry-demo-agent'),
    defaultMode: mode && isModeId(mode) ? mode : DEFAULT_MODE,
    problems,
  };
}
