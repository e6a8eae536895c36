import type { Column, PaneCommand, PaneView, TableView, Viewport } from '@kubetile/rpc-schema';
import { KNOWN_KINDS } from '../../kube/kinds/builtin.js';
import type { KindDef } from '../../kube/kinds/types.js';
import { fetchNodeUsage, fetchPodUsage, MAX_METRICS_ITEMS, MetricsUnavailable, type Usage } from '../../kube/metrics-api.js';
import type { ObjectStore } from '../../kube/object-store.js';
import type { KubeObject } from '../../kube/types.js';
import { errorMessage } from '../../util/errors.js';
import { BasePane } from '../base-pane.js';
import type { PaneContext, ResourceKindTarget, ResourceTarget } from '../pane.js';
import { WatchSet } from '../resource/watch-set.js';
import { TableCursor } from '../table-cursor.js';
import { filterAfter } from '../table-filter.js';
import { NODE_COLUMNS, nodeRow, POD_COLUMNS, podRow, sortRows, type TopRow } from './top-rows.js';
import { sharedTopRead } from './shared-top-reads.js';
import { grouped } from '../../util/grouped.js';

/** How often usage is read again (metrics-server itself scrapes every 15 s). */
export const TOP_REFRESH_MS = 5_000;

/**
 * `kubectl top`, live (k9s's CPU and MEM columns, as a view): the pods of the tab's namespace (all
 * with the tab on All) or the nodes, by usage — CPU and memory, and their share of requests and
 * limits (of allocatable for nodes) — read from metrics-server every 5 s, the busiest first. Rows
 * are the pods themselves: `l`, `y`, `d`, `e`, … act on the selected one. `s`/`o` sort by the next
 * column, `S` reverses, `/` filters. A cluster without metrics-server is said so.
 */
export class TopPane extends BasePane {
  private readonly nodes: boolean;
  private readonly kind: KindDef;
  private readonly watches: WatchSet;
  private readonly cursor = new TableCursor();
  private usage: Map<string, Usage> | null = null;
  private total = 0;
  private readAt = 0;
  /** Whether this view (this scope) has had an answer or a failure: its first read takes no shared answer from before it asked. */
  private answered = false;
  private problem: { text: string; unavailable: boolean } | null = null;
  private reading = false;
  private timer: NodeJS.Timeout | null = null;
  private sortCol = 'cpu';
  private desc = true;
  private filter = '';
  private closed = false;
  /** Bumped on a scope change: a read that started before it is dropped. */
  private generation = 0;
  /** Ends the read in flight (on a scope change, on close): it is not left running behind. */
  private inFlight: AbortController | null = null;
  private cached: { key: { usage: Map<string, Usage>; store: ObjectStore | null; seq: number; known: boolean; filter: string; sortCol: string; desc: boolean }; rows: TopRow[]; all: number } | null = null;

  constructor(private readonly ctx: PaneContext) {
    super('top', ctx);
    const kind = ctx.args.kind ?? 'pods';
    if (kind !== 'pods' && kind !== 'nodes') throw new Error(`args.kind of a top pane is pods or nodes, not ${JSON.stringify(kind)}`);
    this.nodes = kind === 'nodes';
    this.kind = KNOWN_KINDS.find((k) => k.id === kind)!;
    this.watches = new WatchSet(ctx, [this.kind], () => this.changed.emit());
    this.watches.start();
    this.disposers.push(() => {
      this.closed = true;
      this.inFlight?.abort();
      if (this.timer) clearTimeout(this.timer);
      this.watches.stop();
    });
    void this.read();
  }

  title(): string {
    return this.nodes ? 'Top: Nodes' : `Top: Pods (${this.watches.namespace() ?? 'All Namespaces'})`;
  }

  alias(): string {
    return 'TOP';
  }

  onScopeChange(): void {
    this.generation++;
    this.inFlight?.abort();
    this.inFlight = null;
    this.usage = null;
    this.answered = false;
    this.problem = null;
    this.cursor.reset();
    this.watches.start();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.reading = false;
    void this.read();
    this.changed.emit();
  }

