import type { Usage } from './metrics-api.js';
import type { UsageHandle, UsagePool } from './usage-pool.js';

/** A node's pods spread over more namespaces than this read the whole cluster's usage instead. */
export const USAGE_MAX_NAMESPACES = 16;

interface Held {
  handle: UsageHandle;
  off: () => void;
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
  /** Bumped when a read lands or the namespaces change: what is keyed on the usage starts over. */
  version = 0;

  constructor(
    private readonly pool: UsagePool,
    private readonly context: string,
    /** Called when a read lands. */
    private readonly onRead: () => void,
  ) {}

  private hold(namespace: string | null): Held {
    const handle = this.pool.acquire(this.context, namespace);
    const off = handle.poller.changed.subscribe(() => {
      this.version++;
      this.onRead();
    });
    return { handle, off };
  }

  private static drop(h: Held): void {
    h.off();
    h.handle.release();
  }

  /**
   * Reads these namespaces' usage; null, or more than USAGE_MAX_NAMESPACES of them, every
   * namespace's. Pollers kept from the last call keep what they read.
   */
  select(namespaces: ReadonlySet<string> | null): void {
    const everyNs = namespaces === null || namespaces.size > USAGE_MAX_NAMESPACES;
    let changed = false;
    if (everyNs) {
      if (!this.all) {
        this.all = this.hold(null);
        changed = true;
      }
      for (const h of this.byNamespace.values()) UsageSet.drop(h);
      if (this.byNamespace.size > 0) changed = true;
      this.byNamespace.clear();
    } else {
      for (const ns of namespaces) {
        if (this.byNamespace.has(ns)) continue;
        this.byNamespace.set(ns, this.hold(ns));
        changed = true;
      }
      for (const [ns, h] of this.byNamespace) {
        if (namespaces.has(ns)) continue;
        UsageSet.drop(h);
        this.byNamespace.delete(ns);
        changed = true;
      }
      if (this.all) {
        UsageSet.drop(this.all);
        this.all = null;
        changed = true;
      }
    }
    if (changed) this.version++;
  }

  /** The namespaces read one by one (empty when every namespace's usage is read). */
  get namespaces(): string[] {
    return [...this.byNamespace.keys()];
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
