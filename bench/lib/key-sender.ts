import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface SentKeys {
  /** When each key's write(2) to the pty returned, on this thread's performance.now() clock. */
  sent: number[];
  /** When each key was due (start + k × interval). */
  due: number[];
  /** The sender thread's priority (SCHED_FIFO 10, nice -15), or why it kept the normal one. */
  nice: number | string;
}

/**
 * Types `keys` into a pty (its master fd) at a precise rate from a worker thread, so a busy main
 * event loop (frames arriving from the pty, screens from the terminal worker) cannot make a key
 * late; the schedule is absolute, so one late key does not shift the ones after it. The thread
 * asks for a higher priority (SCHED_FIFO, else nice -15; itself only) so that other work on the machine does not delay it. The first key
 * is due `leadMs` after the thread is running. Resolves with when each key was
 * actually written: a key can still be late when the machine gives the thread no CPU, and the
 * caller can see which.
 */
export function sendKeysOnSchedule(fd: number, keys: string[], intervalMs: number, leadMs = 20): Promise<SentKeys> {
  const worker = new Worker(new URL('./key-sender-worker.mjs', import.meta.url), {
    workerData: { fd, keys, intervalMs, leadMs },
  });
  return new Promise<SentKeys>((resolve, reject) => {
    worker.once('message', (m: { sent: number[]; due: number[]; nice: number | string }) => {
      const toLocal = (t: number): number => t - performance.timeOrigin;
      resolve({ sent: m.sent.map(toLocal), due: m.due.map(toLocal), nice: m.nice });
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the key sender exited with ${code}`));
    });
  });
}

/**
 * Runs `fn` with this process's main thread (which stamps each frame as it comes out of the pty)
 * at real-time priority, so a busy machine delays the stamp less than it delays the frame; the
 * terminal emulation stays on its worker thread at normal priority. Says what priority it had.
 */
export async function asPromptObserver<T>(fn: () => Promise<T>): Promise<{ result: T; priority: string }> {
  let priority = 'SCHED_FIFO 5';
  try {
    execFileSync('chrt', ['-f', '-p', '5', String(process.pid)], { stdio: 'ignore' });
  } catch {
    priority = 'normal (chrt refused)';
  }
  try {
    return { result: await fn(), priority };
  } finally {
    if (priority.startsWith('SCHED')) execFileSync('chrt', ['-o', '-p', '0', String(process.pid)], { stdio: 'ignore' });
  }
}
