/**
 * The bounded event history behind watch replay and consistent list pages (checklist D3, D4).
 * Events with rv > floor are all retained; anything at or below the floor is gone.
 */
import type { ResourceType } from '../api/resource-types.js';
import type { StoredObject } from './stored-object.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: EventType;
  readonly rv: number;
  readonly rt: ResourceType;
  /** The new state; for DELETED the last state stamped with the deletion RV. */
  readonly obj: StoredObject;
  /** The state before this event (null for ADDED). */
  readonly prev: StoredObject | null;
  /** Wall-clock ms when the event happened. */
  readonly time: number;
}

export interface HistoryLimits {
  /** Maximum number of retained events (real watch cache: 100–102,400). */
  maxEvents: number;
  /** Maximum age of retained events in ms (real watch cache: 75 s). Infinity disables. */
  maxAgeMs: number;
}

/**
 * Like the apiserver's per-resource watch caches, completeness is tracked per resource type: a
 * quiet kind does not lose its window because a busy kind churned through the shared buffer.
 */
export class EventHistory {
  private events: StoreEvent[] = [];
  private start = 0;
  /** Everything at or below this RV is gone for every type (start, compaction). */
  private floorRv: number;
  /** Per type: the newest RV of an event of that type that was dropped. */
  private readonly droppedMax = new Map<string, number>();

  constructor(public limits: HistoryLimits, initialFloor = 0) {
    this.floorRv = initialFloor;
  }

  /** Every event with rv > floor is retained (for all types). */
  get floor(): number {
    let f = this.floorRv;
    for (const v of this.droppedMax.values()) if (v > f) f = v;
    return f;
  }

  /** Every event of this type with rv > floorFor(type) is retained. */
  floorFor(rtId: string): number {
    return Math.max(this.floorRv, this.droppedMax.get(rtId) ?? 0);
  }

  get size(): number {
    return this.events.length - this.start;
  }

  push(ev: StoreEvent): void {
    this.events.push(ev);
    if (this.size > this.limits.maxEvents) this.dropOldest(this.size - this.limits.maxEvents);
  }

  /** Drops events older than maxAgeMs; called periodically. */
  expire(now: number): void {
    if (!Number.isFinite(this.limits.maxAgeMs)) return;
    const cutoff = now - this.limits.maxAgeMs;
    let n = 0;
    for (let i = this.start; i < this.events.length; i++) {
      const ev = this.events[i];
      if (!ev || ev.time >= cutoff) break;
      n++;
    }
    if (n > 0) this.dropOldest(n);
  }

  /** Forgets everything up to `rv` (default: all). */
  compact(rv: number): void {
    let n = 0;
    for (let i = this.start; i < this.events.length; i++) {
      const ev = this.events[i];
      if (!ev || ev.rv > rv) break;
      n++;
    }
    this.dropOldest(n);
    if (rv > this.floorRv) this.floorRv = rv;
  }

  reset(floor: number): void {
    this.events = [];
    this.start = 0;
    this.floorRv = floor;
    this.droppedMax.clear();
  }

  private dropOldest(n: number): void {
    for (let i = this.start; i < this.start + n; i++) {
      const ev = this.events[i];
      if (ev) this.droppedMax.set(ev.rt.id, ev.rv);
      (this.events as (StoreEvent | undefined)[])[i] = undefined;
    }
    this.start += n;
    if (this.start > 1024 && this.start * 2 > this.events.length) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
  }

  /** Index of the first retained event with rv > `rv`. */
  private indexAfter(rv: number): number {
    let lo = this.start;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ev = this.events[mid];
      if (ev && ev.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Events with rv > `rv` for one resource type (all types when rtId is undefined),
   * or null when history no longer reaches back to `rv`.
   */
  since(rv: number, rtId?: string): StoreEvent[] | null {
    if (rv < (rtId === undefined ? this.floor : this.floorFor(rtId))) return null;
    const out: StoreEvent[] = [];
    for (let i = this.indexAfter(rv); i < this.events.length; i++) {
      const ev = this.events[i];
      if (ev && (rtId === undefined || ev.rt.id === rtId)) out.push(ev);
    }
    return out;
  }
}
