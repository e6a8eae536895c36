import type { Usage } from '../../kube/metrics-api.js';

/**
 * `:top` reads shared by the panes that show the same usage (one context's pods of one namespace,
 * or of all, or its nodes), as the pods lists share theirs (UsagePool): a read in flight is joined,
 * and an answer (or a failure) younger than `maxAgeMs` is taken as it is. Each :top pane read on its
 * own every 5 s: a script that opened a hundred of them on all namespaces had a hundred copies of
 * the cluster's metrics (tens of MB each) read, parsed and held at once.
 *
 * A read is ended (its request aborted) when every pane waiting for it no longer wants it.
 */

export interface TopRead {
  usage: Map<string, Usage>;
  total: number;
  /** When the answer came (Date.now()). */
  at: number;
}

interface Entry {
  promise: Promise<TopRead>;
  readonly ac: AbortController;
  waiters: number;
  /** When the read ended (answered or failed); null while in flight. */
  settledAt: number | null;
}

const entries = new Map<string, Entry>();

/** Answers and failures older than this are dropped on the next call (no pane reads them any more). */
function evictOld(now: number, maxAgeMs: number): void {
  for (const [k, e] of entries) if (e.settledAt !== null && now - e.settledAt >= maxAgeMs) entries.delete(k);
}

function start(key: string, maxAgeMs: number, read: (signal: AbortSignal) => Promise<{ usage: Map<string, Usage>; total: number }>): Entry {
  const ac = new AbortController();
  const entry: Entry = { ac, waiters: 0, settledAt: null, promise: Promise.resolve(null as unknown as TopRead) };
  const drop = (): void => {
    if (entries.get(key) === entry) entries.delete(key);
  };
  // Not held past its age when no pane asks again (the last :top closed): the answer can be tens of MB.
  const settle = (): void => {
    entry.settledAt = Date.now();
    setTimeout(drop, maxAgeMs).unref();
  };
  entry.promise = read(ac.signal).then(
    (r) => {
      settle();
      return { ...r, at: entry.settledAt! };
    },
    (err: unknown) => {
      // A read ended because no pane wanted it is no answer to share.
      if (ac.signal.aborted) drop();
      else settle();
      throw err;
    },
  );
  // Nobody may be waiting when it fails (every waiter left): not an unhandled rejection.
  entry.promise.catch(() => undefined);
  entries.set(key, entry);
  return entry;
}

/**
 * The usage under `key` read by `read`, shared (see above); `signal`: this pane no longer wants it.
 * `fresh`: a pane's first read (just opened, or moved to another namespace) joins a read in flight
 * but takes no answer from before it asked (the cluster may have changed since: metrics-server gone).
 */
export function sharedTopRead(key: string, maxAgeMs: number, read: (signal: AbortSignal) => Promise<{ usage: Map<string, Usage>; total: number }>, signal: AbortSignal, fresh = false): Promise<TopRead> {
  evictOld(Date.now(), maxAgeMs);
  const found = entries.get(key);
  const e = found && !(fresh && found.settledAt !== null) ? found : start(key, maxAgeMs, read);
  if (e.settledAt !== null) return e.promise;
  e.waiters++;
  return new Promise<TopRead>((resolve, reject) => {
    let done = false;
    const leave = (): boolean => {
      if (done) return false;
      done = true;
      e.waiters--;
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!leave()) return;
      if (e.waiters === 0 && e.settledAt === null) {
        e.ac.abort();
        if (entries.get(key) === e) entries.delete(key);
      }
      reject(new Error('not read (no longer wanted)'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    e.promise.then(
      (r) => {
        if (leave()) resolve(r);
      },
      (err: unknown) => {
        if (leave()) reject(err);
      },
    );
  });
}

/** Reads shared now (for tests). */
export const sharedTopReads = (): number => entries.size;
