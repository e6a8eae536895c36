import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { durations, msShort, summary, type Span } from '../stats.js';

/** Kernel threads that reclaim, compact or monitor memory: on these VMs `kdamond.0` (DAMON, paddr, sampling every 0.5 s) runs 5–10 ms at a time. */
const MEMORY_THREADS = /^(kdamond|kswapd|kcompactd)/;
const EVERY_MS = 2;
const CAPACITY = 100_000;

/** The kernel's memory-management threads: tid and name (children of kthreadd). */
function memoryThreads(): Array<{ tid: number; name: string }> {
  const out: Array<{ tid: number; name: string }> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === 2 && MEMORY_THREADS.test(name)) out.push({ tid: Number(d), name });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * When the kernel's memory-management threads ran, polled every 2 ms from a worker thread,
 * so a key's latency can be told apart from the kernel taking one of the machine's cores meanwhile
 * (on these 2-core VMs a key that overlaps one of kdamond's bursts is 2–4× slower: the bursts take
 * a core, and the daemon and the client share the other). Informative only: no verdict excludes them.
 */
export class KernelBursts {
  private readonly ctl: Int32Array;
  private readonly spans: Float64Array;
  /** CLOCK_MONOTONIC ms minus performance.now(), in this thread. */
  private readonly offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  private readonly t0 = performance.now();
  private readonly ran0: number;

  private constructor(
    readonly threads: Array<{ tid: number; name: string }>,
    /** Held for as long as this sampler is (the worker stops itself on `stop`). */
    readonly worker: Worker,
    sab: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(sab, 0, 2);
    this.spans = new Float64Array(sab, 8, CAPACITY * 2);
    this.ran0 = this.ranMs();
  }

  /** The threads' CPU time so far (ms). */
  private ranMs(): number {
    let ns = 0;
    for (const t of this.threads) {
      try {
        ns += Number(readFileSync(`/proc/${t.tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // gone
      }
    }
    return ns / 1e6;
  }

  /** Null where /proc shows no such thread (not Linux, or a kernel without them). */
  static start(): KernelBursts | null {
    let threads: Array<{ tid: number; name: string }>;
    try {
      threads = memoryThreads();
    } catch {
      return null;
    }
    if (threads.length === 0) return null;
    const sab = new SharedArrayBuffer(8 + CAPACITY * 16);
    const worker = new Worker(new URL('./kernel-bursts-worker.mjs', import.meta.url), {
      workerData: { files: threads.map((t) => `/proc/${t.tid}/schedstat`), sab, everyMs: EVERY_MS, capacity: CAPACITY },
    });
    worker.unref();
    return new KernelBursts(threads, worker, sab);
  }

  /** Whether one of the threads ran between two performance.now() stamps (to within a poll's 2 ms). */
  overlaps(from: number, to: number): boolean {
    const a = from + this.offset;
    const b = to + this.offset;
    const n = Atomics.load(this.ctl, 1);
    for (let i = n - 1; i >= 0; i--) {
      const s = this.spans[2 * i]!;
      const e = this.spans[2 * i + 1]!;
      if (e < a) return false;
      if (s < b) return true;
    }
    return false;
  }

  /** `kcompactd0, kswapd0, kdamond.0: ran in 358 spans over 81 s (p50 2 ms, the longest 30 ms), ~2.1% of a core` (a span: polls in a row that saw one of them run) */
  describe(): string {
    const n = Atomics.load(this.ctl, 1);
    const lens: number[] = [];
    for (let i = 0; i < n; i++) lens.push(this.spans[2 * i + 1]! - this.spans[2 * i]!);
    lens.sort((x, y) => x - y);
    const secs = (performance.now() - this.t0) / 1000;
    const busy = this.ranMs() - this.ran0;
    const names = this.threads.map((t) => t.name).join(', ');
    if (n === 0) return `${names}: idle over ${secs.toFixed(0)} s`;
    return `${names}: ran in ${n} spans over ${secs.toFixed(0)} s (p50 ${lens[Math.floor(n / 2)]!.toFixed(0)} ms, the longest ${lens[n - 1]!.toFixed(0)} ms), ~${((100 * busy) / (secs * 1000)).toFixed(1)}% of a core`;
  }

  /**
   * Report rows: what the threads did, and per kind of sample ([sent, answered] stamps) how many
   * overlapped one of their bursts and the p99 without those (said, never used for a verdict).
   */
  rows(spans: Record<string, Span[]>): Array<[string, string]> {
    const parts = Object.entries(spans).map(([kind, list]) => {
      const clear = durations(list.filter(([a, b]) => !this.overlaps(a, b)));
      return `${kind} ${list.length - clear.length}/${list.length} (p99 without: ${msShort(summary(clear).p99)})`;
    });
    return [
      ["the kernel's memory threads meanwhile", this.describe()],
      ['samples that overlapped one of their bursts', parts.join(', ')],
    ];
  }

  /** Ends the polling: the worker leaves its loop at once (woken from its wait), closes its files and exits. */
  stop(): void {
    Atomics.store(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
  }
}
