import { errorMessage } from '../../util/errors.js';
import type { Column, PaneCommand, Row, Style, TableView, Viewport, PaneView } from '@kubetile/rpc-schema';
import { BasePane } from '../base-pane.js';
import type { PaneContext, ResourceKindTarget, ResourceTarget } from '../pane.js';
import type { InformerHandle } from '../../kube/informer-pool.js';
import type { ObjectStore, StoreEntry } from '../../kube/object-store.js';
import { compileFilter, faultsOnly, ownedBy, selectedBy, type RowFilter } from './row-filter.js';
import { ListIndex, safeCell, styleOf, ticks, type ListSpec, type Need } from './list-index.js';
import type { ColumnDef, KindDef } from '../../kube/kinds/types.js';
import { refOf, resolveKind, visibleColumns } from './kind-resolution.js';
import { KindColumns } from './kind-columns.js';
import { backView, returningTab, tabNamespaceBack } from './list-jump.js';
import { drillFrom } from './drill-down.js';
import { listArgsProblem } from './list-args.js';
import { USAGE_COLUMN_IDS, USAGE_MAX_ROWS, usageColumns, withUsage } from './usage-columns.js';
import { UsageSet, USAGE_MAX_NAMESPACES } from '../../kube/usage-set.js';
import type { KubeObject } from '../../kube/types.js';
import { viewConfigFor } from './kind-views.js';
import { loadingText } from './loading-text.js';
import { grouped } from '../../util/grouped.js';

/**
 * A live table of one kind (KubeTile's 14 plus discovered ones) from a shared informer: cells keyed
 * by column id, kubectl-like status, stable namespace/name order until sorted, selection kept by
 * UID across updates, filter, typed sort, all-namespaces; the view holds only the visible rows.
 */
export class ResourceListPane extends BasePane {
  /** The kind's columns: hand-written, or the server's (a CRD's printer columns, a Table), which arrive later. */
  private readonly kinds: KindColumns;
  /** `-o wide`: the kind's wide columns too (NODE and IP on pods). */
  private wide: boolean;
  private handle: InformerHandle | null = null;
  private unsubscribe: (() => void) | null = null;
  /**
   * Why the list could not be watched (a restored tab's context gone from the kubeconfig): shown in
   * the pane, which showed `Loading...` for ever while only the daemon's log said it; tried again
   * when the kubeconfig is reloaded.
   */
  private watchProblem: string | null = null;
  private allNs: boolean;
  private filter = '';
  private compiled: { raw: string; faults: boolean; f: RowFilter } | null = null;
  /** k9s's fault filter (ctrl+z): only the rows in a faulty state. */
  private faults: boolean;
  /** A node's pods (`args.node`): every namespace, watched by spec.nodeName. */
  private readonly node: string | null = null;
  /** Only the objects this one owns (`args.ownerUid`, `args.ownerName`). */
  private readonly owner: { uid: string; name: string } | null = null;
  /**
   * The selector a drill-down from a workload came with (`args.drillFilter`, `-l app=web`): it always
   * applies, a typed filter narrows within it, and esc goes back rather than clearing it.
   */
  private readonly drillFilter: string | null;
  /** Whose pods the drill shows (`args.drillName`: `Deployment web`), for the footer. */
  private readonly drillName: string | null;
  private sortCol: string | null = null;
  private desc = false;
  private selectedUid: string | null = null;
  /**
   * A row to select once it is in the list (`args.selectUid`: a jump to an owner lands on it): kept
   * while the list loads, dropped when the loaded list does not have it.
   */
  private wanted: string | null = null;
  /** Marked rows (space), by uid, in the order they were marked. */
  private readonly marks = new Map<string, ResourceTarget>();
  private selectedIndex = 0;
  private top = 0;
  private lastRows = 20;
  private problems: string[] = [];
  /** A pods list's usage from metrics-server (k9s's CPU and MEM columns), while it is small enough to read. */
  private usage: { set: UsageSet; cols: ReturnType<typeof usageColumns>; seq: number; generation: number } | null = null;
  /** Filter and sort kept incrementally over the informer's store (see ListIndex). */
  private index: ListIndex | null = null;
  private indexStore: ObjectStore | null = null;

