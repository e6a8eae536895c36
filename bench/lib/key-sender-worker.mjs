// Sends keys to a pty on a fixed schedule, off the main thread (whose event loop also stamps and
// forwards frames): key k is due at start + k*interval (the schedule never drifts with a late
// key); the thread sleeps (Atomics.wait) until 2 ms before, spins to the due time, writes the key
// with one write(2) on the pty's master fd, and records when the write returned. Times are
// absolute (timeOrigin + now, ms) so the main thread can put them on its own clock.
// The first key is due leadMs after this thread is running (a thread that starts late on a loaded
// machine does not begin with a burst of overdue keys).
// On a machine shared with other work, a sleeping thread may not be run on time: this thread asks
// for a higher priority (SCHED_FIFO through chrt, else nice -15; this thread only; allowed as
// root) and says which it got.
// It only writes a byte on time; the measured client and daemon keep their normal priority.
// In: workerData {fd, keys: string[], intervalMs, leadMs}. Out: {sent: number[], due: number[], nice: number | string} (absolute ms).
import { execFileSync } from 'node:child_process';
import { readlinkSync, writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { fd, keys, intervalMs, leadMs } = workerData;
let nice;
try {
  // /proc/thread-self -> <pid>/task/<tid>: this thread's id.
  const tid = String(Number(readlinkSync('/proc/thread-self').split('/').pop()));
  try {
    // Real-time (SCHED_FIFO 10): woken on time even when every core is busy (a nice value only
    // weighs the share; with lazy preemption a woken thread still waits for the next tick).
    execFileSync('chrt', ['-f', '-p', '10', tid], { stdio: 'ignore' });
    nice = 'SCHED_FIFO 10';
  } catch {
    setPriority(Number(tid), -15);
    nice = 'nice -15';
  }
} catch (err) {
  nice = `normal priority (${err.code ?? err.message})`;
}
const nap = new Int32Array(new SharedArrayBuffer(4));
const now = () => performance.timeOrigin + performance.now();
const startAt = now() + leadMs;
const sent = [];
const due = [];
for (let k = 0; k < keys.length; k++) {
  const at = startAt + k * intervalMs;
  const sleepMs = at - 2 - now();
  if (sleepMs > 0) Atomics.wait(nap, 0, 0, sleepMs);
  while (now() < at) {
    // spin the last 2 ms: a timer's wake-up is ~1 ms coarse
  }
  for (;;) {
    try {
      writeSync(fd, keys[k]);
      break;
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
    }
  }
  sent.push(now());
  due.push(at);
}
parentPort.postMessage({ sent, due, nice });
