import type { KubeConfig } from '../../kube/kubeconfig.js';
import { kubeRequest } from '../../kube/kube-http.js';
import type { KubeObject } from '../../kube/types.js';
import type { LogKind } from './logs-args.js';
import { isRecord } from '../../util/is-record.js';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A label selector (matchLabels and matchExpressions), as workloads carry it. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: Requirement[];
}

const PATHS: Record<Exclude<LogKind, 'Pod'>, (ns: string, name: string) => string> = {
  Deployment: (ns, n) => `/apis/apps/v1/namespaces/${ns}/deployments/${n}`,
  StatefulSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/statefulsets/${n}`,
  DaemonSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/daemonsets/${n}`,
  ReplicaSet: (ns, n) => `/apis/apps/v1/namespaces/${ns}/replicasets/${n}`,
  Job: (ns, n) => `/apis/batch/v1/namespaces/${ns}/jobs/${n}`,
  Service: (ns, n) => `/api/v1/namespaces/${ns}/services/${n}`,
};

function stringMap(x: unknown, what: string): Record<string, string> {
  if (x === undefined || x === null) return {};
  if (!isRecord(x)) throw new Error(`${what} is not a map of labels`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(x)) {
    if (typeof v !== 'string') throw new Error(`${what}.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

/** Reads a selector from the API server's JSON, refusing anything malformed. */
export function parseSelector(x: unknown, what: string): LabelSelector {
  if (!isRecord(x)) throw new Error(`${what} is missing`);
  const matchLabels = stringMap(x['matchLabels'], `${what}.matchLabels`);
  const exprs = x['matchExpressions'] ?? [];
  if (!Array.isArray(exprs)) throw new Error(`${what}.matchExpressions is not a list`);
  const matchExpressions = exprs.map((e, i): Requirement => {
    const where = `${what}.matchExpressions[${i}]`;
    if (!isRecord(e) || typeof e['key'] !== 'string') throw new Error(`${where} has no key`);
    const op = e['operator'];
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') throw new Error(`${where}.operator ${JSON.stringify(op)} is not In, NotIn, Exists or DoesNotExist`);
    const values = e['values'] ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new Error(`${where}.values is not a list of strings`);
    return { key: e['key'], operator: op, values: values as string[] };
  });
  return { matchLabels, matchExpressions };
}

const isEmpty = (s: LabelSelector): boolean => Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;

/** The pods a workload or service selects: its selector, fetched now. Throws a readable error. */
export async function fetchSelector(kc: KubeConfig, kind: Exclude<LogKind, 'Pod'>, namespace: string, name: string): Promise<LabelSelector> {
  const obj = await kubeRequest<KubeObject>(kc, { path: PATHS[kind](namespace, name) });
  const what = `${kind} ${namespace}/${name}`;
  let sel: LabelSelector;
  if (kind === 'Service') {
    sel = { matchLabels: stringMap(obj.spec?.['selector'], `${what} spec.selector`), matchExpressions: [] };
    if (isEmpty(sel)) throw new Error(`${what} has no selector (its endpoints are managed by hand), so it has no pods to show logs of`);
  } else if (kind === 'Job' && obj.spec?.['selector'] === undefined && obj.metadata?.uid) {
    // The apiserver defaults a Job's selector to its controller uid; a server that did not gets the same.
    sel = { matchLabels: { 'batch.kubernetes.io/controller-uid': obj.metadata.uid }, matchExpressions: [] };
  } else {
    sel = parseSelector(obj.spec?.['selector'], `${what} spec.selector`);
    if (isEmpty(sel)) throw new Error(`${what} has an empty selector`);
  }
  return sel;
}

export function selects(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels)) if (l[k] !== v) return false;
  for (const r of sel.matchExpressions) {
    const has = Object.hasOwn(l, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(l[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(l[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** `app=web,tier in (a,b)`, as kubectl prints selectors. */
export function describeSelector(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of sel.matchExpressions) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`);
  }
  return parts.join(',');
}