  private readonly clock: NodeJS.Timeout;

  constructor(private readonly ctx: PaneContext) {
    super('resource-list', ctx);
    const base = resolveKind(ctx.args);
    this.kinds = new KindColumns(
      base,
      () => {
        const c = this.ctx.scope().context;
        if (c === null || !this.ctx.services.kube.available) return null;
        try {
          return this.ctx.services.kube.configFor(c);
        } catch {
          return null;
        }
      },
      () => this.resourceKind()?.namespace ?? null,
      ctx.logger,
      async (ref) => {
        const c = this.ctx.scope().context;
        if (c === null || !this.ctx.services.kube.available) throw new Error('no context');
        await this.ctx.services.kube.pool.verify(c, ref);
      },
    );
    this.disposers.push(this.kinds.changed.subscribe(() => this.changed.emit()));
    this.wide = typeof ctx.args.wide === 'boolean' ? ctx.args.wide : viewConfigFor(ctx.services.config().views, base)?.wide === true;
    this.faults = ctx.args.faults === true;
    const problem = listArgsProblem(base, ctx.args);
    if (problem) throw new Error(problem);
    // k9s's enter on a node: its pods, in every namespace (a watch of spec.nodeName=NODE).
    if (ctx.args.node !== undefined) this.node = ctx.args.node as string;
    this.drillFilter = typeof ctx.args.drillFilter === 'string' && ctx.args.drillFilter.length <= 1024 ? ctx.args.drillFilter : null;
    this.drillName = this.drillFilter !== null && typeof ctx.args.drillName === 'string' ? ctx.args.drillName.slice(0, 300) : null;
    // Only what one object owns (k9s's enter on a CronJob: its Jobs); `ownerName` says whose, in the footer.
    if (typeof ctx.args.ownerUid === 'string') {
      this.owner = { uid: ctx.args.ownerUid, name: typeof ctx.args.ownerName === 'string' ? ctx.args.ownerName.slice(0, 300) : ctx.args.ownerUid };
    }
    this.allNs = this.node !== null || (this.kindDef.namespaced && (ctx.args.allNamespaces === true || ctx.scope().namespace === '*'));
    // A filter and sort may come with the args (scripts, a restored session); a column the kind
    // does not have is ignored.
    if (typeof ctx.args.filter === 'string') this.filter = ctx.args.filter.slice(0, 1024);
    // A session saved before the drill's selector applied on its own had it as the typed filter too.
    if (this.filter === this.drillFilter) this.filter = '';
    // (Server columns arrive later: any column-id-like name is kept, and one the kind lacks sorts nothing.)
    if (typeof ctx.args.sortColumn === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(ctx.args.sortColumn)) this.sortCol = ctx.args.sortColumn;
    this.desc = ctx.args.sortDesc === true;
    if (typeof ctx.args.selectUid === 'string' && ctx.args.selectUid.length > 0 && ctx.args.selectUid.length <= 128) this.wanted = ctx.args.selectUid;
    if (ctx.args.sortColumn === undefined && base.defaultSort) {
      this.sortCol = base.defaultSort.column;
      this.desc = base.defaultSort.desc;
    }
    this.subscribe();
    this.disposers.push(
      this.ctx.services.kube.reloaded.subscribe(() => {
        if (this.watchProblem === null) return;
        this.subscribe();
        this.changed.emit();
      }),
    );
    // Ages and "(3m ago)" must tick without an object changing: ask for a redraw every second. Only
    // clients showing the pane render it, and a frame identical to the last one is not sent.
    this.clock = setInterval(() => {
      if (this.columns().some(ticks) && (this.handle?.reflector.store.size ?? 0) > 0) this.changed.emit();
    }, CLOCK_MS);
    this.clock.unref();
  }

