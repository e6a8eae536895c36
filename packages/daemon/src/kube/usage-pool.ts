import { ALL_NAMESPACES_KEY } from './all-namespaces.js';
import type { KubeConfig } from './kubeconfig.js';
import { Signal } from '../util/signal.js';
import { sharedRelease } from '../util/shared-release.js';
import { fetchPodUsage, METRICS_DEADLINE_MS, MAX_METRICS_BYTES, MetricsUnavailable, type Usage } from './metrics-api.js';

/** How often pods' usage is read again (metrics-server scrapes every 15 s). */
export const USAGE_REFRESH_MS = 15_000;
/** A cluster without metrics-server is asked again this rarely (it may get one). */
const UNAVAILABLE_RETRY_MS = 300_000;
/** After an error (a timeout, a 403): asked again after this. */
const ERROR_RETRY_MS = 60_000;

/** How often a poller reads (tests shorten these). */
export interface UsageTiming {
  refreshMs: number;
  unavailableRetryMs: number;
  /** Also how old the usage may be when a read fails and it is kept: older, it is dropped (blank cells, not numbers from minutes ago). */
  errorRetryMs: number;
  /** The longest one read may take. */
  deadlineMs: number;
}

/**
 * The pods' usage of one namespace (or all) of one context, read from metrics-server every 15 s
 * while someone holds it: k9s's CPU and MEM columns of the pods lists. One poller per (context,
 * namespace), shared by the lists that show it, stopped when the last one lets go.
 */
export class UsagePoller {
  usage: ReadonlyMap<string, Usage> = new Map();
  /**
   * ok: `usage` is the last read; unavailable: no metrics API; error: the last read failed (`usage`
   * is older: kept through one failed read, dropped once it is older than the error retry).
   */
  state: 'reading' | 'ok' | 'unavailable' | 'error' = 'reading';
  /** Bumped on each read that changed `usage`. */
  generation = 0;
  readonly changed = new Signal();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Ends the read in flight when the poller stops (its lists let go): it is not left running. */
  private readonly stopping = new AbortController();
  /** When `usage` was read (0: never). */
  private readAt = 0;
  private readonly timing: UsageTiming;

  constructor(
    private readonly kc: () => KubeConfig,
    private readonly namespace: string | null,
    timing: Partial<UsageTiming> = {},
  ) {
    this.timing = { refreshMs: USAGE_REFRESH_MS, unavailableRetryMs: UNAVAILABLE_RETRY_MS, errorRetryMs: ERROR_RETRY_MS, deadlineMs: METRICS_DEADLINE_MS, ...timing };
  }

  start(): void {
    void this.read();
  }

  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async read(): Promise<void> {
    const t = this.timing;
    let next = t.refreshMs;
    try {
      const r = await fetchPodUsage(this.kc(), this.namespace, MAX_METRICS_BYTES, t.deadlineMs, this.stopping.signal);
      if (this.stopped) return;
      this.usage = r.usage;
      this.readAt = Date.now();
      this.state = 'ok';
      this.generation++;
    } catch (err) {
      if (this.stopped) return;
      this.state = err instanceof MetricsUnavailable ? 'unavailable' : 'error';
      next = err instanceof MetricsUnavailable ? t.unavailableRetryMs : t.errorRetryMs;
      // Reads that keep failing (a 500, a 403, a timeout): the pods' cells must not go on showing
      // what they used minutes (hours) ago as their usage.
      if (this.usage.size > 0 && Date.now() - this.readAt > t.errorRetryMs) {
        this.usage = new Map();
        this.generation++;
      }
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
    const key = `${context}\u0000${namespace ?? ALL_NAMESPACES_KEY}`;
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
