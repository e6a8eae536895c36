import { discoverResources, type DiscoveredResource } from './discovery.js';
import type { KubeConfig } from './kubeconfig.js';

/** A discovery is used this long; then read again (a CRD installed meanwhile shows up). */
const TTL_MS = 60_000;
/** A failed discovery is given again for this long to callers that do not retry (a plugin asking in a loop). */
const RETRY_MS = 5_000;

/**
 * What each context's API server serves (its discovery), shared by the `:` switcher and the names plugins
 * use: one discovery per context at a time (callers join the one running), used for a minute, forgotten
 * when the kubeconfig changes or removes the context (a context pointed at another cluster listed the old
 * one's kinds for up to a minute). Two caches of the same documents, each with its own discoveries, were
 * here before.
 */
export class DiscoveryCache {
  private readonly good = new Map<string, { at: number; list: DiscoveredResource[] }>();
  private readonly failed = new Map<string, { at: number; err: unknown }>();
  private readonly running = new Map<string, Promise<DiscoveredResource[]>>();
  /**
   * A context's discoveries since the last forget (a token compared by identity): a discovery started
   * before a forget does not store what the old cluster served. Forget removes it (no entry is left
   * for a context that went away).
   */
  private readonly generation = new Map<string, object>();

  constructor(
    private readonly kcOf: (context: string) => KubeConfig,
    private readonly ttlMs = TTL_MS,
    private readonly retryMs = RETRY_MS,
  ) {}

  /** The last discovery of `context` that worked, however old, or undefined (the switcher's synchronous lookups). */
  last(context: string): DiscoveredResource[] | undefined {
    return this.good.get(context)?.list;
  }

  /**
   * The resources `context` serves: the last discovery while under a minute old, else a new one (or the
   * one running). Rejects when discovery fails. `retry` (a user's `:`): a new discovery after a failure;
   * without it, a failure under 5 s old is given again without asking the API server.
   */
  get(context: string, opts: { retry?: boolean } = {}): Promise<DiscoveredResource[]> {
    const now = Date.now();
    const good = this.good.get(context);
    if (good && now - good.at < this.ttlMs) return Promise.resolve(good.list);
    const running = this.running.get(context);
    if (running) return running;
    const failed = this.failed.get(context);
    if (failed && !opts.retry && now - failed.at < this.retryMs) return Promise.reject(failed.err);
    let gen = this.generation.get(context);
    if (!gen) this.generation.set(context, (gen = {}));
    const current = (): boolean => this.generation.get(context) === gen;
    // Started after it is recorded (a synchronous throw would otherwise leave a settled entry behind for good).
    const p = Promise.resolve()
      .then(() => discoverResources(this.kcOf(context)))
      .then(
        (list) => {
          if (current()) {
            this.good.set(context, { at: Date.now(), list });
            this.failed.delete(context);
          }
          return list;
        },
        (err: unknown) => {
          if (current()) this.failed.set(context, { at: Date.now(), err });
          throw err;
        },
      )
      .finally(() => {
        if (this.running.get(context) === p) this.running.delete(context);
      });
    this.running.set(context, p);
    return p;
  }

  /** The context now names another cluster, or none: what was discovered of it is not used again. */
  forget(context: string): void {
    this.generation.delete(context);
    this.good.delete(context);
    this.failed.delete(context);
    this.running.delete(context);
  }
}