  get kindDef(): KindDef {
    return this.kinds.kind;
  }

  title(): string {
    if (this.node) return `${this.kindDef.display} (on ${this.node})`;
    if (!this.kindDef.namespaced) return this.kindDef.display;
    return `${this.kindDef.display} (${this.allNs ? 'All Namespaces' : this.ctx.scope().namespace})`;
  }

  alias(): string {
    return this.kindDef.alias;
  }

  private subscribe(): void {
    this.dropUsage();
    this.unsubscribe?.();
    this.handle?.release();
    this.handle = null;
    this.unsubscribe = null;
    this.index?.dispose();
    this.index = null;
    this.indexStore = null;
    this.watchProblem = null;
    const { context, namespace } = this.ctx.scope();
    const kube = this.ctx.services.kube;
    if (!kube.available || context === null) return;
    try {
      this.handle = this.node
        ? kube.pool.acquire(context, refOf(this.kindDef), null, { field: 'spec.nodeName', value: this.node })
        : kube.pool.acquire(context, refOf(this.kindDef), this.allNs || namespace === '*' ? null : namespace);
    } catch (err) {
      this.ctx.logger.warn({ err: String(err) }, 'cannot watch');
      const missing = !kube.hasContext(context);
      this.watchProblem = `Cannot list ${this.kindDef.display}: ${errorMessage(err)}${missing ? ' (ctrl+k picks another context)' : ''}`;
      return;
    }
    this.unsubscribe = this.handle.reflector.changed.subscribe(() => {
      this.kinds.objectsChanged();
      this.changed.emit();
    });
    this.kinds.start();
  }

  onScopeChange(): void {
    // Choosing "All Namespaces" in the tab's selector shows every namespace; a namespace shows one (a node's pods: all, always).
    this.allNs = this.node !== null || (this.kindDef.namespaced && this.ctx.scope().namespace === '*');
    this.selectedUid = null;
    this.selectedIndex = 0;
    this.top = 0;
    this.subscribe();
    this.changed.emit();
  }

  toggleAllNamespaces(): void {
    if (this.node) {
      this.ctx.requests.toast('info', `the pods on ${this.node} are shown from every namespace`);
      return;
    }
    if (!this.kindDef.namespaced) {
      this.ctx.requests.toast('info', `${this.kindDef.display} are not namespaced`);
      return;
    }
    this.allNs = !this.allNs;
    this.subscribe();
    this.changed.emit();
  }

  /** `ctrl+o`-style wide toggle (`-o wide`): the kind's wide columns on or off. */
  toggleWide(): void {
    this.wide = !this.wide;
    this.changed.emit();
  }

  get isWide(): boolean {
    return this.wide;
  }

  private columns(): ColumnDef[] {
    const configured = viewConfigFor(this.ctx.services.config().views, this.kindDef)?.columns;
    const r = visibleColumns(this.kindDef, configured, this.allNs, this.wide);
    if (r.problems.join() !== this.problems.join()) {
      this.problems = r.problems;
      for (const p of r.problems) this.ctx.logger.warn({ kind: this.kindDef.id }, p);
    }
    return this.usageShown() ? withUsage(r.columns, this.usage!.cols, this.wide) : r.columns;
  }

  /** Usage columns: once a read has come (a cluster without metrics-server shows none). */
  private usageShown(): boolean {
    return this.usage?.set.shown ?? false;
  }

