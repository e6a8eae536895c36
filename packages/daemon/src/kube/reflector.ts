import type { KubeConfig } from './kubeconfig.js';
import type { Logger } from '../logging/logger.js';
import { Signal } from '../util/signal.js';
import { CredentialError, KubeApiError, statusMessage, transportError } from './api-error.js';
import { Backoff } from './backoff.js';
import { collectionPath } from './kube-http.js';
import { ingest } from './ingest.js';
import { listPages } from './list-pages.js';
import { ObjectStore } from './object-store.js';
import type { ResourceRef } from './resource-ref.js';
import { wentBackwards } from './resource-version.js';
import type { KubeObject } from './types.js';
import { openWatch, type WatchStream } from './watch-stream.js';

export type ReflectorState = 'connecting' | 'synced' | 'reconnecting' | 'error';

/** Later pages: small pages parse with much less GC than big ones, and the next is fetched while one is applied. */
const PAGE = 1000;
/** The first page of a first list is small: its rows reach the screen while the rest loads. */
const FIRST_PAGE = 500;
/** After the first page of a first list, the next is parsed only after this long: time for the first rows' frame to leave. */
const FIRST_FRAME_MS = 20;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Resolves once the first page's rows have had their frame: FIRST_FRAME_MS, then two turns of the
 * event loop, so that the view told of the page (a setImmediate, see notify) and the frame its
 * listeners schedule (the frame scheduler's setImmediate) run first even when the timer fires before
 * them (a process the machine did not run for FIRST_FRAME_MS: the next page's answer, already in,
 * was parsed and added before the first rows went out).
 */
async function firstFrameOut(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, FIRST_FRAME_MS));
  await nextTurn();
  await nextTurn();
}
/** While a first list loads, the view is told of new pages at most this often. */
const LOADING_FRAME_MS = 250;
/** How long the status bar says what an unusual relist repaired. */
export const NOTICE_MS = 60_000;
/** A watch that lasted this long was healthy: the next failure starts the backoff over. */
const HEALTHY_WATCH_MS = 30_000;
/**
 * A watch that ended sooner than this after it opened proved nothing, whatever it sent: the next one
 * waits for the backoff (a server that answers every watch with one event and ends it was watched
 * again at once, in a loop: tens of thousands of requests in seconds), and its events do not reset it.
 */
const QUICK_WATCH_MS = 1000;

/** Why the store is rebuilt from a fresh list; `reset` when the reason already says the server's store went back. */
interface RelistReason {
  text: string;
  reset: boolean;
}

function isObject(x: unknown): x is KubeObject {
  const m = (x as { metadata?: { uid?: unknown; name?: unknown } } | null)?.metadata;
  return typeof m?.uid === 'string' && typeof m?.name === 'string';
}

function asApiError(err: unknown, what: string): KubeApiError {
  return err instanceof KubeApiError ? err : transportError(err, what);
}

const tooLarge = (msg: string): boolean => /too large resource version/i.test(msg);

/**
 * List + watch for one (context, resource, namespace) into an ObjectStore. Unlike client-node's
 * informer it never stops for good and always converges to the server's truth:
 * - the resource is checked against discovery before the first list (nothing else is requested for
 *   a resource the server does not serve);
 * - a dropped watch is resumed from the last resourceVersion, with backoff; after the server was
 *   unreachable (connection refused: it restarted, maybe on a restored store) it relists instead;
 * - any watch error it cannot resume from (410 Expired, 504 "Too large resource version", an
 *   in-stream ERROR, a malformed event, a resourceVersion that goes backwards) relists, which
 *   replaces the store (ghosts removed, missing objects added), with backoff;
 * - state for the status bar: `synced` again as soon as a watch is established or a BOOKMARK
 *   arrives; a `notice` says for a minute what an unusual relist repaired.
 */
