import type { Usage } from './metrics-api.js';
import { USAGE_REFRESH_MS, type UsageHandle, type UsagePool } from './usage-pool.js';

/** A node's pods spread over more namespaces than this read the whole cluster's usage instead (from then on). */
export const USAGE_MAX_NAMESPACES = 16;
/**
 * A namespace none of the pods is in any more is read this long before its poller goes: a pod that
 * comes and goes (a crash-looping Job's, a CronJob's) does not start a read of its namespace each time.
 */
const LINGER_MS = USAGE_REFRESH_MS;

interface Held {
  handle: UsageHandle;
  off: () => void;
  /** When a pod was last in this namespace (Date.now()). */
  wanted: number;
}

/**
 * The usage of the pods of some namespaces of one context, or of all of them, from the pool's
 * shared pollers. A node's pods (~100, in a few namespaces) read those namespaces' usage, not the
 * whole cluster's every 15 s: on a cluster of 100k pods that was tens of megabytes parsed on the
 * daemon's thread each read, to show a hundred rows.
 */
export class UsageSet {
  /** null: every namespace's usage is read (one poller). */
  private all: Held | null = null;
  private readonly byNamespace = new Map<string, Held>();
  /** The namespaces the pods are in now (the last select). */
  private current: ReadonlySet<string> = new Set();
  /** Bumped when a read lands or the namespaces change: what is keyed on the usage starts over. */
  version = 0;

  constructor(
    private readonly pool: UsagePool,
    private readonly context: string,
    /** Called when a read lands. */
    private readonly onRead: () => void,
  ) {}

  private hold(namespace: string | null, now: number): Held {
    const handle = this.pool.acquire(this.context, namespace);
    const off = handle.poller.changed.subscribe(() => {
      this.version++;
      this.onRead();
    });
    return { handle, off, wanted: now };
  }

  private static drop(h: Held): void {
    h.off();
    h.handle.release();
  }

  /**
   * Reads these namespaces' usage; null, or more than USAGE_MAX_NAMESPACES of them, every
   * namespace's from then on (a list at that edge does not switch back and forth). Pollers kept from
   * the last call keep what they read; one of a namespace no longer asked for lingers (see prune).
   */
  select(namespaces: ReadonlySet<string> | null, now = Date.now()): void {
    let changed = false;
    if (this.all || namespaces === null || namespaces.size > USAGE_MAX_NAMESPACES) {
      if (!this.all) {
        this.all = this.hold(null, now);
        changed = true;
      }
      for (const h of this.byNamespace.values()) UsageSet.drop(h);
      if (this.byNamespace.size > 0) changed = true;
      this.byNamespace.clear();
    } else {
      this.current = namespaces;
      for (const ns of namespaces) {
        if (this.byNamespace.has(ns)) continue;
        this.byNamespace.set(ns, this.hold(ns, now));
        changed = true;
      }
      // Marks the ones asked for as wanted now, and lets go of those left behind long enough (prune
      // bumps the version itself when it does).
      this.prune(now);
      // Lingering ones count: pods passing through many namespaces are not a poller each.
      if (this.byNamespace.size > USAGE_MAX_NAMESPACES) return this.select(null, now);
    }
    if (changed) this.version++;
  }

  /** Lets go of the namespaces no pod has been in for LINGER_MS; says whether it did. */
  prune(now = Date.now()): boolean {
    let dropped = false;
    for (const [ns, h] of this.byNamespace) {
      if (this.current.has(ns)) h.wanted = now;
      if (now - h.wanted < LINGER_MS) continue;
      UsageSet.drop(h);
      this.byNamespace.delete(ns);
      dropped = true;
    }
    if (dropped) this.version++;
    return dropped;
  }

  get(namespace: string, name: string): Usage | undefined {
    const h = this.all ?? this.byNamespace.get(namespace);
    return h?.handle.poller.usage.get(`${namespace}/${name}`);
  }

  /** A read has come from a cluster that has metrics: the usage columns are shown. */
  get shown(): boolean {
    for (const h of this.all ? [this.all] : this.byNamespace.values()) {
      const p = h.handle.poller;
      if (p.generation > 0 && p.state !== 'unavailable') return true;
    }
    return false;
  }

  release(): void {
    if (this.all) UsageSet.drop(this.all);
    this.all = null;
    for (const h of this.byNamespace.values()) UsageSet.drop(h);
    this.byNamespace.clear();
  }
}