  /**
   * A pods list reads its pods' usage while it holds at most USAGE_MAX_ROWS pods (checked once the
   * list is loaded, so a big namespace never asks for a big answer) and its columns are not
   * configured (`[views.pods] columns` decides then).
   */
  private syncUsage(): void {
    const r = this.handle?.reflector;
    const size = r?.store.size ?? 0;
    const pods = this.kindDef.group === '' && this.kindDef.id === 'pods' && this.ctx.services.config().views.pods?.columns === undefined;
    if (this.usage) {
      if (!pods || size > USAGE_MAX_ROWS) this.dropUsage();
      else if (r) this.followNamespaces(r.store);
      return;
    }
    if (!pods || !r || r.state !== 'synced' || r.loading !== null || size > USAGE_MAX_ROWS) return;
    const { context, namespace } = this.ctx.scope();
    const kube = this.ctx.services.kube;
    if (context === null || !kube.available) return;
    const set = new UsageSet(kube.usage, context, () => this.changed.emit());
    this.usage = { set, cols: usageColumns(set), seq: -1, generation: -1 };
    if (this.node !== null) this.followNamespaces(r.store);
    else set.select(this.allNs || namespace === '*' || namespace === null ? null : new Set([namespace]));
  }

  /** A node's pods read the usage of their namespaces (a few), not the whole cluster's; looked at again when its pods change. */
  private followNamespaces(store: ObjectStore): void {
    const u = this.usage;
    if (!u || this.node === null) return;
    if (u.seq === store.seq && u.generation === store.generation) {
      u.set.prune();
      return;
    }
    u.seq = store.seq;
    u.generation = store.generation;
    u.set.select(store.namespaces(USAGE_MAX_NAMESPACES));
  }

  private dropUsage(): void {
    this.usage?.set.release();
    this.usage = null;
  }

  cycleSort(): void {
    const cols = this.columns();
    const i = this.sortCol === null ? -1 : cols.findIndex((c) => c.id === this.sortCol);
    const next = cols[i + 1];
    this.sortCol = next ? next.id : null;
    this.desc = false;
    this.changed.emit();
  }

  sortByColumn(id: string): string | null {
    const cols = this.columns();
    if (!cols.some((c) => c.id === id)) {
      const d = this.kindDef;
      if (id === 'namespace' && d.namespaced) return `the NAMESPACE column shows in all namespaces (a), then it sorts`;
      const wide = d.columns.find((c) => c.id === id && d.wideColumns?.includes(id));
      return wide ? `${d.display} show ${wide.title} in the wide columns (shift+w), then it sorts` : `${d.display} have no ${id.toUpperCase()} column to sort by`;
    }
    if (this.sortCol === id) this.desc = !this.desc;
    else {
      this.sortCol = id;
      this.desc = false;
    }
    this.changed.emit();
    return null;
  }

  /** What cached cells are keyed on: the columns, and the server's cells generation for Table kinds. */
  private columnsKey(cols: ColumnDef[]): string {
    const ids = cols.map((c) => c.id).join(',');
    // Sorted by usage: each read is a new order (the usage changes without the pods changing).
    const usage = this.sortCol !== null && USAGE_COLUMN_IDS.has(this.sortCol) && this.usage ? `#u${this.usage.set.version}` : '';
    return this.kinds.serverCells ? `${ids}#${this.kinds.generation}${usage}` : `${ids}${usage}`;
  }

  /** The filter compiled (`-l` labels, `!` inverted, else text), once per filter typed; with faults on, only the faulty rows of it. */
  private rowFilter(): RowFilter {
    if (this.compiled?.raw !== this.filter || this.compiled.faults !== this.faults) {
      const typed = compileFilter(this.filter);
      const drilled = this.drillFilter !== null ? selectedBy(typed, this.drillFilter) : typed;
      const f = this.owner ? ownedBy(drilled, this.owner.uid) : drilled;
      this.compiled = { raw: this.filter, faults: this.faults, f: this.faults ? faultsOnly(f) : f };
    }
    return this.compiled.f;
  }

  /** k9s's ctrl+z: only the rows in a faulty state (not ready, Pending, in error), on or off; with the filter too. */
  toggleFaults(): void {
    this.faults = !this.faults;
    this.changed.emit();
  }

