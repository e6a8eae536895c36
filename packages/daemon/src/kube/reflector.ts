import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logging/logger.js';
import { Signal } from '../util/signal.js';
import { KubeApiError, transportError } from './api-error.js';
import { Backoff } from './backoff.js';
import { collectionPath, kubeRequest } from './kube-http.js';
import { ObjectStore } from './object-store.js';
import type { ResourceRef } from './resource-ref.js';
import type { KubeObject } from './types.js';

export type ReflectorState = 'connecting' | 'synced' | 'reconnecting' | 'error';

const PAGE = 5000;

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

function isObject(x: unknown): x is KubeObject {
  const m = (x as { metadata?: { uid?: unknown; name?: unknown } } | null)?.metadata;
  return typeof m?.uid === 'string' && typeof m?.name === 'string';
}

/** managedFields are big and rarely read; the YAML pane fetches the object fresh when asked. */
function slim(o: KubeObject): KubeObject {
  if (o.metadata.managedFields) delete o.metadata.managedFields;
  return o;
}

/**
 * List + watch for one (context, resource, namespace) into an ObjectStore. Unlike client-node's
 * informer it never stops for good: a dropped watch is resumed from the last resourceVersion with
 * backoff, a 410 Expired relists, and errors are surfaced as state for the status bar.
 */
export class Reflector {
  readonly store = new ObjectStore();
  readonly changed = new Signal();
  state: ReflectorState = 'connecting';
  error: string | null = null;
  /** Bumped on every change to the store. */
  version = 0;
  private rv = '';
  private stopped = false;
  private abort: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly backoff = new Backoff();
  private emitPending = false;
  /** Counters for status and tests. */
  readonly stats = { lists: 0, watches: 0, events: 0, relists410: 0 };

  constructor(
    private readonly kc: KubeConfig,
    readonly resource: ResourceRef,
    readonly namespace: string | null,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.list();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort();
    this.changed.clear();
  }

  private notify(): void {
    this.version++;
    if (this.emitPending) return;
    this.emitPending = true;
    setImmediate(() => {
      this.emitPending = false;
      if (!this.stopped) this.changed.emit();
    });
  }

  private setState(state: ReflectorState, error: string | null): void {
    if (this.state === state && this.error === error) return;
    this.state = state;
    this.error = error;
    this.notify();
  }

  private retry(what: () => void, err: KubeApiError): void {
    if (this.stopped) return;
    const fatalish = err.status === 401 || err.status === 403 || err.status === 404;
    this.setState(fatalish ? 'error' : 'reconnecting', err.message);
    const delay = this.backoff.next();
    this.logger.warn({ resource: this.resource.plural, namespace: this.namespace, err: err.message, retryInMs: delay }, 'watch failed; retrying');
    this.timer = setTimeout(what, delay);
  }

  private async list(): Promise<void> {
    if (this.stopped) return;
    const path = collectionPath(this.resource, this.namespace);
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let rv = '';
    try {
      do {
        const body = await kubeRequest<ListBody>(this.kc, { path, query: { limit: PAGE, continue: cont } });
        for (const it of body.items ?? []) if (isObject(it)) items.push(slim(it));
        cont = body.metadata?.continue || undefined;
        rv = body.metadata?.resourceVersion ?? rv;
      } while (cont && !this.stopped);
    } catch (err) {
      return this.retry(() => void this.list(), err instanceof KubeApiError ? err : transportError(err, path));
    }
    if (this.stopped) return;
    this.stats.lists++;
    this.store.replace(items);
    this.rv = rv;
    this.setState('synced', null);
    this.notify();
    this.watch();
  }

  private watch(): void {
    if (this.stopped) return;
    const path = collectionPath(this.resource, this.namespace);
    const started = Date.now();
    let events = 0;
    let expired = false;
    let errored: KubeApiError | null = null;
    this.stats.watches++;
    const done = (err: unknown): void => {
      this.abort = null;
      if (this.stopped) return;
      if (expired) {
        this.stats.relists410++;
        this.logger.info({ resource: this.resource.plural, namespace: this.namespace }, 'resourceVersion expired (410); relisting');
        // A burst of 410s would otherwise relist in a loop.
        if (this.stats.relists410 > 1 && Date.now() - started < 1000) this.timer = setTimeout(() => void this.list(), this.backoff.next());
        else void this.list();
        return;
      }
      const e = errored ?? (err ? toKubeError(err, path) : null);
      if (e) {
        if (e.status === 410) {
          this.stats.relists410++;
          void this.list();
          return;
        }
        this.retry(() => this.watch(), e);
        return;
      }
      // The server ended the watch (timeout): resume at once, unless it keeps ending them instantly.
      if (events === 0 && Date.now() - started < 1000) this.timer = setTimeout(() => this.watch(), this.backoff.next());
      else {
        this.backoff.reset();
        this.watch();
      }
    };
    const onEvent = (phase: string, obj: unknown): void => {
      if (this.stopped) return;
      events++;
      this.stats.events++;
      if (phase === 'ERROR') {
        const s = obj as { code?: number; message?: string };
        if (s?.code === 410) expired = true;
        else errored = new KubeApiError(s?.message ?? 'watch error', s?.code ?? 500);
        this.abort?.abort();
        return;
      }
      const rv = (obj as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
      if (rv) this.rv = rv;
      if (phase === 'BOOKMARK') return;
      if (!isObject(obj)) return;
      if (phase === 'DELETED') this.store.remove(obj);
      else this.store.upsert(slim(obj));
      if (this.state !== 'synced') this.setState('synced', null);
      this.backoff.reset();
      this.notify();
    };
    new Watch(this.kc)
      .watch(path, { resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: 240 + Math.floor(Math.random() * 120) }, onEvent, done)
      .then((ac) => {
        if (this.stopped) ac.abort();
        else this.abort = ac;
      })
      .catch((err: unknown) => done(err));
  }
}

function toKubeError(err: unknown, path: string): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const e = err as { statusCode?: number; code?: number | string; message?: string; name?: string };
  if (e?.name === 'AbortError') return new KubeApiError('watch aborted', 0);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.code === 'number' ? e.code : 0;
  if (status) return new KubeApiError(`watch ${path}: ${e.message ?? `HTTP ${status}`}`, status);
  return transportError(err, path);
}
