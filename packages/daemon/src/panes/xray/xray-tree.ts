import type { Line, Style } from '@kubetile/rpc-schema';
import { at, num, numOrUndef, objs, str } from '../../kube/kinds/json.js';
import { jobStatus } from '../../kube/kinds/batch.js';
import { podSummary } from '../../kube/kinds/pod-status.js';
import { statusStyle } from '../../kube/kinds/styles.js';
import type { KubeObject } from '../../kube/types.js';
import { controllerRef } from '../../kube/owner-refs.js';

/** Objects by their namespace and the uid of their controller (ownerReferences with controller: true): see ownerKey. */
export type ChildIndex = Map<string, KubeObject[]>;

/**
 * An owner's key in a ChildIndex: its namespace with its uid. An owner reference names a uid only,
 * and any pod can write any uid there; an owner is in its dependent's namespace (the garbage
 * collector ignores any other), so a pod of another namespace carrying a Deployment's ReplicaSet's
 * uid is not that ReplicaSet's (xray of all namespaces drew it under the ReplicaSet, as its pod).
 */
const ownerKey = (namespace: string | undefined, uid: string): string => `${namespace ?? ''}\u0000${uid}`;

export function indexByOwner(objects: Iterable<KubeObject>): ChildIndex {
  const m: ChildIndex = new Map();
  for (const o of objects) {
    const uid = controllerRef(o)?.uid;
    if (uid === undefined) continue;
    const key = ownerKey(o.metadata.namespace, uid);
    const list = m.get(key);
    if (list) list.push(o);
    else m.set(key, [o]);
  }
  for (const list of m.values()) list.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return m;
}

/** Which kinds hang under which: a Deployment's ReplicaSets, a CronJob's Jobs, a workload's Pods. */
export const CHILD_KINDS: Record<string, string[]> = {
  Deployment: ['ReplicaSet'],
  CronJob: ['Job'],
  ReplicaSet: ['Pod'],
  StatefulSet: ['Pod'],
  DaemonSet: ['Pod'],
  Job: ['Pod'],
  Pod: [],
};

/** Status text and style of a node of the tree. */
export function summary(o: KubeObject, kind: string): { text: string; style: Style | undefined } {
  switch (kind) {
    case 'Pod': {
      const s = podSummary(o);
      return { text: `${s.status} ${s.ready}/${s.total}${s.restarts > 0 ? ` restarts ${s.restarts}` : ''}`, style: statusStyle(s.status) ?? undefined };
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const want = numOrUndef(at(o, 'spec', 'replicas')) ?? 1;
      const ready = num(at(o, 'status', 'readyReplicas'));
      return { text: `${ready}/${want} ready`, style: ready >= want ? 'ok' : 'warn' };
    }
    case 'DaemonSet': {
      const want = num(at(o, 'status', 'desiredNumberScheduled'));
      const ready = num(at(o, 'status', 'numberReady'));
      return { text: `${ready}/${want} ready`, style: ready >= want ? 'ok' : 'warn' };
    }
    case 'Job': {
      const s = jobStatus(o);
      return { text: s, style: statusStyle(s) };
    }
    case 'CronJob':
      return { text: `${str(at(o, 'spec', 'schedule'))}${at(o, 'spec', 'suspend') === true ? ' suspended' : ''}`, style: at(o, 'spec', 'suspend') === true ? 'warn' : undefined };
    default:
      return { text: '', style: undefined };
  }
}

/**
 * Statuses by container name (the first of a name, as a search finds it): a search per container
 * was quadratic — a pod of 50,000 containers held the daemon for seconds on every frame of xray.
 */
function byNameOf(list: Array<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  for (const s of list) {
    const n = str(s['name']);
    if (!m.has(n)) m.set(n, s);
  }
  return m;
}

/** The containers of a pod with their state: `nginx running nginx:1.27`, `app waiting CrashLoopBackOff`. */
export function containerLines(pod: KubeObject): Array<{ name: string; text: string; style: Style | undefined; container: string }> {
  const statuses = byNameOf(objs(at(pod, 'status', 'containerStatuses')));
  const init = byNameOf(objs(at(pod, 'status', 'initContainerStatuses')));
  const eph = byNameOf(objs(at(pod, 'status', 'ephemeralContainerStatuses')));
  const out: Array<{ name: string; text: string; style: Style | undefined; container: string }> = [];
  const add = (c: Record<string, unknown>, tag: string, list: Map<string, Record<string, unknown>>): void => {
    const name = str(c['name']);
    const st = list.get(name);
    const state = at(st, 'state');
    let text = 'unknown';
    let style: Style | undefined = 'warn';
    if (at(state, 'running') !== undefined) {
      text = st?.['ready'] === true || tag !== '' ? 'running' : 'running, not ready';
      style = st?.['ready'] === true || tag !== '' ? 'ok' : 'warn';
    } else if (at(state, 'waiting') !== undefined) {
      text = `waiting ${str(at(state, 'waiting', 'reason'))}`.trim();
      style = statusStyle(str(at(state, 'waiting', 'reason'))) ?? 'warn';
    } else if (at(state, 'terminated') !== undefined) {
      const reason = str(at(state, 'terminated', 'reason'));
      text = `terminated ${reason}`.trim();
      style = reason === 'Completed' ? 'dim' : 'error';
    }
    out.push({ name: `${tag}${name}`, text: `${text} ${str(c['image'])}`.trim(), style, container: name });
  };
  for (const c of objs(at(pod, 'spec', 'initContainers'))) add(c, 'init:', init);
  for (const c of objs(at(pod, 'spec', 'containers'))) add(c, '', statuses);
  for (const c of objs(at(pod, 'spec', 'ephemeralContainers'))) add(c, 'debug:', eph);
  return out;
}

