import { createRequire } from 'node:module';

/**
 * node:v8 and node:vm, loaded on first use: node:v8 alone is ~1.7 ms of compiling, and a client
 * first asks after its first frame is painted — not on the way to it.
 */
const load = createRequire(import.meta.url);
let v8: typeof import('node:v8') | undefined;
const nodeV8 = (): typeof import('node:v8') => (v8 ??= load('node:v8') as typeof import('node:v8'));

/** The young generation: bytes in use, and how many it holds before V8 scavenges on its own. */
export interface YoungGen {
  used: number;
  capacity: number;
}

export interface IdleScavengeOptions {
  /** Quiet time after the last frame before the scavenge runs (default 15 ms). */
  idleMs?: number;
  /** Scavenge when the young generation is at least this full (default 0.3 of its capacity). */
  fill?: number;
  /** Reads the young generation (default: V8's new space). */
  youngGen?: () => YoungGen;
  /** Runs a minor GC (default: V8's, exposed for this; null when unavailable: then nothing is done). */
  minorGc?: (() => void) | null;
}

const v8YoungGen = (): YoungGen => {
  for (const s of nodeV8().getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space') return { used: s.space_used_size, capacity: s.space_used_size + s.space_available_size };
  }
  return { used: 0, capacity: Infinity };
};

let v8Minor: (() => void) | null | undefined;
/**
 * V8's `gc({ type: 'minor' })`, obtained without starting node with --expose-gc: the flag set at
 * run time exposes `gc` to contexts created afterwards (a throwaway vm context here; the process's
 * own global never gets it). Null when this V8 refuses.
 */
function v8MinorGc(): (() => void) | null {
  if (v8Minor !== undefined) return v8Minor;
  try {
    nodeV8().setFlagsFromString('--expose-gc');
    const gc = (load('node:vm') as typeof import('node:vm')).runInNewContext('gc') as unknown;
    v8Minor = typeof gc === 'function' ? () => (gc as (o: { type: 'minor' }) => void)({ type: 'minor' }) : null;
  } catch {
    v8Minor = null;
  }
  return v8Minor;
}

/** Young-generation bytes past which work done in slices scavenges after its slice (`scavengeAfterSlice`). */
export const SLICE_SCAVENGE_BYTES = 4 * 1024 * 1024;

/**
 * For work done in slices between other work (warming a big list, sorting it in the background):
 * after a slice, when the young generation holds at least `bytes`, scavenge now, while nothing
 * waits. Such work keeps most of what it makes (cells, sort keys, orders); left to V8, the young
 * generation fills with it and each scavenge copies all of it at once: after a 100k-pod list loaded,
 * scavenges of 10–48 ms every ~30 ms (V8's own and the idle scavenger's), and a key pressed then
 * waited for one (key → handled: 34 and 49 ms, where the handler itself took 0.3 ms). Scavenged
 * slice by slice, each pause copies what a slice or two made. True when it scavenged.
 */
export function scavengeAfterSlice(bytes = SLICE_SCAVENGE_BYTES, youngGen: () => YoungGen = v8YoungGen, minorGc: () => (() => void) | null = v8MinorGc): boolean {
  if (youngGen().used < bytes) return false;
  const gc = minorGc();
  if (!gc) return false;
  gc();
  return true;
}

/**
 * Moves young-generation GC (scavenges) off the path of a frame, in the client (frames painted) and
 * in the daemon (frames sent). A frame allocates (a view rendered or parsed, rows composed, a diff
 * written): every so many frames V8 scavenges in the middle of one, and that frame is late by the
 * scavenge (in the key → frame timeline of a 160×50 client: 1.5–13 ms in a client, about one frame
 * in 14; 10–13 ms in the daemon, one key in 100). After each frame, when the young generation is
 * past `fill` of its capacity, a scavenge runs once there has been no frame for `idleMs` — while
 * nothing waits for it; a frame in the meantime pushes it back. Frames without a quiet moment (a
 * stream of changes) leave V8 to scavenge as before.
 */
export class IdleScavenger {
  private timer: NodeJS.Timeout | null = null;
  private readonly idleMs: number;
  private readonly fill: number;
  private readonly youngGen: () => YoungGen;
  /** Undefined until first needed (exposing V8's gc makes a vm context: not on the first frame's path). */
  private minorGc: (() => void) | null | undefined;

  constructor(opts: IdleScavengeOptions = {}) {
    this.idleMs = opts.idleMs ?? 15;
    this.fill = opts.fill ?? 0.3;
    this.youngGen = opts.youngGen ?? v8YoungGen;
    this.minorGc = opts.minorGc;
  }

  /** A frame was painted (or other work done): the quiet time starts again. */
  busy(): void {
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    if (this.minorGc === null) return;
    const y = this.youngGen();
    if (y.used < this.fill * y.capacity) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.minorGc === undefined) this.minorGc = v8MinorGc();
      this.minorGc?.();
    }, this.idleMs);
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
