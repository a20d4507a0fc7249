/**
 * Demo agent sessions on disk: one JSON file per session (cwd, mode, model, usage and
 * message history) in the state folder, so a later agent process can `session/load` them.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RequestError } from '@agentclientprotocol/sdk';
import { DEFAULT_MODE, isModeId, type ModeId } from './modes.js';
import { DEFAULT_MODEL, isModelId, type ModelId } from './models.js';

/** One message of a session's conversation, as replayed by `session/load`. */
interface HistoryEntry {
  /** `thought` is replayed as agent_thought_chunk. */
  role: 'user' | 'agent' | 'thought';
  text: string;
}

/** Tokens and cost summed over all the session's turns. */
export interface SessionUsage {
  inputTokens: number;
  outputTokens: number;
  /** In millionths of a US dollar, so sums stay exact. */
  costMicros: number;
}

/** What a session file holds. */
export interface SessionRecord {
  id: string;
  cwd: string;
  createdAt: string;
  modeId: ModeId;
  modelId: ModelId;
  /** Set by an `allow_always` answer to a write: later writes do not ask. */
  editsAlwaysAllowed: boolean;
  usage: SessionUsage;
  history: HistoryEntry[];
}

const ID_PATTERN = /^demo-[0-9a-f-]{36}$/;

/**
 * The state folder cannot be read or written. A RequestError, so the client gets this
 * message (what and where) rather than the SDK's bare "Internal error".
 */
class StateError extends RequestError {
  constructor(what: string, dir: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(-32603, `could not ${what} the demo agent's state in ${dir}: ${reason}`, { dir });
  }
}

export class SessionStore {
  constructor(
    private readonly dir: string,
    /** The mode a new session starts in. */
    private readonly newSessionMode: ModeId = DEFAULT_MODE,
  ) {}

  /** Creates and persists a new, empty session. */
  async create(cwd: string): Promise<SessionRecord> {
    const record: SessionRecord = {
      id: `demo-${randomUUID()}`,
      cwd,
      createdAt: new Date().toISOString(),
      modeId: this.newSessionMode,
      modelId: DEFAULT_MODEL,
      editsAlwaysAllowed: false,
      usage: { inputTokens: 0, outputTokens: 0, costMicros: 0 },
      history: [],
    };
    await this.save(record);
    return record;
  }

  /** The stored session, or undefined when no such session was ever saved. */
  async find(id: string): Promise<SessionRecord | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    try {
      return withDefaults(JSON.parse(await readFile(this.fileOf(id), 'utf8')) as Partial<SessionRecord>);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError('read', this.dir, e);
    }
  }

  /** Writes the session atomically (temp file + rename), so a killed process never leaves half a file. */
  async save(record: SessionRecord): Promise<void> {
    const file = this.fileOf(record.id);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, JSON.stringify(record, null, 2), 'utf8');
      await rename(temp, file);
    } catch (e) {
      throw new StateError('write', this.dir, e);
    }
  }

  private fileOf(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}

/** A record as read from disk; files from before modes, models and usage get the defaults. */
function withDefaults(stored: Partial<SessionRecord>): SessionRecord {
  return {
    ...(stored as SessionRecord),
    modeId: stored.modeId && isModeId(stored.modeId) ? stored.modeId : DEFAULT_MODE,
    modelId: stored.modelId && isModelId(stored.modelId) ? stored.modelId : DEFAULT_MODEL,
    editsAlwaysAllowed: stored.editsAlwaysAllowed === true,
    usage: stored.usage ?? { inputTokens: 0, outputTokens: 0, costMicros: 0 },
    history: stored.history ?? [],
  };
}