  private spec(cols: ColumnDef[]): ListSpec {
    const f = this.rowFilter();
    return {
      cols,
      columnsKey: this.columnsKey(cols),
      filter: f.key,
      ...(f.match ? { match: f.match, ...(this.kindDef.rowStyle ? { rowStyle: this.kindDef.rowStyle } : {}) } : {}),
      sortIndex: this.sortCol === null ? -1 : cols.findIndex((c) => c.id === this.sortCol),
      desc: this.desc,
    };
  }

  /**
   * Rows after filter and sort. The screen's rows are in their final order: the top ones and those
   * around the selected object (which a new sort may have moved anywhere); the rest may follow a
   * moment later (`all` asks for the whole order now).
   */
  private ordered(cols: ColumnDef[], now: number, all = false, ahead = 0): readonly StoreEntry[] {
    const store = this.handle?.reflector.store;
    if (!store) return [];
    if (!this.index || this.indexStore !== store) {
      this.index?.dispose();
      this.index = new ListIndex(store, () => this.changed.emit());
      this.indexStore = store;
    }
    const span = this.lastRows * 2 + 64;
    const need: Need = { top: span, uid: this.wanted ?? this.selectedUid, span, all, ahead };
    return this.index.rows(this.spec(cols), need, now);
  }

  /** Index of the selected row in `rows`, following the UID when it is still there. */
  private selection(rows: readonly StoreEntry[]): number {
    if (rows.length === 0) return -1;
    if (this.wanted !== null) {
      const want = this.wanted;
      const known = this.index?.knownPosition(want) ?? -1;
      const found = known >= 0 && rows[known]?.obj.metadata.uid === want ? known : rows.findIndex((e) => e.obj.metadata.uid === want);
      const r = this.handle?.reflector;
      if (found >= 0) {
        this.wanted = null;
        this.selectedUid = want;
        this.selectedIndex = found;
        return found;
      }
      // Loaded without it (deleted meanwhile): the list's selection as usual.
      if (r && r.state === 'synced' && r.loading === null && !this.index?.working) this.wanted = null;
    }
    if (this.selectedUid !== null) {
      const at = rows[this.selectedIndex];
      if (at && at.obj.metadata.uid === this.selectedUid) return this.selectedIndex;
      // The index mostly knows where the row is (no search of 100k rows on a sort or filter key).
      const known = this.index?.knownPosition(this.selectedUid) ?? -1;
      const found = known === -2 ? -1 : known >= 0 && rows[known]?.obj.metadata.uid === this.selectedUid ? known : rows.findIndex((e) => e.obj.metadata.uid === this.selectedUid);
      if (found >= 0) {
        this.selectedIndex = found;
        return found;
      }
    }
    this.selectedIndex = Math.min(Math.max(0, this.selectedIndex), rows.length - 1);
    this.selectedUid = rows[this.selectedIndex]!.obj.metadata.uid;
    return this.selectedIndex;
  }

  private move(rows: readonly StoreEntry[], to: number): void {
    if (rows.length === 0) return;
    this.selectedIndex = Math.max(0, Math.min(rows.length - 1, to));
    this.selectedUid = rows[this.selectedIndex]!.obj.metadata.uid;
  }

