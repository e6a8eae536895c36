import type { KindDef } from '../../kube/kinds/types.js';
import { drillDownArgs } from './list-jump.js';
import { parseSelectorText } from '../../kube/label-selector.js';
import type { KubeObject } from '../../kube/types.js';
import { isRecord } from '../../util/is-record.js';

/**
 * k9s's enter on a workload or a Service: the pods it selects. Here, the pods list of the object's
 * namespace with its selector as the `-l` filter (the namespace's pods watch is shared with any
 * other pods list; the filter shows what it selects, and the rows follow the watch).
 */
export type PodsDrill = { namespace: string; filter: string } | { problem: string };

/** The kinds whose pods are picked by `spec.selector` (a LabelSelector), or by a Service's map. */
const WORKLOADS: ReadonlyArray<[group: string, id: string]> = [
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
];

/** A label key as the API takes it: an optional DNS-subdomain prefix and `/`, then a name. */
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or up to 63 of these, starting and ending alphanumeric. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** The longest filter a list takes from its args. */
const MAX_FILTER = 1024;

/**
 * What enter on a row drills into: a list's args and the namespace the tab moves to (`chooses`: entering
 * a namespace chooses it, as in k9s, and esc leaves the tab there; any other move is undone by esc),
 * why not, or null (its detail).
 */
export type Drill = { args: Record<string, unknown>; namespace?: string; chooses?: true } | { problem: string } | null;

/**
 * k9s's enter on a row: a namespace → its pods (the tab moved to it); a node → the pods on it, from
 * every namespace; a workload or a Service → the pods its selector selects; a CronJob → the Jobs it
 * made (owns). Anything else: null.
 * `obj`: the selected row's object; `back`: the list left, for `esc`.
 */
export function drillFrom(kind: KindDef, name: string, obj: KubeObject | null, back: { args: Record<string, unknown>; state: Record<string, unknown>; selectedUid: string }): Drill {
  if (kind.group === '' && kind.id === 'namespaces') return { args: drillDownArgs('pods', back), namespace: name, chooses: true };
  if (kind.group === '' && kind.id === 'nodes') return { args: { ...drillDownArgs('pods', back), node: name } };
  if (kind.group === 'batch' && kind.id === 'cronjobs') {
    if (!obj?.metadata.namespace) return null;
    return { args: { ...drillDownArgs('jobs', back), ownerUid: obj.metadata.uid, ownerName: `CronJob ${obj.metadata.name}` }, namespace: obj.metadata.namespace };
  }
  if (!drillsToPods(kind) || !obj) return null;
  const d = podsOf(kind, obj);
  if ('problem' in d) return d;
  return { args: { ...drillDownArgs('pods', back), drillFilter: d.filter, drillName: `${kind.kind} ${obj.metadata.name}` }, namespace: d.namespace };
}

/** Whether enter on a row of `kind` lists the pods its selector selects. */
export function drillsToPods(kind: KindDef): boolean {
  return (kind.group === '' && kind.id === 'services') || WORKLOADS.some(([g, id]) => kind.group === g && kind.id === id);
}

/** The pods `obj` (of a kind drillsToPods takes) selects, as a namespace and a `-l` filter, or why there are none to show. */
export function podsOf(kind: KindDef, obj: KubeObject): PodsDrill {
  const what = `${kind.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  const namespace = obj.metadata.namespace;
  if (!namespace) return { problem: `${what} has no namespace` };
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const terms: string[] = [];
  const bad = (why: string): PodsDrill => ({ problem: `${what}: its selector ${why}; its pods cannot be listed by it` });
  if (kind.id === 'services') {
    const sel = spec['selector'];
    if (!isRecord(sel) || Object.keys(sel).length === 0) return { problem: `${what} has no selector (its endpoints are set by hand): no pods are its own` };
    for (const [k, v] of Object.entries(sel)) {
      if (!LABEL_KEY.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v)) return bad(`has a term that is not a label (${JSON.stringify(k).slice(0, 80)})`);
      terms.push(`${k}=${v}`);
    }
  } else {
    const sel = spec['selector'];
    if (!isRecord(sel)) return bad('is missing');
    const labels = sel['matchLabels'];
    if (labels !== undefined && !isRecord(labels)) return bad('has matchLabels that are not a map');
    for (const [k, v] of Object.entries(labels ?? {})) {
      if (!LABEL_KEY.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v)) return bad(`has a term that is not a label (${JSON.stringify(k).slice(0, 80)})`);
      terms.push(`${k}=${v}`);
    }
    const exprs = sel['matchExpressions'];
    if (exprs !== undefined && !Array.isArray(exprs)) return bad('has matchExpressions that are not a list');
    for (const e of (exprs ?? []) as unknown[]) {
      const term = expression(e);
      if (term === null) return bad('has an expression kubetile does not read');
      terms.push(term);
    }
    // An empty selector would select every pod (the API refuses one for these kinds).
    if (terms.length === 0) return bad('is empty');
  }
  const filter = `-l ${terms.join(',')}`;
  if (filter.length > MAX_FILTER) return bad(`is longer than a filter (${MAX_FILTER} characters)`);
  try {
    parseSelectorText(filter.slice(3));
  } catch (err) {
    return bad(`does not read as a label selector (${err instanceof Error ? err.message : String(err)})`);
  }
  return { namespace, filter };
}

/** A matchExpressions entry in kubectl's selector syntax, or null. */
function expression(e: unknown): string | null {
  if (!isRecord(e) || typeof e['key'] !== 'string' || !LABEL_KEY.test(e['key'])) return null;
  const key = e['key'];
  const values = e['values'];
  const list = (): string | null =>
    Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string' && LABEL_VALUE.test(v) && v !== '') ? (values as string[]).join(',') : null;
  switch (e['operator']) {
    case 'In': {
      const l = list();
      return l === null ? null : `${key} in (${l})`;
    }
    case 'NotIn': {
      const l = list();
      return l === null ? null : `${key} notin (${l})`;
    }
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return null;
  }
}
