import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** Bytes in use (after any GC) at or past which the heap's growth is capped. */
export const BIG_HEAP_BYTES = 128 * 1024 * 1024;
/** How much the heap may grow past what a full GC left before the next one, once the heap is big. */
export const BIG_HEAP_GROWTH_PERCENT = 100;

/**
 * V8's `--heap-growing-percent` after a GC that left `usedBytes` in use: capped as soon as the heap
 * is big (after any GC: the cap must be set before the full GC that sizes the heap for the next
 * stretch); V8's own choice (0) again only when a full GC left under half of that (so a heap near the
 * line, or one a scavenge saw full of garbage, does not flip at every collection).
 */
export function growthPercentFor(usedBytes: number, full: boolean, current: number, big = BIG_HEAP_BYTES): number {
  if (usedBytes >= big) return BIG_HEAP_GROWTH_PERCENT;
  if (full && usedBytes < big / 2) return 0;
  return current;
}

/** Whether one of these `gc` performance entries is a full GC (node's MAJOR kind; scavenges are MINOR). */
export function anyFullGc(entries: readonly object[]): boolean {
  for (const e of entries) {
    const detail = (e as { detail?: unknown }).detail;
    if (typeof detail === 'object' && detail !== null && (detail as { kind?: unknown }).kind === constants.NODE_PERFORMANCE_GC_MAJOR) return true;
  }
  return false;
}

export interface HeapGrowthOptions {
  big?: number;
  /** Bytes in use now (default: V8's used heap size). */
  usedBytes?: () => number;
  /** Sets the growth percent (default: V8's flag). */
  setGrowthPercent?: (percent: number) => void;
}

/**
 * Caps how far a big heap grows between full GCs: to twice what the last one left. V8 lets the old
 * generation grow up to 4× that before it collects again (the factor it picks when collection costs
 * little): the daemon holding 100k pods (~330 MB live) under 2,000 pod events/s (~7 MB of garbage a
 * second) grew to 1.1 GB in 100 s and on; its scavenges got longer as it grew (max 52 ms), and each
 * full GC of a ~1 GB heap stalled it for up to 300 ms (marker pods painted 115–309 ms after their
 * creation, where the p50 is 7 ms). Capped, the heap stays under ~2× live.
 *
 * What a full GC costs at this size does not change: ~300 ms of marking on the main thread (in steps,
 * while the daemon allocates; on 2 busy cores the concurrent markers get little time) over ~450 ms,
 * and a marker created then is painted 50–190 ms late. The cap sets how often that happens: every
 * ~21 s at 50%, ~42 s at 100% (churn probe, 720–864 markers each: lag p99 41.9 ms uncapped, 31.2 at
 * 50%, 27.3 at 100%; max 204–309, 90, 192 ms). 100%: half the stalls of 50% for ~130 MB more heap.
 * Small heaps keep V8's own factor: capping the growth from startup made a 100k-pod load ~15% slower
 * (many more full GCs of a small, growing heap).
 *
 * The flag is set at run time, after GCs (node's `gc` performance entries): V8 reads it each time a
 * full GC sizes the heap for the next stretch.
 */
export class HeapGrowth {
  private percent = 0;
  private observer: PerformanceObserver | null = null;
  private readonly big: number;
  private readonly usedBytes: () => number;
  private readonly setPercent: (percent: number) => void;

  constructor(opts: HeapGrowthOptions = {}) {
    this.big = opts.big ?? BIG_HEAP_BYTES;
    this.usedBytes = opts.usedBytes ?? (() => getHeapStatistics().used_heap_size);
    this.setPercent = opts.setGrowthPercent ?? ((p) => setFlagsFromString(`--heap-growing-percent=${p}`));
  }

  /** The growth percent set last (0: V8's own). */
  get growthPercent(): number {
    return this.percent;
  }

  start(): this {
    if (this.observer) return this;
    this.observer = new PerformanceObserver((list) => this.afterGc(anyFullGc(list.getEntries())));
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  /** After GCs (one of them full or not): what is in use now is (close to) what they left. */
  afterGc(full: boolean): void {
    const next = growthPercentFor(this.usedBytes(), full, this.percent, this.big);
    if (next === this.percent) return;
    this.percent = next;
    this.setPercent(next);
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}