  handleCommand(cmd: PaneCommand): void {
    const now = Date.now();
    // The key's frame goes before the list's background work (a slice queued before it would run first).
    this.index?.keyPressed();
    const cols = this.columns();
    // Moves to the far end need the whole order; the others only the rows near the selection.
    const toEnd = cmd.type === 'go_to_bottom' || ((cmd.type === 'select_prev' || cmd.type === 'scroll_up') && this.selectedIndex === 0);
    const page = Math.max(1, this.lastRows - 1);
    // A key moves the selection at most a page down: those rows must be known (a filter still scanning finds them now).
    const rows = this.ordered(cols, now, toEnd, page + 1);
    const cur = this.selection(rows);
    switch (cmd.type) {
      case 'select_next':
      case 'scroll_down':
        // Wrap around at the ends, as KubeTile's lists do.
        this.move(rows, cur + 1 >= rows.length ? 0 : cur + 1);
        break;
      case 'select_prev':
      case 'scroll_up':
        this.move(rows, cur - 1 < 0 ? rows.length - 1 : cur - 1);
        break;
      case 'page_down':
        this.move(rows, cur + page);
        break;
      case 'page_up':
        this.move(rows, cur - page);
        break;
      case 'go_to_top':
        this.move(rows, 0);
        break;
      case 'go_to_bottom':
        this.move(rows, rows.length - 1);
        break;
      case 'filter':
        this.filter = cmd.query;
        this.selectedIndex = 0;
        this.selectedUid = null;
        break;
      case 'clear_filter':
        this.filter = '';
        break;
      case 'sort_by_column': {
        const col = cols[cmd.column];
        if (!col) return;
        this.sortCol = col.id;
        this.desc = false;
        break;
      }
      case 'toggle_sort_order':
        this.desc = !this.desc;
        break;
      case 'toggle_mark': {
        const t = this.targetAt(rows, cur);
        if (!t?.uid) return;
        if (this.marks.has(t.uid)) this.marks.delete(t.uid);
        else if (this.marks.size >= MAX_MARKS) {
          this.ctx.requests.toast('warn', `at most ${MAX_MARKS} rows can be marked`);
          return;
        } else this.marks.set(t.uid, t);
        if (cur + 1 < rows.length) this.move(rows, cur + 1);
        break;
      }
      case 'clear_marks':
        if (this.marks.size === 0) return;
        this.marks.clear();
        break;
      case 'select': {
        const rows = this.ordered(this.columns(), Date.now());
        const at = this.selection(rows);
        const t = this.targetAt(rows, at);
        if (!t) return;
        // k9s's enter on a namespace, a node, a workload or a Service: its pods (esc comes back here).
        const d = t.uid ? drillFrom(this.kindDef, t.name, rows[at]?.obj ?? null, { args: this.args, state: this.persistState(), selectedUid: t.uid }) : null;
        if (d && 'problem' in d) {
          this.ctx.requests.toast('info', d.problem);
          return;
        }
        if (d) {
          const from = this.ctx.scope().namespace;
          const moves = d.namespace !== undefined && from !== d.namespace;
          if (moves) this.ctx.requests.setNamespace(d.namespace!);
          this.ctx.requests.replace({ key: 'resource-list', args: moves && !d.chooses ? returningTab(d.args, from, d.namespace!) : d.args });
          return;
        }
        this.ctx.requests.openBeside({ key: 'resource-detail', args: { ...t } });
        return;
      }
      case 'back': {
        // As k9s: esc clears a kept filter first (not the selector a drill-down came with); then, in a
        // list reached by a jump to an owner or a drill-down, goes back to the list it came from, its row selected.
        if (this.filter) {
          this.filter = '';
          break;
        }
        const back = backView(this.ctx.args.back);
        if (!back) return;
        // A drill-down that moved the tab (from all namespaces to a Deployment's, say) moves it back.
        const ns = tabNamespaceBack(this.ctx.args.back, this.ctx.scope().namespace);
        if (ns !== null) this.ctx.requests.setNamespace(ns);
        this.ctx.requests.replace(back);
        return;
      }
      default:
        return;
    }
    this.changed.emit();
  }

  persistState(): Record<string, unknown> {
    return {
      filter: this.filter || undefined,
      sortColumn: this.sortCol ?? undefined,
      sortDesc: this.desc || undefined,
      allNamespaces: this.kindDef.namespaced && this.allNs && this.ctx.scope().namespace !== '*' ? true : undefined,
      wide: this.wide || undefined,
      faults: this.faults || undefined,
    };
  }

  resourceKind(): ResourceKindTarget | null {
    const { context, namespace } = this.ctx.scope();
    if (context === null) return null;
    return {
      kindId: this.kindDef.id,
      kind: this.kindDef.kind,
      group: this.kindDef.group,
      version: this.kindDef.version,
      plural: this.kindDef.id,
      namespaced: this.kindDef.namespaced,
      context,
      namespace: this.kindDef.namespaced && !this.allNs && namespace !== '*' ? namespace : null,
    };
  }

