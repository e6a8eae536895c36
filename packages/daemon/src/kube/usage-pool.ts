import type { KubeConfig } from './kubeconfig.js';
import { Signal } from '../util/signal.js';
import { sharedRelease } from '../util/shared-release.js';
import { fetchPodUsage, MetricsUnavailable, type Usage } from './metrics-api.js';

/** How often pods' usage is read again (metrics-server scrapes every 15 s). */
export const USAGE_REFRESH_MS = 15_000;
/** A cluster without metrics-server is asked again this rarely (it may get one). */
const UNAVAILABLE_RETRY_MS = 300_000;
/** After an error (a timeout, a 403): asked again after this. */
const ERROR_RETRY_MS = 60_000;

/**
 * The pods' usage of one namespace (or all) of one context, read from metrics-server every 15 s
 * while someone holds it: k9s's CPU and MEM columns of the pods lists. One poller per (context,
 * namespace), shared by the lists that show it, stopped when the last one lets go.
 */
export class UsagePoller {
  usage: ReadonlyMap<string, Usage> = new Map();
  /** ok: `usage` is the last read; unavailable: no metrics API; error: the last read failed (`usage` is older). */
  state: 'reading' | 'ok' | 'unavailable' | 'error' = 'reading';
  /** Bumped on each read that changed `usage`. */
  generation = 0;
  readonly changed = new Signal();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly kc: () => KubeConfig,
    private readonly namespace: string | null,
  ) {}

  start(): void {
    void this.read();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async read(): Promise<void> {
    let next = USAGE_REFRESH_MS;
    try {
      const r = await fetchPodUsage(this.kc(), this.namespace);
      if (this.stopped) return;
      this.usage = r.usage;
      this.state = 'ok';
      this.generation++;
    } catch (err) {
      if (this.stopped) return;
      this.state = err instanceof MetricsUnavailable ? 'unavailable' : 'error';
      next = err instanceof MetricsUnavailable ? UNAVAILABLE_RETRY_MS : ERROR_RETRY_MS;
    }
    this.changed.emit();
    this.timer = setTimeout(() => void this.read(), next);
    this.timer.unref();
  }
}

export interface UsageHandle {
  readonly poller: UsagePoller;
  release(): void;
}

export class UsagePool {
  private readonly slots = new Map<string, { poller: UsagePoller; refs: number }>();

  constructor(private readonly configFor: (context: string) => KubeConfig) {}

  acquire(context: string, namespace: string | null): UsageHandle {
    const key = `${context}\u0000${namespace ?? '*'}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { poller: new UsagePoller(() => this.configFor(context), namespace), refs: 0 };
      this.slots.set(key, slot);
      slot.poller.start();
    }
    slot.refs++;
    const s = slot;
    return {
      poller: s.poller,
      release: sharedRelease(s, () => {
        s.poller.stop();
        this.slots.delete(key);
      }),
    };
  }

  get size(): number {
    return this.slots.size;
  }

  stopAll(): void {
    for (const s of this.slots.values()) s.poller.stop();
    this.slots.clear();
  }
}
