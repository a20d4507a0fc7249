/**
 * Child processes in their own process groups. Every group is reported (`spawned`, with its
 * leader's identity) so the main thread records it, and ended on shutdown; after a crash,
 * recorded groups whose leader is provably the same process are ended before a step resumes.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EffectsApi, EffectsEvent } from './api';
import { identify } from './identity';
import { endStaleGroups } from './staleGroups';

export interface ProcessEffects {
  api: Pick<EffectsApi, 'runScript' | 'endStaleGroups' | 'released'>;
  /** Spawn a command as the leader of a new process group, tracked until it exits. */
  spawnGroup(command: string, args: string[], opts: SpawnOptions, owner: string, kind: 'script' | 'agent' | 'install'): ChildProcess;
  killGroup(pgid: number, signal?: NodeJS.Signals): void;
  /** End every group and resolve once each leader has exited (bounded by `graceMs`). */
  killAll(graceMs?: number): Promise<void>;
}

export function createProcessEffects(emit: (e: EffectsEvent) => void): ProcessEffects {
  const live = new Set<number>();
  const exits = new Map<number, Promise<void>>();
  /** Scripts waiting for the main thread to record their group before they run. */
  const holds = new Map<number, () => void>();

  const killGroup = (pgid: number, signal: NodeJS.Signals = 'SIGKILL') => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
  };

  const spawnGroup: ProcessEffects['spawnGroup'] = (command, args, opts, owner, kind) => {
    const child = spawn(command, args, { ...opts, detached: true });
    if (child.pid) {
      const pgid = child.pid;
      live.add(pgid);
      // Read at once (on Linux synchronously, so the leader cannot have been reaped yet).
      const reported = identify(pgid).then((identity) => emit({ type: 'spawned', pgid, owner, kind, identity }));
      exits.set(pgid, new Promise<void>((resolve) => {
        child.once('exit', () => {
          // The leader exited: end whatever it left behind in its group.
          killGroup(pgid);
          live.delete(pgid);
          exits.delete(pgid);
          holds.delete(pgid);
          void reported.then(() => {
            emit({ type: 'exited', pgid });
            resolve();
          });
        });
      }));
    }
    return child;
  };

  return {
    spawnGroup,
    killGroup,
    killAll: async (graceMs = 3000) => {
      const waiting = [...exits.values()];
      for (const pgid of live) killGroup(pgid);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(waiting), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    },
    api: {
      released({ pgid }) {
        holds.get(pgid)?.();
        holds.delete(pgid);
      },
      runScript({ owner, script, cwd, logPath, env }) {
        mkdirSync(dirname(logPath), { recursive: true });
        const log = createWriteStream(logPath, { flags: 'a' });
        return new Promise<{ exitCode: number | null; signal: string | null }>((resolve, reject) => {
          // The sidecar may run on VS Code's Electron-as-Node; a user's script must not inherit that.
          const { ELECTRON_RUN_AS_NODE: _electron, ...inherited } = process.env;
          // The script starts only once the main thread has recorded its group (`released`): a
          // sidecar killed in between leaves no unrecorded group behind. `exec` keeps the pid.
          const held = `IFS= read -r _ || exit 0; exec bash -c "$1"`;
          const child = spawnGroup('bash', ['-c', held, 'foundry-setup', script], { cwd, env: { ...inherited, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }, owner, 'script');
          child.stdin?.on('error', () => {});
          if (child.pid) holds.set(child.pid, () => child.stdin?.end('\n'));
          child.stdout?.pipe(log, { end: false });
          child.stderr?.pipe(log, { end: false });
          child.once('error', (e) => {
            log.end();
            reject(e);
          });
          child.once('close', (exitCode, signal) => {
            log.end(() => resolve({ exitCode, signal }));
          });
        });
      },
      endStaleGroups: ({ groups }) => endStaleGroups(groups),
    },
  };
}