export interface TreeSource {
  /** Children of `owner` of `kind`: those in its namespace whose controller is its uid. */
  children(kind: string, owner: KubeObject): KubeObject[];
}

/** The children of `owner` in `index` (built by indexByOwner). */
export const childrenOf = (index: ChildIndex | undefined, owner: KubeObject): KubeObject[] => index?.get(ownerKey(owner.metadata.namespace, owner.metadata.uid)) ?? [];

/** At most this many lines (a namespace of 100k pods is summarised, not drawn). */
export const MAX_LINES = 5000;

/**
 * The roots by namespace, the namespaces in name order (each keeps its roots' order): xray of all
 * namespaces draws each under its `Namespace` node, as k9s's xray does (two Deployments `web` of
 * two namespaces were two lines `Deployment web` alike).
 */
function byNamespace(roots: readonly KubeObject[]): Array<[string, KubeObject[]]> {
  const m = new Map<string, KubeObject[]>();
  for (const r of roots) {
    const ns = r.metadata.namespace ?? '';
    const list = m.get(ns);
    if (list) list.push(r);
    else m.set(ns, [r]);
  }
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * What a line of the tree is: the index of its parent's line (-1 for a top line), where its own
 * text starts after the guides, and the object it draws — a Namespace node names its namespace, a
 * Container its pod and container — so a filter can keep a match's ancestors and an action can
 * act on the object under the cursor.
 */
export interface TreeNode {
  parent: number;
  guides: number;
  kind: string;
  /** The object drawn (a Container line: its pod); null on a Namespace line. */
  obj: KubeObject | null;
  /** The namespace of a Namespace line, else the object's. */
  namespace: string;
  /** A Container line's container. */
  container?: string;
}

/**
 * The tree under `roots` as lines with box-drawing guides, each node's status styled; with
 * `namespaces`, the roots hang under a node of their namespace (xray of all namespaces).
 * `nodes[i]` says what `lines[i]` is.
 */
export function treeLines(
  rootKind: string,
  roots: readonly KubeObject[],
  src: TreeSource,
  max = MAX_LINES,
  namespaces = false,
): { lines: Line[]; nodes: TreeNode[]; cut: number } {
  const lines: Line[] = [];
  const nodes: TreeNode[] = [];
  let cut = 0;
  /** Pushes a line; its index, or -1 when it was cut (its children are cut too: lines stop at `max`). */
  const push = (prefix: string, label: string, name: string, status: string, style: Style | undefined, node: Omit<TreeNode, 'guides'>): number => {
    if (lines.length >= max) {
      cut++;
      return -1;
    }
    const head = `${prefix}${label} `;
    const spans = [{ text: head, style: 'dim' as Style }, { text: name, style: 'accent' as Style }, ...(status ? [{ text: `  ${status}`, ...(style ? { style } : {}) }] : [])];
    lines.push({ text: `${head}${name}${status ? `  ${status}` : ''}`, spans });
    nodes.push({ ...node, guides: prefix.length });
    return lines.length - 1;
  };
  // List items carry no `kind`: it is passed down with each object.
  const walk = (o: KubeObject, kind: string, prefix: string, branch: string, childPrefix: string, parent: number): void => {
    const s = summary(o, kind);
    const ns = o.metadata.namespace ?? '';
    const at = push(`${prefix}${branch}`, kind, o.metadata.name, s.text, s.style, { parent, kind, obj: o, namespace: ns });
    const kids: Array<{ kind: 'obj'; o: KubeObject; k: string } | { kind: 'container'; c: { name: string; text: string; style: Style | undefined; container: string } }> = [];
    for (const k of CHILD_KINDS[kind] ?? []) for (const c of src.children(k, o)) kids.push({ kind: 'obj', o: c, k });
    if (kind === 'Pod') for (const c of containerLines(o)) kids.push({ kind: 'container', c });
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      const br = last ? '└─ ' : '├─ ';
      if (kid.kind === 'obj') walk(kid.o, kid.k, `${prefix}${childPrefix}`, br, last ? '   ' : '│  ', at);
      else push(`${prefix}${childPrefix}${br}`, 'Container', kid.c.name, kid.c.text, kid.c.style, { parent: at, kind: 'Container', obj: o, namespace: ns, container: kid.c.container });
    });
  };
  if (!namespaces) {
    for (const r of roots) walk(r, rootKind, '', '', '', -1);
    return { lines, nodes, cut };
  }
  for (const [ns, list] of byNamespace(roots)) {
    const at = push('', 'Namespace', ns || '(none)', '', undefined, { parent: -1, kind: 'Namespace', obj: null, namespace: ns });
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      walk(r, rootKind, '', last ? '└─ ' : '├─ ', last ? '   ' : '│  ', at);
    });
  }
  return { lines, nodes, cut };
}
