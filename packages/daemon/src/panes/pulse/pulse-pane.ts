import type { PaneCommand, PaneView, Row, Style, TableView, Viewport } from '@kubetile/rpc-schema';
import { KNOWN_KINDS } from '../../kube/kinds/builtin.js';
import type { KindDef } from '../../kube/kinds/types.js';
import { BasePane } from '../base-pane.js';
import type { PaneContext } from '../pane.js';
import { capCell } from '../resource/row-cache.js';
import { PacedValue } from '../../util/paced-value.js';
import { WatchSet } from '../resource/watch-set.js';
import { countHealth, type Counts } from './pulse-counts.js';

/** The kinds the pulse counts, in the order it lists them (nodes are cluster-wide). */
const PULSE_KINDS = ['pods', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'services', 'persistentvolumeclaims', 'events', 'nodes'];

const COLUMNS = [
  { id: 'kind', title: 'KIND' },
  { id: 'total', title: 'TOTAL', align: 'right' as const },
  { id: 'ok', title: 'OK', align: 'right' as const },
  { id: 'warn', title: 'WARN', align: 'right' as const },
  { id: 'failed', title: 'FAILED', align: 'right' as const },
  { id: 'attention', title: 'NEEDS ATTENTION' },
];

/**
 * k9s's pulse: counts and health of the main kinds in the tab's namespace (all namespaces with the tab on All),
 * live from the shared informers. OK / WARN / FAILED: pods by status and readiness, workloads by ready replicas,
 * jobs by outcome, claims by phase, nodes by readiness, events by type (WARN = Warning events). `enter` opens the
 * list of the selected kind beside it.
 */
export class PulsePane extends BasePane {
  private readonly kinds: KindDef[];
  private readonly watches: WatchSet;
  private selected = 0;
  /** Counts per kind, kept until its store changes. */
  private readonly cache = new Map<string, { seq: number; gen: number; size: number; counts: Counts }>();
  /** All kinds' counts, recounted at most as often as their cost allows (see PacedValue). */
  private readonly paced = new PacedValue<ReadonlyMap<string, Counts | null>>(() => this.changed.emit());

  constructor(private readonly ctx: PaneContext) {
    super('pulse', ctx);
    this.kinds = PULSE_KINDS.map((id) => KNOWN_KINDS.find((k) => k.id === id)!).filter((k) => k !== undefined);
    this.watches = new WatchSet(ctx, this.kinds, () => this.changed.emit());
    this.watches.start();
  }

  title(): string {
    const ns = this.watches.namespace();
    return `Pulse (${ns ?? 'All Namespaces'})`;
  }

  alias(): string {
    return 'PUL';
  }

  onScopeChange(): void {
    this.cache.clear();
    this.paced.reset();
    this.watches.start();
    this.changed.emit();
  }

  private counts(k: KindDef): Counts | null {
    const r = this.watches.reflector(k.id);
    if (!r || (r.state === 'connecting' && r.store.size === 0)) return null;
    const store = r.store;
    const c = this.cache.get(k.id);
    if (c && c.seq === store.seq && c.gen === store.generation && c.size === store.size) return c.counts;
    const counts = countHealth(k.id, store.sorted);
    this.cache.set(k.id, { seq: store.seq, gen: store.generation, size: store.size, counts });
    return counts;
  }

  handleCommand(cmd: PaneCommand): void {
    const n = this.kinds.length;
    switch (cmd.type) {
      case 'select_next':
      case 'scroll_down':
        this.selected = (this.selected + 1) % n;
        break;
      case 'select_prev':
      case 'scroll_up':
        this.selected = (this.selected - 1 + n) % n;
        break;
      case 'go_to_top':
        this.selected = 0;
        break;
      case 'go_to_bottom':
        this.selected = n - 1;
        break;
      case 'select': {
        const k = this.kinds[this.selected];
        if (k) this.ctx.requests.openBeside({ key: 'resource-list', args: { kind: k.id } });
        return;
      }
      default:
        return;
    }
    this.changed.emit();
  }

  view(viewport: Viewport): PaneView {
    if (this.watches.problem && this.kinds.every((k) => !this.watches.reflector(k.id))) {
      return { type: 'message', title: this.title(), level: 'error', text: this.watches.problem };
    }
    const stores = this.kinds
      .map((k) => {
        const r = this.watches.reflector(k.id);
        return r ? `${r.state}.${r.store.seq}.${r.store.generation}.${r.store.size}` : '-';
      })
      .join('|');
    const counts = this.paced.get(stores, () => new Map(this.kinds.map((k) => [k.id, this.counts(k)])));
    const rows: Row[] = this.kinds.map((k) => {
      const c = counts.get(k.id) ?? null;
      const r = this.watches.reflector(k.id);
      if (!c) {
        const text = r?.state === 'error' ? `error: ${r.error ?? ''}` : 'loading…';
        return { id: k.id, cells: { kind: k.display, total: '', ok: '', warn: '', failed: '', attention: text }, styles: { attention: r?.state === 'error' ? 'error' : 'dim' } };
      }
      const styles: Record<string, Style> = { kind: c.failed > 0 ? 'error' : c.warn > 0 ? 'warn' : 'ok' };
      if (c.ok > 0) styles.ok = 'ok';
      if (c.warn > 0) styles.warn = 'warn';
      if (c.failed > 0) styles.failed = 'error';
      // Names as the cluster wrote them, cut as a list's cells are (a hostile API server's names of 1 MB went whole in every frame).
      const attention = k.id === 'events' ? (c.warn > 0 ? `${c.warn} warning event${c.warn === 1 ? '' : 's'}` : '') : capCell(c.worst.join(', '));
      if (attention) styles.attention = c.failed > 0 ? 'error' : 'warn';
      return {
        id: k.id,
        cells: { kind: k.display, total: String(c.total), ok: String(c.ok), warn: String(c.warn), failed: String(c.failed), attention },
        styles,
      };
    });
    const bodyRows = Math.max(1, viewport.rows - 2);
    const top = Math.max(0, Math.min(this.selected - bodyRows + 1, rows.length - bodyRows));
    const view: TableView = {
      type: 'table',
      title: this.title(),
      badge: 'live',
      columns: COLUMNS,
      rows: rows.slice(top, top + bodyRows),
      offset: top,
      total: rows.length,
      unfiltered: rows.length,
      selected: this.selected,
      footer: 'enter: list the kind',
    };
    return view;
  }

  override dispose(): void {
    this.paced.stop();
    this.watches.stop();
    super.dispose();
  }
}
