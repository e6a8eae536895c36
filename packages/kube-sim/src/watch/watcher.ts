/**
 * One open watch stream: filters store events, converts them to the negotiated format and writes
 * one compact JSON line per event (checklist D1–D9).
 */
import type { ServerResponse } from 'node:http';
import type { Status } from '../api/status.js';
import { apiVersionOf } from '../api/resource-types.js';
import type { StoreEvent } from '../store/history.js';
import { restamp, type StoredObject } from '../store/stored-object.js';
import { partialJson, singleRowTableJson, type IncludeObject } from '../table/table.js';
import type { OutputFormat } from '../http/accept.js';
import { matches, type Selection } from './filter.js';

export interface WatcherOptions {
  selection: Selection;
  format: OutputFormat;
  include: IncludeObject;
  /** The client asked for bookmarks (allowWatchBookmarks=true). */
  bookmarks: boolean;
  /** Write buffer above which the watch is ended as a slow consumer. */
  slowConsumerBytes: number;
  now: () => number;
}

export interface WatcherHooks {
  onClose(w: Watcher): void;
  countEvent(): void;
  /** Shared cache for the JSON line of an event. */
  jsonLine(ev: StoreEvent): string;
}

let nextId = 1;

export class Watcher {
  readonly id = nextId++;
  readonly startedAt = Date.now();
  private closed = false;
  private tableHeadersSent = false;
  private stalledUntil = 0;
  private stallQueue: string[] = [];
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Highest RV written to this stream. */
  lastRv = 0;
  sent = 0;

  constructor(
    readonly res: ServerResponse,
    readonly opts: WatcherOptions,
    private readonly hooks: WatcherHooks,
  ) {
    res.on('close', () => this.cleanup());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get rt() {
    return this.opts.selection.rt;
  }

  addTimer(t: NodeJS.Timeout): void {
    this.timers.push(t);
  }

  private write(line: string): void {
    if (this.closed) return;
    if (this.stalledUntil > 0) {
      this.stallQueue.push(line);
      return;
    }
    this.res.write(line);
    this.sent++;
    this.hooks.countEvent();
    if (this.res.writableLength > this.opts.slowConsumerBytes) this.end();
  }

  /** Serialises an object for this stream's format. */
  private objectJson(rec: StoredObject, withHeaders: boolean): string {
    if (this.opts.format === 'json') return rec.json;
    if (this.opts.format === 'partial') return partialJson(rec);
    return singleRowTableJson(this.rt, rec, this.opts.include, this.opts.now(), withHeaders);
  }

  private sendObject(type: string, rec: StoredObject, shared?: StoreEvent): void {
    if (this.opts.format === 'json' && shared && type === shared.type) {
      this.write(this.hooks.jsonLine(shared));
    } else {
      const withHeaders = this.opts.format === 'table' && !this.tableHeadersSent;
      this.tableHeadersSent = true;
      this.write(`{"type":"${type}","object":${this.objectJson(rec, withHeaders)}}\n`);
    }
    if (rec.rv > this.lastRv) this.lastRv = rec.rv;
  }

  /** A synthetic ADDED for an existing object (initial state). */
  sendInitial(rec: StoredObject): void {
    if (matches(this.opts.selection, rec)) this.sendObject('ADDED', rec);
  }

  /** Applies a store event, turning selector enter/exit into ADDED/DELETED. */
  sendEvent(ev: StoreEvent): void {
    if (this.closed) return;
    const sel = this.opts.selection;
    const curPasses = ev.type !== 'DELETED' && matches(sel, ev.obj);
    const oldPasses = ev.prev !== null && matches(sel, ev.prev);
    if (curPasses && oldPasses) this.sendObject('MODIFIED', ev.obj, ev);
    else if (curPasses) this.sendObject('ADDED', ev.obj, ev.type === 'ADDED' ? ev : undefined);
    else if (oldPasses && ev.type === 'DELETED') this.sendObject('DELETED', ev.obj, ev);
    else if (oldPasses && ev.prev) this.sendObject('DELETED', restamp(ev.rt, ev.prev, ev.rv));
  }

  bookmark(rv: number, annotations?: Record<string, string>): void {
    if (this.closed || this.stalledUntil > 0) return;
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (annotations) metadata['annotations'] = annotations;
    const object = this.opts.format === 'json'
      ? { kind: this.rt.kind, apiVersion: apiVersionOf(this.rt), metadata }
      : this.opts.format === 'partial'
        ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata }
        : { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: null, rows: null };
    this.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    if (rv > this.lastRv) this.lastRv = rv;
  }

  error(status: Status): void {
    this.write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
  }

  /** Writes a raw line (fault injection: garbage or multi-line events). */
  raw(text: string): void {
    this.write(text);
  }

  /** Holds all output for `ms`, then flushes it (a stalled watch: headers sent, then silence). */
  stall(ms: number): void {
    if (this.closed) return;
    this.stalledUntil = Date.now() + ms;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.unstall(), ms);
  }

  unstall(): void {
    this.stalledUntil = 0;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const q = this.stallQueue;
    this.stallQueue = [];
    for (const line of q) this.write(line);
  }

  /** Ends the stream cleanly (zero-length chunk). */
  end(): void {
    if (this.closed) return;
    this.cleanup();
    this.res.end();
  }

  /** Drops the connection without a clean end. */
  destroy(): void {
    if (this.closed) return;
    this.cleanup();
    this.res.socket?.destroy();
    this.res.destroy();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.hooks.onClose(this);
  }
}