  private async read(): Promise<void> {
    if (this.closed || this.reading) return;
    this.reading = true;
    const gen = this.generation;
    const { context } = this.ctx.scope();
    const kube = this.ctx.services.kube;
    try {
      if (!kube.available || context === null) throw new Error(`No cluster connection: ${kube.problem ?? 'no context'}`);
      const kc = kube.configFor(context);
      const ac = new AbortController();
      this.inFlight = ac;
      const namespace = this.watches.namespace();
      // Shared with the other :top panes showing the same (one read every TOP_REFRESH_MS, not one per
      // pane); the first read of this view asks anew (or joins one asked meanwhile).
      const key = `${context}\u0000${this.nodes ? 'nodes' : `pods\u0000${namespace ?? '*'}`}`;
      const r = await sharedTopRead(key, TOP_REFRESH_MS, (signal) => (this.nodes ? fetchNodeUsage(kc, undefined, undefined, signal) : fetchPodUsage(kc, namespace, undefined, undefined, signal)), ac.signal, !this.answered);
      if (gen !== this.generation) return;
      this.answered = true;
      this.usage = r.usage;
      this.total = r.total;
      this.readAt = r.at;
      this.problem = null;
    } catch (err) {
      if (gen !== this.generation) return;
      this.answered = true;
      this.problem = { text: errorMessage(err), unavailable: err instanceof MetricsUnavailable };
    } finally {
      if (gen === this.generation) {
        this.reading = false;
        this.inFlight = null;
        if (!this.closed) {
          this.timer = setTimeout(() => void this.read(), TOP_REFRESH_MS);
          this.timer.unref();
        }
        this.changed.emit();
      }
    }
  }

  private columns(): Column[] {
    if (this.nodes) return NODE_COLUMNS;
    return this.watches.namespace() === null ? POD_COLUMNS : POD_COLUMNS.filter((c) => c.id !== 'namespace');
  }

  /**
   * The rows as shown: usage joined with the watched objects, filtered and sorted. Kept until one
   * of those changes (a new read, a watch event, the filter, the sort), so that moving the
   * selection through up to 50,000 rows does not join and sort them again on every key.
   *
   * Once the watch holds every pod (node), the usage of one it does not hold is left out: a pod
   * deleted since, or one the metrics API made up, was a row like the others — a running pod with
   * its CPU and memory that `l`, `y`, `d` could not act on. Before that (loading, or the watch
   * failing), every row is shown.
   */
  private rows(): TopRow[] {
    return this.joined().rows;
  }

  private joined(): { rows: TopRow[]; all: number } {
    if (!this.usage) return { rows: [], all: 0 };
    const r = this.watches.reflector(this.kind.id);
    const store = r?.store ?? null;
    const known = r?.state === 'synced' && r.loading === null;
    const key = { usage: this.usage, store, seq: store?.seq ?? -1, known, filter: this.filter, sortCol: this.sortCol, desc: this.desc };
    const c = this.cached;
    if (c && c.key.usage === key.usage && c.key.store === key.store && c.key.seq === key.seq && c.key.known === key.known && c.key.filter === key.filter && c.key.sortCol === key.sortCol && c.key.desc === key.desc) return c;
    const byKey = new Map<string, KubeObject>();
    for (const e of store?.sorted ?? []) {
      const m = e.obj.metadata;
      byKey.set(this.nodes ? m.name : `${m.namespace ?? ''}/${m.name}`, e.obj);
    }
    let rows: TopRow[] = [];
    for (const [id, u] of this.usage) {
      const obj = byKey.get(id) ?? null;
      if (obj || !known) rows.push(this.nodes ? nodeRow(id, u, obj) : podRow(id, u, obj));
    }
    const all = rows.length;
    if (this.filter) {
      const q = this.filter.toLowerCase();
      rows = rows.filter((r) => r.id.toLowerCase().includes(q));
    }
    rows = sortRows(rows, this.sortCol, this.desc);
    this.cached = { key, rows, all };
    return this.cached;
  }

