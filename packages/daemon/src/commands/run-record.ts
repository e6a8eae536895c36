import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readRegularFileSync } from '../util/regular-file.js';

/** How long a left-over program has after SIGTERM before its group gets SIGKILL. */
const KILL_AFTER_MS = 3000;
/** The record holds at most the runs the daemon allows at once; a bigger file is not ours to trust. */
const MAX_RECORD_BYTES = 64 * 1024;

interface Recorded {
  pid: number;
  /** When the process started (/proc/PID/stat field 22, clock ticks since boot): tells it from a later process given its pid. */
  start: string;
}

const isRecorded = (r: unknown): r is Recorded =>
  typeof r === 'object' && r !== null && Number.isSafeInteger((r as Recorded).pid) && (r as Recorded).pid > 1 && typeof (r as Recorded).start === 'string';

/** When process `pid` started, or null when there is none (or no /proc: nothing is recorded then). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (in parentheses, which may hold anything): field 3 onwards; field 22 is the start time.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * The programs `[[commands]]` are running, written down in the state directory: a daemon stopped
 * normally stops their process groups itself, but one killed (-9, the OOM killer, a crash) cannot,
 * and a program that never writes (a `kubectl port-forward`, a `sleep`) would run on, unseen, for
 * ever. The next daemon on the same state directory stops them (`sweep`).
 */
export class RunRecord {
  private readonly runs = new Map<number, string>();

  constructor(
    private readonly file: string,
    private readonly warn: (msg: string) => void,
  ) {}

  /**
   * Stops the process groups the record names (SIGTERM, SIGKILL 3 s later to what is left) and empties
   * it; returns how many groups were signalled. A recorded program still running must be the same process
   * (its start time): a pid reused since is left alone. One that is gone may have left its group (a
   * child of it): signalled too — no process can be given that pid while the group exists.
   */
  sweep(): number {
    const read = readRegularFileSync(this.file, MAX_RECORD_BYTES);
    let recorded: unknown = [];
    if (read.kind === 'ok') {
      try {
        recorded = JSON.parse(read.bytes.toString('utf8'));
      } catch {
        this.warn(`${this.file} is not JSON: no program left by a previous daemon can be stopped`);
      }
    } else if (read.kind === 'refused') {
      this.warn(`${this.file}: ${read.message}`);
    }
    let signalled = 0;
    for (const r of Array.isArray(recorded) ? recorded : []) {
      if (!isRecorded(r)) continue;
      const start = processStart(r.pid);
      if (start !== null && start !== r.start) continue;
      if (!signal(r.pid, 'SIGTERM')) continue;
      signalled++;
      setTimeout(() => {
        const now = processStart(r.pid);
        if (now === null || now === r.start) signal(r.pid, 'SIGKILL');
      }, KILL_AFTER_MS).unref();
    }
    this.write();
    return signalled;
  }

  /** A program started, in its own process group (`pid` leads it). */
  add(pid: number): void {
    const start = processStart(pid);
    if (start === null) return;
    this.runs.set(pid, start);
    this.write();
  }

  /** A run ended: its group is no longer this daemon's to stop. */
  delete(pid: number): void {
    if (this.runs.delete(pid)) this.write();
  }

  private write(): void {
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify([...this.runs].map(([pid, start]) => ({ pid, start }))), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (err) {
      this.warn(`could not write ${this.file} (a daemon killed now would leave its commands running): ${(err as Error).message}`);
    }
  }
}

/** Signals process group `pgid`; false when there is none. */
function signal(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}
