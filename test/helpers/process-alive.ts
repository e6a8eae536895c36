import { readFileSync } from 'node:fs';

/** Whether `pid` is a process that runs: it exists and is not a zombie (dead, not yet reaped). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
