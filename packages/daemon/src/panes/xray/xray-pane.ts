import type { Line, PaneCommand } from '@kubetile/rpc-schema';
import { KNOWN_KINDS } from '../../kube/kinds/builtin.js';
import { findKind } from '../../kube/kinds/find-kind.js';
import type { KindDef } from '../../kube/kinds/types.js';
import type { KubeObject } from '../../kube/types.js';
import { badObjectName } from '../../kube/object-ref.js';
import { badNamespace } from '../../kube/resource-ref.js';
import { LinesPane } from '../lines-pane.js';
import type { PaneContext, ResourceTarget } from '../pane.js';
import { WatchSet } from '../resource/watch-set.js';
import { PacedValue } from '../../util/paced-value.js';
import { XRAY_KINDS_TEXT, XRAY_ROOTS, xrayDraws } from './xray-roots.js';
import { childrenOf, indexByOwner, treeLines, type ChildIndex, type TreeNode } from './xray-tree.js';
import { filterTree } from './xray-filter.js';
import { shownValue } from '../../util/shown-value.js';
import { grouped } from '../../util/grouped.js';

const ROOTS = XRAY_ROOTS;

const kindById = (id: string): KindDef => KNOWN_KINDS.find((k) => k.id === id)!;
/** The built-in kind of a node's kind name (a custom resource also named `Job` is not it). */
const kindByName = (kind: string): KindDef | undefined => KNOWN_KINDS.find((k) => k.kind === kind && xrayDraws(k.kind, k.group));

/**
 * k9s's xray: a workload as a live tree — Deployment → ReplicaSets → Pods → containers (StatefulSets, DaemonSets,
 * Jobs, CronJobs → Jobs, ReplicaSets and Pods too), each node with its status, following the shared informers.
 * Args: `kind` (default deployments), `name` (one object; else every object of the kind), `namespace` (else the
 * tab's), `uid` (pins the object).
 */
export class XrayPane extends LinesPane {
  private readonly root: KindDef;
  private readonly watches: WatchSet;
  private readonly problem: string | null = null as string | null;
  private cache: { key: string; index: Map<string, ChildIndex> } | null = null;
  /**
   * The tree's lines, drawn again when a watched store changed — at most as often as drawing costs
   * (see PacedValue): a ReplicaSet of 100k pods took 180–320 ms a drawing, on every watch event.
   */
  private readonly drawn = new PacedValue<Line[]>(() => this.changed.emit());
  /** What each line of the last drawn tree is (lines that are not the tree's have none). */
  private tree: { lines: Line[]; nodes: TreeNode[]; nodeOf: Map<Line, TreeNode> } | null = null;
  /**
   * The filtered tree for `tree` and `query` (asked for on every view and key): each kept line's line as
   * shown (its guides drawn for the smaller tree), and what each shown line is.
   */
  private kept: { tree: object; query: string; shown: Map<Line, Line>; nodeOf: Map<Line, TreeNode> } | null = null;
  private readonly ids = new WeakMap<TreeNode, string>();

  constructor(private readonly ctx: PaneContext) {
    super('xray', ctx);
    const a = ctx.args;
    const kind = typeof a.kind === 'string' ? findKind(a.kind) : findKind('deployments');
    this.root = kind && ROOTS[kind.kind] ? kind : kindById('deployments');
    // A kind or uid that is not a string named nothing and was dropped: `{kind: 42}` drew Deployments,
    // `{uid: 42}` every namesake — not the object a script pinned.
    if (a.kind !== undefined && typeof a.kind !== 'string') this.problem = `args.kind ${shownValue(a.kind)} is not a kind: xray draws ${XRAY_KINDS_TEXT}`;
    else if (a.uid !== undefined && (typeof a.uid !== 'string' || a.uid === '')) this.problem = `args.uid ${shownValue(a.uid)} is not an object's uid`;
    else if (typeof a.kind === 'string' && (!kind || !ROOTS[kind.kind])) this.problem = `xray draws ${XRAY_KINDS_TEXT}, not '${a.kind.slice(0, 60)}'`;
    else if (a.name !== undefined && badObjectName(a.name, 'args.name')) this.problem = badObjectName(a.name, 'args.name');
    else if (a.namespace !== undefined && badNamespace(a.namespace, 'args.namespace')) this.problem = badNamespace(a.namespace, 'args.namespace');
    const kinds = (ROOTS[this.root.kind] ?? []).map(kindById);
    this.watches = new WatchSet(ctx, kinds, () => this.changed.emit(), () => (typeof a.namespace === 'string' ? a.namespace : undefined));
    if (!this.problem) this.watches.start();
  }

