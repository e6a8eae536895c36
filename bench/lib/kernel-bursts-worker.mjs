// Polls the CPU time of the kernel's memory-management threads (/proc/<tid>/schedstat: ns run so
// far) every `everyMs` and writes each span in which one of them ran into `sab`: [stop, count] as
// Int32, then pairs of CLOCK_MONOTONIC milliseconds [from, to], contiguous polls merged.
import { closeSync, openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const { files, sab, everyMs, capacity } = workerData;
const ctl = new Int32Array(sab, 0, 2);
const spans = new Float64Array(sab, 8, capacity * 2);
const now = () => Number(process.hrtime.bigint()) / 1e6;
// One descriptor per file, read again from offset 0 each poll (no open/close, no string decoding).
const fds = files.map((f) => {
  try {
    return openSync(f, 'r');
  } catch {
    return -1;
  }
});
const buf = Buffer.alloc(64);
/** The first field: nanoseconds run so far (0 when the thread is gone). */
const ran = (i) => {
  if (fds[i] < 0) return 0;
  let n;
  try {
    n = readSync(fds[i], buf, 0, buf.length, 0);
  } catch {
    return 0;
  }
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = buf[k];
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  return v;
};
const last = files.map((_, i) => ran(i));
let prev = now();
while (Atomics.load(ctl, 0) === 0) {
  Atomics.wait(ctl, 0, 0, everyMs);
  const t = now();
  let busy = false;
  for (let i = 0; i < files.length; i++) {
    const r = ran(i);
    if (r > last[i]) busy = true;
    last[i] = r;
  }
  if (busy) {
    const n = Atomics.load(ctl, 1);
    if (n > 0 && spans[2 * n - 1] === prev) spans[2 * n - 1] = t;
    else if (n < capacity) {
      spans[2 * n] = prev;
      spans[2 * n + 1] = t;
      Atomics.store(ctl, 1, n + 1);
    }
  }
  prev = t;
}
for (const fd of fds) if (fd >= 0) closeSync(fd);