export class Reflector {
  readonly store = new ObjectStore();
  readonly changed = new Signal();
  state: ReflectorState = 'connecting';
  error: string | null = null;
  /** While a first list arrives page by page: how many objects so far, of how many (when the server says). */
  loading: { loaded: number; total: number | null } | null = null;
  /** What the last unusual relist repaired (`relisted: the API server's store was reset …`), for a minute. */
  notice: string | null = null;
  noticeAt = 0;
  /** Bumped on every change to the store or the state. */
  version = 0;
  private rv = '';
  /** When the current watch opened (its events reset the backoff only once it has lasted QUICK_WATCH_MS). */
  private watchStarted = 0;
  private stopped = false;
  /** Why this watch was halted (its context left the kubeconfig), until resume(). */
  private halted: string | null = null;
  /** Bumped by halt(): a list under way then is let go of. */
  private runGen = 0;
  private stream: WatchStream | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** What the pending timer will do (a retry waiting for its backoff), for reconnect(). */
  private pending: (() => void) | null = null;
  /** Which watch is the current one: a watch opened before a reconnect() is let go of when it answers. */
  private watchGen = 0;
  private noticeTimer: NodeJS.Timeout | null = null;
  private readonly backoff = new Backoff();
  private emitPending = false;
  private loadingNotifiedAt = 0;
  private verified = false;
  /** The server refused connections: when it is back, relist rather than resume. */
  private serverWasDown = false;
  private reason: RelistReason | null = null;
  /** The collection was not found (404) since discovery was last checked: the next check reads discovery again. */
  private notFound = false;
  /** Counters for status and tests. */
  readonly stats = { lists: 0, listsExpired: 0, watches: 0, events: 0, relists: 0, relists410: 0 };

  constructor(
    private readonly kc: KubeConfig,
    readonly resource: ResourceRef,
    readonly namespace: string | null,
    private readonly logger: Logger,
    /** Discovery check run before the first list (and again after the collection was not found). */
    private readonly verify: ((r: ResourceRef, fresh: boolean) => Promise<void>) | null = null,
    /** Lists and watches only what this field selector picks (`metadata.name=web-1`: one object). */
    readonly fieldSelector: string | null = null,
  ) {
    const name = fieldSelector?.startsWith('metadata.name=') ? fieldSelector.slice('metadata.name='.length) : null;
    // An escaped selector value (`\,`…) is not compared: the server's own matching stands.
    this.onlyName = name === null || name.includes('\\') ? null : name;
  }

  /** The one name the field selector picks (null: any name), checked on every listed and watched object. */
  private readonly onlyName: string | null;

  start(): void {
    void this.list();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.stream?.abort();
    this.stream = null;
    this.changed.clear();
  }

  /**
   * Stops listing and watching for now, saying why (the state is `error` with `reason`): the
   * context it uses is gone from the kubeconfig, so its credentials are not used any more. The
   * store keeps what was last seen; resume() lists again.
   */
  halt(reason: string): void {
    if (this.stopped || this.halted !== null) return;
    this.halted = reason;
    this.abandon();
    this.setState('error', reason);
  }

  /** Lets go of whatever is under way: a list (its next pages, its answer), a watch open or being opened, a retry waiting. */
  private abandon(): void {
    this.runGen++;
    this.watchGen++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    this.stream?.abort();
    this.stream = null;
    this.loading = null;
  }

