import { getHeapSpaceStatistics } from 'node:v8';
import type { Logger } from '../logging/logger.js';

/** How long the daemon must have had no connection before it gives memory back. */
export const IDLE_COMPACT_AFTER_MS = 1000;
/** Below this young generation size there is nothing worth a full collection. */
const WORTH_BYTES = 4 * 1024 * 1024;
/**
 * A young generation this big (V8 grew it) is given back at every idle moment; a smaller one at
 * most once per MIN_GAP_MS, so scripts that connect every few seconds do not cost a full collection
 * each (on a daemon holding a 100k-pod list that is a pause of a few hundred ms).
 */
const GROWN_BYTES = 16 * 1024 * 1024;
const MIN_GAP_MS = 30_000;

type Collect = () => Promise<void>;

/**
 * A full collection that also shrinks the young generation, through an in-process inspector
 * session (no port is opened): V8 grows the young generation's semi-spaces to 2 × 16 MiB while
 * the daemon serves (start-up, a list loading, frames) and keeps them when it goes quiet — about
 * 17 MiB of an idle daemon's RSS — while `HeapProfiler.collectGarbage` collects "all available
 * garbage", which shrinks them to 1 MiB. Null when node was built without the inspector.
 */
async function inspectorCollect(): Promise<Collect | null> {
  try {
    const { Session } = await import('node:inspector');
    return () =>
      new Promise<void>((resolve) => {
        const s = new Session();
        s.connect();
        s.post('HeapProfiler.collectGarbage', () => {
          // Not from inside the callback: disconnecting there deadlocks (node 20).
          setImmediate(() => {
            s.disconnect();
            resolve();
          });
        });
      });
  } catch {
    return null;
  }
}

const youngBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Gives memory back once the daemon has had no connection for a moment: `idle()` when the last
 * connection closed (or start-up finished with none), `busy()` when one arrives. At most one
 * collection per idle period, none when the young generation is already small, and one per 30 s
 * at most unless V8 grew it to 16 MiB or more.
 */
export class IdleCompaction {
  private timer: NodeJS.Timeout | null = null;
  private collect: Promise<Collect | null> | null = null;
  /** Collections run so far (for tests and daemon/status). */
  runs = 0;
  private lastRun = -Infinity;

  constructor(
    private readonly logger: Logger,
    private readonly afterMs = IDLE_COMPACT_AFTER_MS,
  ) {}

  idle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.afterMs);
    this.timer.unref();
  }

  busy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  stop(): void {
    this.busy();
  }

  private async run(): Promise<void> {
    this.timer = null;
    const before = youngBytes();
    if (before < WORTH_BYTES || (before < GROWN_BYTES && performance.now() - this.lastRun < MIN_GAP_MS)) return;
    const collect = await (this.collect ??= inspectorCollect());
    if (!collect) return;
    const t0 = performance.now();
    await collect();
    this.runs++;
    this.lastRun = performance.now();
    this.logger.debug({ youngBefore: before, youngAfter: youngBytes(), ms: Math.round(performance.now() - t0) }, 'idle: memory given back');
  }
}