  cycleSort(): void {
    const cols = this.columns();
    const i = cols.findIndex((c) => c.id === this.sortCol);
    this.sortCol = cols[(i + 1) % cols.length]!.id;
    this.desc = this.sortCol !== 'name' && this.sortCol !== 'namespace';
    this.changed.emit();
  }

  sortByColumn(id: string): string | null {
    if (!this.columns().some((c) => c.id === id)) return `this top view has no ${id.toUpperCase()} column to sort by`;
    if (this.sortCol === id) this.desc = !this.desc;
    else {
      this.sortCol = id;
      this.desc = id !== 'name' && id !== 'namespace';
    }
    this.changed.emit();
    return null;
  }

  handleCommand(cmd: PaneCommand): void {
    if (this.cursor.navigate(cmd, this.rows(), (r) => r.id)) {
      this.changed.emit();
      return;
    }
    const filter = filterAfter(cmd, this.filter);
    if (filter !== undefined) {
      if (cmd.type === 'filter') this.cursor.reset();
      this.filter = filter;
      this.changed.emit();
      return;
    }
    switch (cmd.type) {
      case 'toggle_sort_order':
        this.desc = !this.desc;
        break;
      case 'sort_by_column': {
        const col = this.columns()[cmd.column];
        if (!col) return;
        this.sortCol = col.id;
        break;
      }
      default:
        return;
    }
    this.changed.emit();
  }

  resourceKind(): ResourceKindTarget | null {
    const { context } = this.ctx.scope();
    if (context === null) return null;
    const k = this.kind;
    return { kindId: k.id, kind: k.kind, group: k.group, version: k.version, plural: k.id, namespaced: k.namespaced, context, namespace: this.nodes ? null : this.watches.namespace() };
  }

  /** The selected pod (or node) as the watch has it, so l, y, d, e act on it. */
  selectedResource(): ResourceTarget | null {
    const rows = this.rows();
    const row = rows[this.cursor.select(rows, (r) => r.id)];
    const k = this.resourceKind();
    if (!row?.obj || !k) return null;
    return { ...k, name: row.obj.metadata.name, namespace: row.obj.metadata.namespace ?? null, uid: row.obj.metadata.uid };
  }

  view(viewport: Viewport): PaneView {
    if (!this.usage && this.problem) return { type: 'message', title: this.title(), level: this.problem.unavailable ? 'info' : 'error', text: this.problem.text };
    if (!this.usage) return { type: 'message', title: this.title(), level: 'loading', text: 'Reading usage from metrics-server…' };
    const { rows, all } = this.joined();
    const sel = this.cursor.select(rows, (r) => r.id);
    const footerParts: string[] = [];
    if (this.filter) footerParts.push(`/${this.filter}`);
    footerParts.push(`usage at ${new Date(this.readAt).toISOString().slice(11, 19)} UTC, read every ${TOP_REFRESH_MS / 1000} s`);
    if (this.total > MAX_METRICS_ITEMS) footerParts.push(`the first ${grouped(MAX_METRICS_ITEMS)} of ${grouped(this.total)}`);
    if (this.problem) footerParts.push(`not read again: ${this.problem.text}`);
    const footer = footerParts.join(' | ');
    const bodyRows = Math.max(1, viewport.rows - 2);
    const top = this.cursor.window(sel, bodyRows, rows.length);
    const view: TableView = {
      type: 'table',
      title: this.title(),
      badge: this.filter ? `${rows.length}/${all}` : `${all}`,
      columns: this.columns(),
      rows: rows.slice(top, top + bodyRows).map((r) => ({ id: r.id, cells: r.cells })),
      offset: top,
      total: rows.length,
      unfiltered: all,
      selected: sel >= 0 ? sel : null,
      sort: { column: this.sortCol, order: this.desc ? 'desc' : 'asc' },
      ...(this.filter ? { filter: this.filter } : {}),
      ...(rows.length === 0 ? { empty: this.filter ? 'No matches' : this.nodes ? 'No node reports usage' : 'No running pods report usage here' } : {}),
      footer,
    };
    return view;
  }
}