  /** After halt(): the context is back, maybe pointing elsewhere; the list is fetched again and replaces the store. */
  resume(): void {
    if (this.stopped || this.halted === null) return;
    this.halted = null;
    this.backoff.reset();
    this.verified = false;
    this.setState('connecting', null);
    void this.list();
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

  /**
   * A page of a first list was added: the view is told at once for the first page, then at most
   * every LOADING_FRAME_MS (each page need not cost a new frame; the end of the list always does).
   */
  private loadingChanged(): void {
    const now = Date.now();
    if (this.loading && this.loading.loaded > FIRST_PAGE && now - this.loadingNotifiedAt < LOADING_FRAME_MS) {
      this.version++;
      return;
    }
    this.loadingNotifiedAt = now;
    this.notify();
  }

  private setState(state: ReflectorState, error: string | null): void {
    if (this.state === state && this.error === error) return;
    this.state = state;
    this.error = error;
    this.notify();
  }

  /** The server answers and the watch works: the status bar says connected. */
  private healthy(): void {
    this.setState('synced', null);
  }

  private setNotice(text: string): void {
    this.notice = text;
    this.noticeAt = Date.now();
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.noticeTimer = null;
      this.notice = null;
      this.notify();
    }, NOTICE_MS);
    this.noticeTimer.unref();
    this.notify();
  }

  private schedule(what: () => void, delay: number): void {
    if (this.stopped || this.halted !== null) return;
    if (this.timer) clearTimeout(this.timer);
    this.pending = what;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pending = null;
      what();
    }, delay);
  }

  /**
   * The kubeconfig of this watch's context changed. Its credentials only (`relist` false): a retry
   * waiting for its backoff runs now, and an open watch is opened again from the same
   * resourceVersion with them. Its server or CA (`relist`): another cluster may answer now, so
   * whatever is under way is let go of — a list's answer (or its next pages) and a watch opened
   * from a resourceVersion of the cluster before are not this one's, and another server may well
   * take that continue token or resourceVersion — and the list is fetched again and replaces the
   * store. A list under way with new credentials only fetches its next pages with them.
   */
  reconnect(relist = false): void {
    if (this.stopped || this.halted !== null) return;
    this.backoff.reset();
    if (relist) {
      this.abandon();
      this.verified = false;
      this.relist({ text: 'the kubeconfig changed the server of this context', reset: false });
      return;
    }
    const waiting = this.timer !== null && this.pending !== null ? this.pending : null;
    const open = this.stream;
    if (open) {
      this.stream = null;
      this.watchGen++;
      open.abort();
    }
    if (waiting) {
      clearTimeout(this.timer!);
      this.timer = null;
      this.pending = null;
      waiting();
    } else if (open) this.watch();
  }

  /** A failure to retry later: the state says why. */
  private fail(retry: 'list' | 'watch', err: KubeApiError): void {
    if (this.stopped || this.halted !== null) return;
    const fatal = err.status === 401 || err.status === 403 || err.status === 404 || err.status === 405 || err instanceof CredentialError || err.reason === 'Invalid';
    this.setState(fatal ? 'error' : 'reconnecting', err.message);
    // A name we refused to put in a request stays wrong; the API server's 422 (a watch from a
    // resourceVersion it cannot read) may not be: retried like any refusal.
    if (err.reason === 'Invalid' && err.status === 0) return;
    if (err.reason === 'ECONNREFUSED') this.serverWasDown = true;
    // The backoff, or longer when the server said when to come back (429 Retry-After: API Priority
    // and Fairness shedding load is not helped by a retry half a second later).
    const delay = Math.max(this.backoff.next(), err.retryAfterMs ?? 0);
    this.logger.warn({ resource: this.resource.plural, namespace: this.namespace, err: err.message, retryInMs: delay, retry }, `${retry} failed; retrying`);
    this.schedule(() => (retry === 'list' || this.serverWasDown ? void this.list() : this.watch()), delay);
  }

  /** Rebuilds the store from a fresh list, after a watch error it cannot resume from. */
  private relist(reason: RelistReason | null, expired = false): void {
    if (this.stopped || this.halted !== null) return;
    this.stats.relists++;
    if (expired) this.stats.relists410++;
    if (reason && !this.reason?.reset) this.reason = reason;
    if (reason) {
      this.logger.warn({ resource: this.resource.plural, namespace: this.namespace, reason: reason.text }, 'relisting');
      this.setState('reconnecting', reason.text);
    } else this.logger.info({ resource: this.resource.plural, namespace: this.namespace }, 'resourceVersion expired (410); relisting');
    this.schedule(() => void this.list(), this.backoff.next());
  }

  private async list(): Promise<void> {
    // A list that a halt() overtook (and a resume() after it) is let go of: the resume lists anew.
    const gen = this.runGen;
    const off = (): boolean => this.stopped || this.halted !== null || gen !== this.runGen;
    if (off()) return;
    let path = '';
    try {
      path = collectionPath(this.resource, this.namespace);
      if (!this.verified && this.verify) {
        // After a 404 the discovery read before may be stale (the CRD deleted since): read it again.
        await this.verify(this.resource, this.notFound);
        this.verified = true;
        this.notFound = false;
      }
    } catch (err) {
      if (off()) return;
      return this.fail('list', asApiError(err, path || this.resource.plural));
    }
    if (off()) return;
    const items: KubeObject[] = [];
    let rv = '';
    // Continue tokens that expired during this list (410 Gone, the server's history moved past the
    // list's snapshot, e.g. under heavy churn): the first starts the paged list over; after the
    // second, the list is asked for without a limit (one answer, always current: client-go's fallback).
    let expired = 0;
    // The first list of an empty store is shown page by page (a small first page, so the first rows
    // are on screen at once); a relist replaces the store only when complete (no rows vanish meanwhile).
    const progressive = this.store.size === 0;
    for (;;) {
      items.length = 0;
      rv = '';
      let pages = 0;
      const first = expired >= 2 ? 0 : progressive && expired === 0 ? FIRST_PAGE : PAGE;
      try {
        for await (const page of listPages(this.kc, path, { first, limit: PAGE, stopped: off, ...(this.fieldSelector ? { fieldSelector: this.fieldSelector } : {}) })) {
          pages++;
          const fresh: KubeObject[] = [];
          const strays: KubeObject[] = [];
          for (const it of page.items) {
            if (!isObject(it)) continue;
            if (this.inScope(it)) fresh.push(ingest(it));
            else strays.push(it);
          }
          this.outOfScope(strays);
          for (const o of fresh) items.push(o);
          rv = page.meta.resourceVersion ?? rv;
          if (progressive && !off() && (page.meta.continue || this.loading)) {
            const remaining = page.meta.remainingItemCount;
            this.store.appendPage(fresh);
            this.loading = { loaded: items.length, total: typeof remaining === 'number' && remaining >= 0 ? items.length + remaining : null };
            this.loadingChanged();
            // The first page's rows go out before the next page is parsed (it is fetched meanwhile).
            if (pages === 1) await firstFrameOut();
          }
        }
        break;
      } catch (err) {
        if (off()) return;
        const e = asApiError(err, path);
        if (e.status === 410 && pages > 0 && expired < 2) {
          expired++;
          this.stats.listsExpired++;
          this.logger.info({ resource: this.resource.plural, namespace: this.namespace, loaded: items.length, retry: expired >= 2 ? 'unpaged' : 'paged' }, 'the list expired while paging (410); listing again');
          continue;
        }
        this.loading = null;
        if (e.status === 404) [this.verified, this.notFound] = [false, true];
        return this.fail('list', e);
      }
    }
    if (off()) return;
    this.stats.lists++;
    const prev = this.rv;
    if (prev && rv && wentBackwards(prev, rv) && !this.reason?.reset) {
      this.reason = { text: `the API server's store was reset: resourceVersion went back from ${prev} to ${rv}`, reset: true };
    }
    // Shown page by page already, unless the list had to start over.
    if (!(this.loading && expired === 0 && this.store.size === items.length)) this.store.replace(items);
    this.loading = null;
    this.rv = rv;
    this.serverWasDown = false;
    if (this.reason) {
      this.logger.warn({ resource: this.resource.plural, namespace: this.namespace, reason: this.reason.text, objects: items.length }, 'relisted');
      this.setNotice(`relisted ${this.resource.plural}: ${this.reason.text}`);
      this.reason = null;
    }
    this.healthy();
    this.notify();
    this.watch();
  }

  /** What an event means for the watch: null to go on, or why to relist. */
  private apply(type: string, obj: unknown): { relist: RelistReason | null; expired?: boolean } | null {
    if (type === 'ERROR') {
      const s = obj as { code?: unknown; message?: unknown };
      const code = typeof s.code === 'number' ? s.code : 500;
      // The server's words, cut as a Status message is (an event line may be megabytes; this goes
      // in the status bar and the pane's footer of every terminal).
      const msg = typeof s.message === 'string' ? statusMessage(s.message) : `watch error ${code}`;
      if (code === 410) return { relist: null, expired: true };
      if (code === 504 || tooLarge(msg)) return { relist: { text: `the API server does not have resourceVersion ${this.rv} (${msg})`, reset: false } };
      return { relist: { text: `the watch failed: ${msg}`, reset: false } };
    }
    const rv = (obj as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
    const objRv = typeof rv === 'string' ? rv : '';
    if (objRv && this.rv && wentBackwards(this.rv, objRv)) {
      return { relist: { text: `the API server's store was reset: resourceVersion went back from ${this.rv} to ${objRv}`, reset: true } };
    }
    if (type === 'BOOKMARK') {
      if (objRv) this.rv = objRv;
      this.watchWorks();
      return null;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return null;
    if (!isObject(obj)) return { relist: { text: `the API server sent a ${type} event without an object`, reset: false } };
    if (type === 'DELETED') this.store.remove(obj);
    else if (this.inScope(obj)) this.store.upsert(ingest(obj));
    else {
      // Not what was asked for: not shown (and one held under this uid is no longer this list's).
      this.store.remove(obj);
      this.outOfScope([obj]);
    }
    if (objRv) this.rv = objRv;
    this.watchWorks();
    this.notify();
    return null;
  }

  /**
   * Whether an object the server sent is one this list asked for: in its namespace, and the object
   * its name selector picks. A server (or a proxy, an aggregated API) that ignores the namespace of
   * the path or the selector would otherwise put another namespace's object in this namespace's
   * rows, where no NAMESPACE column tells it apart, and an action on that row would act on it.
   */
  private inScope(o: KubeObject): boolean {
    if (this.namespace !== null && this.resource.namespaced && o.metadata.namespace !== this.namespace) return false;
    return this.onlyName === null || o.metadata.name === this.onlyName;
  }

  /** Says (the notice, the log) what was not shown: the first such object and how many more, once per page or event. */
  private outOfScope(objs: readonly KubeObject[]): void {
    if (objs.length === 0) return;
    const o = objs[0]!;
    const where = this.namespace !== null && this.resource.namespaced ? `namespace ${this.namespace}` : `${this.fieldSelector}`;
    const ns = typeof o.metadata.namespace === 'string' ? `${o.metadata.namespace.slice(0, 63)}/` : '';
    const what = JSON.stringify(`${ns}${o.metadata.name.slice(0, 253)}`);
    const text = `ignored ${this.resource.plural} ${what}${objs.length > 1 ? ` and ${objs.length - 1} more` : ''}: the API server sent them for ${where}, where they are not`;
    this.logger.warn({ resource: this.resource.plural, namespace: this.namespace, object: what, count: objs.length }, 'objects outside the list\'s scope ignored');
    this.setNotice(text);
  }

  /** An event of the current watch was taken: connected; the backoff starts over once the watch has lasted a while. */
  private watchWorks(): void {
    if (Date.now() - this.watchStarted >= QUICK_WATCH_MS) this.backoff.reset();
    this.healthy();
  }

  private watch(): void {
    if (this.stopped || this.halted !== null) return;
    const path = collectionPath(this.resource, this.namespace);
    const started = Date.now();
    this.watchStarted = started;
    const timeoutSeconds = 240 + Math.floor(Math.random() * 120);
    let done = false;
    const gen = ++this.watchGen;
    this.stats.watches++;
    const end = (err: KubeApiError | null): void => {
      if (done) return;
      done = true;
      if (gen !== this.watchGen) return;
      this.stream = null;
      if (!this.stopped) this.afterWatch(err, started);
    };
    openWatch(
      this.kc,
      path,
      { resourceVersion: this.rv || undefined, allowWatchBookmarks: true, timeoutSeconds, ...(this.fieldSelector ? { fieldSelector: this.fieldSelector } : {}) },
      {
        open: () => {
          if (!done && !this.stopped && gen === this.watchGen) this.healthy();
        },
        event: (type, obj) => {
          if (done || this.stopped || gen !== this.watchGen) return;
          this.stats.events++;
          const verdict = this.apply(type, obj);
          if (!verdict) return;
          done = true;
          this.stream?.abort();
          this.stream = null;
          this.relist(verdict.relist, verdict.expired === true);
        },
        end,
      },
      // The server ends a watch at timeoutSeconds; a watch silent well past that is a dead connection.
      (timeoutSeconds + 60) * 1000,
    )
      .then((s) => {
        if (done || this.stopped || gen !== this.watchGen) s.abort();
        else this.stream = s;
      })
      .catch((err: unknown) => end(asApiError(err, path)));
  }

  private afterWatch(err: KubeApiError | null, started: number): void {
    if (Date.now() - started >= HEALTHY_WATCH_MS) this.backoff.reset();
    if (!err) {
      // The server ended the watch (its timeout): resume at once, unless it keeps ending them instantly
      // (with or without an event: a server that answers each watch with one event and ends it).
      if (Date.now() - started < QUICK_WATCH_MS) this.schedule(() => this.watch(), this.backoff.next());
      else this.watch();
      return;
    }
    if (err.status === 410) return this.relist(null, true);
    if (err.status === 504 || tooLarge(err.message)) return this.relist({ text: `the API server does not have resourceVersion ${this.rv} (${err.message})`, reset: false });
    if (err.reason === 'MalformedEvent') return this.relist({ text: err.message, reset: false });
    // The server refused the watch itself (kube-apiserver: 422 Invalid for a resourceVersion it cannot
    // parse, one a BOOKMARK or an event gave): resuming from it again would be refused for ever.
    if (err.status === 400 || err.status === 422) return this.relist({ text: `the API server refused to watch from resourceVersion ${this.rv} (${err.message})`, reset: false });
    if (err.status === 404) {
      // The collection is gone (a CRD deleted): check discovery again, afresh, before listing.
      [this.verified, this.notFound] = [false, true];
      return this.fail('list', err);
    }
    // Transport errors, 401/403, 429 and 5xx: resume from the last resourceVersion.
    this.fail('watch', err);
  }
}