  title(): string {
    // One object is named by its kind (`Xray Deployment web`), all of them by the list's name (`Xray Deployments`);
    // a kind xray does not draw is named as asked (it was titled as a Deployment).
    if (this.problem && typeof this.args.kind === 'string') return `Xray ${this.args.kind.slice(0, 60)}`;
    if (this.problem && this.args.kind !== undefined) return 'Xray';
    const what = typeof this.args.name === 'string' ? `${this.root.kind} ${this.args.name}` : this.root.display;
    return `Xray ${what} (${this.watches.namespace() ?? 'All Namespaces'})`;
  }

  alias(): string {
    return 'XRY';
  }

  protected override supportsFollow(): boolean {
    return false;
  }

  /** A cursor on the tree's nodes, as k9s's xray: d, y, l… act on the node under it. */
  protected override hasCursor(): boolean {
    return true;
  }

  /**
   * A node by what it draws (the cursor stays on it as the tree is redrawn); another line by its text.
   * Kept per node: the cursor looks its line up on every view (5,000 ids joined anew took ~3 ms a view).
   */
  protected override lineId(line: Line): string {
    const n = this.nodeOf(line);
    if (!n) return `line\u0000${line.text}`;
    let id = this.ids.get(n);
    if (id === undefined) {
      id = [n.kind, n.namespace, n.obj?.metadata.uid ?? '', n.obj?.metadata.name ?? '', n.container ?? ''].join('\u0000');
      this.ids.set(n, id);
    }
    return id;
  }

  /**
   * `/` keeps the tree around each match (its namespace and owners above it, what it owns below it): a
   * pod matched line by line stood alone, and two namesakes of two namespaces looked alike. Lines that are
   * not the tree's (why a kind is not shown, the `… more lines` note) stay.
   */
  protected override filterLines(all: Line[], query: string): Line[] {
    const tree = this.tree;
    if (!tree) return all;
    if (this.kept?.tree !== tree || this.kept.query !== query) {
      const shown = filterTree(tree.lines, tree.nodes, query);
      const nodeOf = new Map<Line, TreeNode>();
      for (const [l, s] of shown) nodeOf.set(s, tree.nodeOf.get(l)!);
      this.kept = { tree, query, shown, nodeOf };
    }
    const { shown } = this.kept;
    return all.flatMap((l) => (tree.nodeOf.has(l) ? (shown.get(l) ?? []) : [l]));
  }

  /** What a shown line is (of the tree or of the filtered tree); undefined for a line that is not a node. */
  private nodeOf(line: Line): TreeNode | undefined {
    return this.tree?.nodeOf.get(line) ?? this.kept?.nodeOf.get(line);
  }

  /**
   * enter: the list of the node's kind with it selected, beside the tree (k9s's xray goes to the
   * resource); a Container line's pod. A Namespace line goes nowhere (as in k9s).
   */
  override handleCommand(cmd: PaneCommand): void {
    if (cmd.type !== 'select') return super.handleCommand(cmd);
    const t = this.selectedResource();
    if (!t?.uid) return;
    const here = this.ctx.scope().namespace;
    // The object's namespace may not be the tab's (xray of all namespaces, or args.namespace): the list shows all.
    this.ctx.requests.openBeside({ key: 'resource-list', args: { kind: t.kindId, selectUid: t.uid, ...(t.namespace !== here ? { allNamespaces: true } : {}) } });
  }

  /**
   * The object under the cursor, pinned by its uid: a Container line's pod. None on a Namespace line (as
   * in k9s: a filter puts the cursor on the first line, a namespace's, and ctrl+d there would have offered
   * to delete the namespace) nor on a line that is not a node (an error).
   */
  selectedResource(): ResourceTarget | null {
    const line = this.selectedLine();
    const n = line ? this.nodeOf(line) : undefined;
    const context = this.ctx.scope().context;
    if (!n?.obj || context === null) return null;
    const k = kindByName(n.kind === 'Container' ? 'Pod' : n.kind);
    if (!k) return null;
    return {
      kindId: k.id,
      kind: k.kind,
      group: k.group,
      version: k.version,
      plural: k.id,
      namespaced: k.namespaced,
      context,
      name: n.obj.metadata.name,
      namespace: n.obj.metadata.namespace ?? null,
      uid: n.obj.metadata.uid,
    };
  }