  /** The selected object as the watch has it now. */
  selectedObject(): KubeObject | null {
    const rows = this.ordered(this.columns(), Date.now());
    return rows[this.selection(rows)]?.obj ?? null;
  }

  /** The selected object as it is now, uid included, so an action can be pinned to it. */
  selectedResource(): ResourceTarget | null {
    const rows = this.ordered(this.columns(), Date.now());
    return this.targetAt(rows, this.selection(rows));
  }

  private targetAt(rows: readonly StoreEntry[], i: number): ResourceTarget | null {
    const e = rows[i];
    const k = this.resourceKind();
    if (!e || !k) return null;
    return { ...k, name: e.obj.metadata.name, namespace: e.obj.metadata.namespace ?? null, uid: e.obj.metadata.uid };
  }

  /** The marked objects still in the list (a mark goes with its object), in the order they were marked. */
  markedResources(): ResourceTarget[] {
    this.pruneMarks();
    return [...this.marks.values()];
  }

  unmark(uids: readonly string[]): void {
    let changed = false;
    for (const uid of uids) changed = this.marks.delete(uid) || changed;
    if (changed) this.changed.emit();
  }

  private pruneMarks(): void {
    if (this.marks.size === 0) return;
    const store = this.handle?.reflector.store;
    for (const uid of this.marks.keys()) if (!store || !store.get(uid)) this.marks.delete(uid);
  }

