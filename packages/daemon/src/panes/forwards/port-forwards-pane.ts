import type { Column, PaneCommand, PaneView, Row, Style, TableView, Viewport } from '@kubetile/rpc-schema';
import { BasePane } from '../base-pane.js';
import type { ClientPrompts, PaneContext } from '../pane.js';
import type { PaneGroup } from '../../keys/bindings.js';
import type { ForwardInfo, ForwardState } from '../../forwards/forward-types.js';
import { formatAge } from '../../kube/kinds/age.js';
import { formatBytes } from '../../util/bytes.js';
import { errorMessage } from '../../util/errors.js';
import { TableCursor } from '../table-cursor.js';
import { hostPorts } from '../../forwards/loopback.js';
import { filterAfter } from '../table-filter.js';

/** What the pane needs of the daemon's forwards. */
export interface ForwardsModel {
  list(): ForwardInfo[];
  stop(id: string): Promise<unknown>;
  readonly changed: { subscribe(fn: () => void): () => void };
}

const COLUMNS: Column[] = [
  { id: 'target', title: 'TARGET' },
  { id: 'namespace', title: 'NAMESPACE' },
  { id: 'pod', title: 'POD' },
  { id: 'local', title: 'LOCAL' },
  { id: 'remote', title: 'REMOTE' },
  { id: 'age', title: 'AGE', align: 'right' },
  { id: 'connections', title: 'CONNS', align: 'right' },
  { id: 'in', title: 'IN', align: 'right' },
  { id: 'out', title: 'OUT', align: 'right' },
  { id: 'state', title: 'STATE' },
];

const STATE_STYLE: Record<ForwardState, Style> = {
  active: 'ok',
  'pod gone': 'error',
  'pod not running': 'warn',
  'no ready pod': 'warn',
  'listener failed': 'error',
  stopped: 'dim',
  'waiting for the cluster': 'warn',
};

const idOf = (r: { f: ForwardInfo }): string => r.f.id;

/** Ages tick: the pane is redrawn every second while it lists forwards. */
const CLOCK_MS = 1000;

/** `127.0.0.1:8080, [::1]:8080`: where it listens (127.0.0.1 when it listens nowhere now: where it was asked to). */
const localOf = (f: ForwardInfo): string => hostPorts(f.localAddresses, f.localPort);

function cells(f: ForwardInfo, now: number): Record<string, string> {
  return {
    target: f.target,
    namespace: f.namespace,
    pod: f.pod ?? '',
    local: localOf(f),
    remote: f.podPort !== null && f.podPort !== f.remotePort ? `${f.remotePort}->${f.podPort}` : String(f.remotePort),
    age: formatAge(now - Date.parse(f.startedAt)),
    connections: String(f.connections),
    in: formatBytes(f.bytesIn),
    out: formatBytes(f.bytesOut),
    state: f.state,
  };
}

/**
 * The daemon's port-forwards (KubeTile's Port Forwards pane, with more): target, namespace, the
 * pod connections go to, local and remote ports, age (ticking), open connections, bytes in (from
 * the pod) and out (to the pod), and the state; the footer shows the selected forward's last
 * error. `x` / `ctrl+alt+x` stops the selected forward after a confirm. Newest first.
 */
export class PortForwardsPane extends BasePane {
  private readonly cursor = new TableCursor();
  private filter = '';
  private readonly clock: NodeJS.Timeout;

  constructor(
    ctx: PaneContext,
    private readonly model: ForwardsModel,
  ) {
    super('port-forwards', ctx);
    this.disposers.push(model.changed.subscribe(() => this.changed.emit()));
    this.clock = setInterval(() => {
      if (this.model.list().length > 0) this.changed.emit();
    }, CLOCK_MS);
    this.clock.unref();
  }

  title(): string {
    return 'Port-forwards';
  }

  alias(): string {
    return 'PF';
  }

  bindingGroup(): PaneGroup {
    return 'port_forwards';
  }

  private rows(now: number): Array<{ f: ForwardInfo; cells: Record<string, string> }> {
    const all = this.model
      .list()
      .reverse()
      .map((f) => ({ f, cells: cells(f, now) }));
    if (!this.filter) return all;
    const q = this.filter.toLowerCase();
    return all.filter((r) => Object.entries(r.cells).some(([k, v]) => k !== 'age' && v.toLowerCase().includes(q)));
  }

  handleCommand(cmd: PaneCommand): void {
    const rows = this.rows(Date.now());
    if (this.cursor.navigate(cmd, rows, idOf)) {
      this.changed.emit();
      return;
    }
    const filter = filterAfter(cmd, this.filter);
    if (filter === undefined) return;
    if (cmd.type === 'filter') this.cursor.reset();
    this.filter = filter;
    this.changed.emit();
  }

  /** The forward selected now. */
  selected(): ForwardInfo | null {
    const rows = this.rows(Date.now());
    return rows[this.cursor.select(rows, idOf)]?.f ?? null;
  }

  handleAction(name: string, prompts: ClientPrompts): void {
    if (name !== 'stop') return;
    const f = this.selected();
    if (!f) {
      prompts.toast('info', 'No port-forward selected');
      return;
    }
    const what = `${f.target}:${f.remotePort} -> ${localOf(f)}`;
    void prompts.confirm(`Stop the port-forward ${what}?`).then(async (yes) => {
      if (!yes) return;
      try {
        await this.model.stop(f.id);
        prompts.toast('success', `Stopped port-forward ${what}`);
      } catch (err) {
        prompts.toast('error', `stopping ${what} failed: ${errorMessage(err)}`);
      }
    });
  }

  view(viewport: Viewport): PaneView {
    const now = Date.now();
    const rows = this.rows(now);
    const sel = this.cursor.select(rows, idOf);
    const chosen = sel >= 0 ? rows[sel]!.f : null;
    const footerParts: string[] = [];
    if (this.filter) footerParts.push(`/${this.filter}`);
    if (chosen?.error) footerParts.push(`${chosen.target}: ${chosen.error}`);
    const footer = footerParts.join(' | ');
    const bodyRows = Math.max(1, viewport.rows - 1 - (footer ? 1 : 0));
    const top = this.cursor.window(sel, bodyRows, rows.length);
    const visible: Row[] = rows.slice(top, top + bodyRows).map((r) => ({
      id: r.f.id,
      cells: r.cells,
      styles: { state: STATE_STYLE[r.f.state] },
    }));
    const total = this.model.list().length;
    const view: TableView = {
      type: 'table',
      title: this.title(),
      badge: this.filter ? `${rows.length}/${total}` : `${total}`,
      columns: COLUMNS,
      rows: visible,
      offset: top,
      total: rows.length,
      unfiltered: total,
      selected: sel >= 0 ? sel : null,
      ...(this.filter ? { filter: this.filter } : {}),
      ...(rows.length === 0 ? { empty: this.filter ? 'No matches' : 'No port-forwards (press p on a pod, service or deployment)' } : {}),
      ...(footer ? { footer } : {}),
    };
    return view;
  }

  override dispose(): void {
    clearInterval(this.clock);
    super.dispose();
  }
}