  selectedContainer(): string | null {
    const line = this.selectedLine();
    const n = line ? this.nodeOf(line) : undefined;
    return n?.kind === 'Container' && n.container ? n.container : null;
  }

  onScopeChange(): void {
    if (this.problem || typeof this.args.namespace === 'string') return;
    this.cache = null;
    this.drawn.reset();
    this.watches.start();
    this.changed.emit();
  }

  /** Children indexes per kind, rebuilt when any watched store changed. */
  private indexes(): Map<string, ChildIndex> {
    const kinds = ROOTS[this.root.kind] ?? [];
    const key = kinds.map((id) => {
      const s = this.watches.reflector(id)?.store;
      return s ? `${s.seq}.${s.generation}.${s.size}` : '-';
    }).join('|');
    if (this.cache?.key === key) return this.cache.index;
    const index = new Map<string, ChildIndex>();
    for (const id of kinds) {
      const k = kindById(id);
      const store = this.watches.reflector(id)?.store;
      index.set(k.kind, indexByOwner((store?.sorted ?? []).map((e) => e.obj)));
    }
    this.cache = { key, index };
    return index;
  }

  protected lines(): Line[] {
    if (this.problem) return [{ text: this.problem, style: 'error' }];
    if (this.watches.problem) return [{ text: this.watches.problem, style: 'error' }];
    const rootStore = this.watches.reflector(this.root.id);
    if (!rootStore || (rootStore.state === 'connecting' && rootStore.store.size === 0)) return [{ text: 'Loading...', style: 'dim' }];
    // The tree changes only with the stores (no ages in it): drawn once per change, not on every frame
    // (each key that scrolled a big tree drew all its lines again).
    const kinds = ROOTS[this.root.kind] ?? [];
    const key = kinds.map((id) => {
      const r = this.watches.reflector(id);
      return r ? `${r.state}.${r.store.seq}.${r.store.generation}.${r.store.size}` : '-';
    }).join('|');
    return this.drawn.get(key, () => this.draw(rootStore.store.sorted, rootStore.state === 'error' ? rootStore.error ?? '' : null));
  }

  private draw(rootEntries: ReadonlyArray<{ obj: KubeObject }>, rootError: string | null): Line[] {
    const name = typeof this.args.name === 'string' ? this.args.name : null;
    const uid = typeof this.args.uid === 'string' ? this.args.uid : null;
    const roots: KubeObject[] = [];
    for (const e of rootEntries) if ((name === null || e.obj.metadata.name === name) && (uid === null || e.obj.metadata.uid === uid)) roots.push(e.obj);
    if (roots.length === 0) {
      if (rootError !== null) return [{ text: `Error: ${rootError}`, style: 'error' }];
      return [{ text: name ? `${this.root.kind} ${name} is not there (deleted, or another namespace)` : `No ${this.root.display} here`, style: 'dim' }];
    }
    const index = this.indexes();
    // All namespaces: each root under its namespace (kubectl -A's NAMESPACE column, k9s's namespace nodes).
    const allNamespaces = this.watches.namespace() === null;
    const { lines, nodes, cut } = treeLines(this.root.kind, roots, { children: (kind, owner) => childrenOf(index.get(kind), owner) }, undefined, allNamespaces);
    this.tree = { lines: lines.slice(), nodes, nodeOf: new Map(lines.map((l, i) => [l, nodes[i]!])) };
    if (cut > 0) lines.push({ text: `… ${grouped(cut)} more lines not drawn`, style: 'dim' });
    // A kind below the root that cannot be listed (RBAC, a failing watch) is said, first: the tree drew
    // a ReplicaSet `1/1 ready` with no pod under it, as if it had none.
    const missing: Line[] = [];
    for (const id of (ROOTS[this.root.kind] ?? []).slice(1)) {
      const r = this.watches.reflector(id);
      if (r?.state === 'error') missing.push({ text: `${kindById(id).display} not shown: ${r.error ?? 'cannot be listed'}`, style: 'error' });
    }
    return missing.length > 0 ? [...missing, ...lines] : lines;
  }

  override dispose(): void {
    this.drawn.stop();
    this.watches.stop();
    super.dispose();
  }
}