  view(viewport: Viewport): PaneView {
    const kube = this.ctx.services.kube;
    const scope = this.ctx.scope();
    if (!kube.available || scope.context === null) {
      return { type: 'message', title: this.title(), level: 'error', text: `No cluster connection: ${kube.problem ?? 'no context'}` };
    }
    if (this.watchProblem !== null && !this.handle) return { type: 'message', title: this.title(), level: 'error', text: this.watchProblem };
    this.syncUsage();
    const r = this.handle?.reflector;
    const now = Date.now();
    const cols = this.columns();
    const rows = this.ordered(cols, now);
    const sel = this.selection(rows);
    const footerParts: string[] = [];
    this.pruneMarks();
    if (this.marks.size > 0) footerParts.push(`${this.marks.size} marked`);
    if (this.owner) footerParts.push(`of ${this.owner.name}`);
    if (this.drillFilter !== null) footerParts.push(this.drillName ? `of ${this.drillName} (${this.drillFilter})` : this.drillFilter);
    if (this.faults) footerParts.push('faults only (ctrl+z)');
    if (this.filter) footerParts.push(`/${this.filter}`);
    const filterError = this.rowFilter().error;
    if (filterError) footerParts.push(filterError);
    // The rows shown are exact; the rest of the filter or order is still being completed. Said in a
    // footer that is there anyway (a filter has one); a sort's moment of work goes in the badge, so the
    // body does not lose and regain its last row.
    const working = this.index?.working ?? null;
    if (working && footerParts.length > 0) footerParts.push(`${working}…`);
    if (r?.loading) footerParts.push(`loading ${grouped(r.loading.loaded)}${r.loading.total !== null ? ` / ~${grouped(r.loading.total)}` : ''}`);
    if (r && r.state !== 'synced' && r.error) footerParts.push(`${r.state}: ${r.error}`);
    if (this.kinds.problem) footerParts.push(this.kinds.problem);
    const footer = footerParts.join(' | ');
    const bodyRows = Math.max(1, viewport.rows - 1 - (footer ? 1 : 0));
    this.lastRows = bodyRows;
    if (sel >= 0) {
      if (sel < this.top) this.top = sel;
      if (sel >= this.top + bodyRows) this.top = sel - bodyRows + 1;
    }
    this.top = Math.max(0, Math.min(this.top, Math.max(0, rows.length - bodyRows)));
    const columnsKey = this.columnsKey(cols);
    const rowStyle = this.kindDef.rowStyle;
    // Big lists: compute every row's cells and keys in the background (from the first pages on, then
    // the rows that change) so the first filter key or sort is quick.
    if (r && r.store.size > 2000) this.index?.warm(cols, columnsKey);
    const visible: Row[] = rows.slice(this.top, this.top + bodyRows).map((e) => {
      const cells: Record<string, string> = {};
      const styles: Record<string, Style> = {};
      const marked = this.marks.has(e.obj.metadata.uid);
      // Cells and styles per object version (those of columns that tick, each frame).
      const cached = this.index ? this.index.cached(e, cols, columnsKey, now, rowStyle) : null;
      cols.forEach((c, i) => {
        const tick = ticks(c) || !cached;
        cells[c.id] = tick ? safeCell(c, e, now) : cached.cells[i]!;
        const st = marked ? 'accent' : tick ? styleOf(c, e, now, rowStyle) : cached.styles[i];
        if (st) styles[c.id] = st;
      });
      if (marked) cells[cols[0]!.id] = `✓ ${cells[cols[0]!.id]}`;
      return { id: e.obj.metadata.uid, cells, ...(Object.keys(styles).length ? { styles } : {}) };
    });
    const columns: Column[] = cols.map((c) => ({ id: c.id, title: c.title, ...(c.align ? { align: c.align } : {}) }));
    const total = r?.store.size ?? 0;
    let empty: string | undefined;
    if (rows.length === 0) {
      // Nothing to show while the context's plugin waits for a login: its prompt, not the list's last
      // error (after a key lifted a login held, that still said to press a key until the login came).
      const prompt = total === 0 && r?.state !== 'synced' ? this.ctx.services.kube.loginPrompt(this.ctx.scope().context) : null;
      empty = !r || prompt !== null || (r.state === 'connecting' && total === 0)
        ? loadingText(prompt)
        : r.state === 'error' && total === 0
          ? `Error: ${r.error}`
          : r.state === 'reconnecting' && total === 0
            ? `Reconnecting: ${r.error ?? ''}`
            : working
              ? `${working[0]!.toUpperCase()}${working.slice(1)}...`
              : this.filter
                ? (filterError ?? 'No matches')
                : this.faults && total > 0
                  ? 'No faults: every row is ready and without errors'
                  : this.owner
                    ? `No ${this.kindDef.display} of ${this.owner.name} now`
                    : this.drillFilter !== null
                      ? (filterError ?? `No ${this.kindDef.display} of ${this.drillName ?? this.drillFilter} now`)
                      : 'No resources found';
    }
    const view: TableView = {
      type: 'table',
      title: this.title(),
      // While filtering, the matches found so far: at least that many.
      badge: `${this.filter || this.faults || this.owner || this.drillFilter !== null ? `${rows.length}${working === 'filtering' ? '+' : ''}/${total}` : `${total}`}${working && footerParts.length === 0 ? ` ${working}…` : ''}`,
      columns,
      rows: visible,
      offset: this.top,
      total: rows.length,
      unfiltered: total,
      selected: sel >= 0 ? sel : null,
      ...(this.sortCol ? { sort: { column: this.sortCol, order: this.desc ? ('desc' as const) : ('asc' as const) } } : {}),
      ...(this.filter ? { filter: this.filter } : {}),
      ...(empty ? { empty } : {}),
      ...(footer ? { footer } : {}),
    };
    return view;
  }

  override dispose(): void {
    clearInterval(this.clock);
    this.dropUsage();
    this.kinds.dispose();
    this.index?.dispose();
    this.unsubscribe?.();
    this.handle?.release();
    this.handle = null;
    super.dispose();
  }
}

/** The most rows one list marks (a bulk action beyond it is a script's job). */
const MAX_MARKS = 1000;

/** How often a list with time-dependent columns is redrawn (ages and "(3m ago)" tick). */
const CLOCK_MS = 1000;

