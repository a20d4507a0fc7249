/**
 * Who a process is, beyond its pid. A pid is reused after a reboot (and, rarely, after it
 * wraps), so a recorded process group is only ever signalled when its leader is provably the
 * process that was spawned: same boot, same start time.
 *
 * Linux: the boot id (/proc/sys/kernel/random/boot_id) and the start time in clock ticks since
 * boot (field 22 of /proc/<pid>/stat). Elsewhere (macOS): `sysctl kern.bootsessionuuid` and
 * `ps -o lstart=`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  bootId: string | null;
  startTime: string | null;
}

/** Whether the process now at `pid` is the one `recorded` describes. Only `same` may be signalled. */
export type Verdict = 'same' | 'other_boot' | 'other_process' | 'gone' | 'unproven';

const linux = process.platform === 'linux';
let cachedBootId: Promise<string | null> | undefined;

function bootId(): Promise<string | null> {
  cachedBootId ??= linux
    ? Promise.resolve(readOrNull('/proc/sys/kernel/random/boot_id'))
    : run('sysctl', ['-n', 'kern.bootsessionuuid']);
  return cachedBootId;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and ')'). */
export function procStat(pid: number): string[] | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (!stat) return null;
  const end = stat.lastIndexOf(')');
  return end < 0 ? null : stat.slice(end + 2).split(' ');
}

function startTime(pid: number): Promise<string | null> {
  if (linux) {
    // procStat()[0] is field 3 (state), so field 22 (starttime) is index 19.
    return Promise.resolve(procStat(pid)?.[19] ?? null);
  }
  return run('ps', ['-o', 'lstart=', '-p', String(pid)]);
}

/** The identity of the live process `pid`. On Linux it is read synchronously, before any reap can happen. */
export async function identify(pid: number): Promise<ProcessIdentity> {
  const [b, s] = [bootId(), startTime(pid)];
  return { bootId: await b, startTime: await s };
}

export async function compare(pid: number, recorded: ProcessIdentity): Promise<Verdict> {
  if (!recorded.bootId || !recorded.startTime) return 'unproven';
  const now = await identify(pid);
  if (!now.bootId || now.bootId !== recorded.bootId) return 'other_boot';
  if (!now.startTime) return 'gone';
  return now.startTime === recorded.startTime ? 'same' : 'other_process';
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function run(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: 5000 }, (error, stdout) => resolve(error ? null : stdout.trim() || null));
  });
}
