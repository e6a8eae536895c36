import type { ApiConfig as KubeConfig } from '../../kube/api-config.js';
import type { Logger } from '../../logging/logger.js';
import { KNOWN_KINDS } from '../../kube/kinds/builtin.js';
import { printerColumnsKind } from '../../kube/kinds/printer-columns.js';
import { serverTableKind } from '../../kube/kinds/server-table-kind.js';
import type { KindDef } from '../../kube/kinds/types.js';
import { KubeApiError } from '../../kube/api-error.js';
import { fetchPrinterColumns, fetchTable } from '../../kube/server-table.js';
import { errorMessage } from '../../util/errors.js';
import { Signal } from '../../util/signal.js';
import { refOf } from './kind-resolution.js';
import type { ResourceRef } from '../../kube/resource-ref.js';

/** Server cells are fetched again this long after the objects last changed… */
const REFRESH_QUIET_MS = 250;
/** …and at most this often. */
const REFRESH_EVERY_MS = 1000;
/**
 * Columns that could not be had (the kind not served yet, the server failing) are looked up again, when the
 * objects change, this long after the failure, doubling with each failure in a row up to RETRY_MAX_MS.
 */
const RETRY_MS = 5000;
const RETRY_MAX_MS = 60_000;

/** A failure a later look-up may not meet: not reached, not found (yet), throttled, a server error. A 403 or a 406 stays. */
const passing = (err: unknown): boolean => !(err instanceof KubeApiError) || err.status === 0 || err.status === 404 || err.status === 429 || err.status >= 500;

/**
 * The columns of a kind we have no printer for, from the server as kubectl gets them: a CRD's
 * `additionalPrinterColumns` (cells computed from each object: live as the watch), or else the server's Table
 * (`as=Table`), whose cells are fetched again (debounced) whenever the watched objects change. Until either
 * arrives, and when neither can be had, the kind keeps NAME (NAMESPACE) AGE.
 */
export class KindColumns {
  kind: KindDef;
  /** Bumped when server cells change without the objects' versions changing (part of the cache key). */
  generation = 0;
  /** What the status line says about the columns (`columns: …` when they could not be had). */
  problem: string | null = null;
  readonly changed = new Signal();
  private cells = new Map<string, readonly unknown[]>();
  private mode: 'fixed' | 'pending' | 'printer' | 'table' = 'fixed';
  private token = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastFetch = 0;
  private inflight = false;
  private again = false;
  private disposed = false;
  /** When the last look-up of the columns failed, to be retried (0: none to retry). */
  private failedAt = 0;
  /** Look-ups failed in a row (the retry waits longer after each). */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly base: KindDef,
    private readonly kc: () => KubeConfig | null,
    private readonly namespace: () => string | null,
    private readonly logger: Logger,
    /** Discovery: whether the server serves the kind at all (nothing else is asked for one it does not). */
    private readonly served: (ref: ResourceRef) => Promise<void>,
  ) {
    this.kind = base;
    if (!KNOWN_KINDS.includes(base)) this.mode = 'pending';
  }

  /** Whether the kind's cells come from the server's Table (so they change without the objects' versions). */
  get serverCells(): boolean {
    return this.mode === 'table';
  }

  /** Starts (again, after a scope change) looking the columns up. */
  start(): void {
    if (this.mode === 'fixed' || this.disposed) return;
    const token = ++this.token;
    // The cells in hand stay until the new Table replaces them (keyed by uid, so none is shown on another object):
    // a scope change must not blank the cells of objects that are still listed.
    if (this.mode === 'table') this.mode = 'pending';
    if (this.mode !== 'pending') return;
    const kc = this.kc();
    if (!kc) return;
    const ref = refOf(this.base);
    void (async () => {
      try {
        await this.served(ref);
      } catch {
        // The list itself says what is not served; the columns are looked up again once it lists (objectsChanged).
        if (token === this.token && !this.disposed) this.failed(true);
        return;
      }
      if (token !== this.token || this.disposed) return;
      try {
        const printer = await fetchPrinterColumns(kc, ref);
        if (token !== this.token || this.disposed) return;
        if (printer) {
          this.failures = 0;
          this.problem = null;
          this.mode = 'printer';
          this.kind = printerColumnsKind(this.base, printer);
          this.changed.emit();
          return;
        }
        const table = await fetchTable(kc, ref, this.namespace());
        if (token !== this.token || this.disposed) return;
        this.failures = 0;
        if (table.columns.length === 0) return;
        this.problem = null;
        this.cells = table.rows;
        this.lastFetch = Date.now();
        this.mode = 'table';
        this.kind = serverTableKind(this.base, table.columns, (uid) => this.cells.get(uid));
        this.generation++;
        this.changed.emit();
      } catch (err) {
        if (token !== this.token || this.disposed) return;
        this.failed(passing(err));
        this.problem = `columns: ${errorMessage(err)}`;
        this.logger.warn({ kind: this.base.id, err: errorMessage(err) }, 'server columns unavailable; showing NAME and AGE');
        this.changed.emit();
      }
    })();
  }

  /**
   * The watched objects changed: a Table kind fetches its cells again (debounced, at most once a second); a kind
   * whose columns could not be had (not served when the list opened, a CRD installed since) looks them up again.
   */
  objectsChanged(): void {
    if (this.disposed) return;
    if (this.mode === 'pending') return this.retryLater();
    if (this.mode !== 'table') return;
    if (this.inflight) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(REFRESH_QUIET_MS, this.lastFetch + REFRESH_EVERY_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, wait);
    this.timer.unref();
  }

  private failed(retry: boolean): void {
    this.failures++;
    this.failedAt = retry ? Date.now() : 0;
  }

  /** After a failed look-up that may pass later: start() again, RETRY_MS after it (longer after several in a row). */
  private retryLater(): void {
    if (this.failedAt === 0 || this.retryTimer) return;
    const wait = Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** Math.min(10, this.failures - 1));
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        if (this.disposed || this.mode !== 'pending' || this.failedAt === 0) return;
        this.failedAt = 0;
        this.start();
      },
      Math.max(0, this.failedAt + wait - Date.now()),
    );
    this.retryTimer.unref();
  }

  private async refresh(): Promise<void> {
    const kc = this.kc();
    if (!kc || this.disposed) return;
    const token = this.token;
    this.inflight = true;
    this.lastFetch = Date.now();
    try {
      const table = await fetchTable(kc, refOf(this.base), this.namespace());
      if (token !== this.token || this.disposed) return;
      this.cells = table.rows;
      this.problem = null;
      this.generation++;
      this.changed.emit();
    } catch (err) {
      if (token === this.token && !this.disposed) {
        this.problem = `columns: ${errorMessage(err)}`;
        this.changed.emit();
      }
    } finally {
      this.inflight = false;
      if (this.again) {
        this.again = false;
        this.objectsChanged();
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.changed.clear();
  }
}
