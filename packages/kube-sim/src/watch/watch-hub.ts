/** All open watches, fed synchronously from the store, plus the admin controls over them. */
import type { Status } from '../api/status.js';
import type { StoreEvent } from '../store/history.js';
import type { ObjectStore } from '../store/object-store.js';
import { Watcher, type WatcherHooks } from './watcher.js';

export interface WatchStats {
  open: number;
  eventsSent: number;
  opened: number;
  /** Bytes written but not yet sent, summed over watches and the largest one (slow consumers). */
  backlogBytes: number;
  maxBacklogBytes: number;
}

export class WatchHub {
  private readonly byType = new Map<string, Set<Watcher>>();
  private eventsSent = 0;
  private opened = 0;
  private cacheEv: StoreEvent | undefined;
  private cacheLine = '';
  /** New watches start stalled until this time (admin stallWatches). */
  stallNewUntil = 0;
  readonly hooks: WatcherHooks;

  constructor(store: ObjectStore) {
    store.subscribe((ev) => this.dispatch(ev));
    // A CRD deleted: its objects' DELETED events went out, then its watches end, as kube-apiserver tears the storage down.
    store.onTypeRemoved((id) => {
      for (const w of [...(this.byType.get(id) ?? [])]) w.end();
    });
    this.hooks = {
      onClose: (w) => this.byType.get(w.rt.id)?.delete(w),
      countEvent: () => {
        this.eventsSent++;
      },
      jsonLine: (ev) => {
        if (this.cacheEv !== ev) {
          this.cacheEv = ev;
          this.cacheLine = `{"type":"${ev.type}","object":${ev.obj.json}}\n`;
        }
        return this.cacheLine;
      },
    };
  }

  add(w: Watcher): void {
    let set = this.byType.get(w.rt.id);
    if (!set) {
      set = new Set();
      this.byType.set(w.rt.id, set);
    }
    set.add(w);
    this.opened++;
    const left = this.stallNewUntil - Date.now();
    if (left > 0) w.stall(left);
  }

  private dispatch(ev: StoreEvent): void {
    const set = this.byType.get(ev.rt.id);
    if (!set) return;
    for (const w of set) w.sendEvent(ev);
  }

  all(): Watcher[] {
    const out: Watcher[] = [];
    for (const set of this.byType.values()) out.push(...set);
    return out;
  }

  stats(): WatchStats {
    let open = 0;
    let backlog = 0;
    let max = 0;
    for (const set of this.byType.values()) {
      open += set.size;
      for (const w of set) {
        const b = w.res.writableLength;
        backlog += b;
        if (b > max) max = b;
      }
    }
    return { open, eventsSent: this.eventsSent, opened: this.opened, backlogBytes: backlog, maxBacklogBytes: max };
  }

  /** Ends every watch: cleanly (zero-length chunk) or by destroying the socket. */
  killAll(graceful: boolean): number {
    const ws = this.all();
    for (const w of ws) (graceful ? w.end() : w.destroy());
    return ws.length;
  }

  /** Stalls current watches (and watches opened during the window) for `ms`. */
  stallAll(ms: number): number {
    this.stallNewUntil = Date.now() + ms;
    const ws = this.all();
    for (const w of ws) w.stall(ms);
    return ws.length;
  }

  unstallAll(): void {
    this.stallNewUntil = 0;
    for (const w of this.all()) w.unstall();
  }

  bookmarkAll(rv: number): number {
    const ws = this.all();
    for (const w of ws) w.bookmark(rv);
    return ws.length;
  }

  /** Sends an in-stream ERROR event to every watch, optionally ending them. */
  errorAll(status: Status, end: boolean): number {
    const ws = this.all();
    for (const w of ws) {
      w.error(status);
      if (end) w.end();
    }
    return ws.length;
  }

  rawAll(text: string): number {
    const ws = this.all();
    for (const w of ws) w.raw(text);
    return ws.length;
  }
}
