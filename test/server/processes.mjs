// Process helpers for tests.
import { readFileSync } from 'node:fs';

/** Whether `pid` is running (a zombie waiting for a reaper is not running). */
export function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}
