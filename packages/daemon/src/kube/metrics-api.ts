import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { kubeRequest } from './kube-http.js';
import { jsonBudgetCheck, type JsonBudget } from './json-density.js';
import { isRecord } from '../util/is-record.js';

/**
 * metrics-server's API (metrics.k8s.io/v1beta1, what `kubectl top` reads): each running pod's usage
 * summed over its containers, each node's usage. Quantities are parsed as Kubernetes writes them
 * (`250m`, `123456789n`, `1`, `128Mi`, `131072Ki`, `1e3`); anything else the server sends is
 * dropped, never guessed. A cluster without metrics-server answers 404: said as such; a 503 (the API
 * there, metrics-server not answering) is an error like any other, read again soon.
 */

export interface Usage {
  /** CPU in millicores. */
  cpu: number;
  /** Memory in bytes. */
  memory: number;
}

/** The most items one answer is read for (a bigger namespace shows these and says how many more). */
export const MAX_METRICS_ITEMS = 50_000;
/** The biggest answer read (100k pods' metrics are ~25 MB): a bigger one is refused, not buffered. */
export const MAX_METRICS_BYTES = 64 * 1024 * 1024;
/**
 * What a metrics answer may hold, counted before it is parsed: `{"items":[{},{},…]}` of 64 MB (21
 * million objects) took ~1.5 GB of heap and ~40 s of JSON.parse, the item cap applying only after.
 * Real metrics have one object or array per ~45 bytes and one value per ~14 (a pod item: itself, its
 * metadata, labels, containers, and each container and its usage); 150k pods of three containers
 * each are ~1.5 million objects and ~4 million values. A refused answer never costs more than the
 * biggest real one.
 */
export const METRICS_JSON_BUDGET: JsonBudget = { maxObjects: 2_000_000, maxValues: 8_000_000, bytesPerObject: 16, bytesPerValue: 6, denseFrom: 256 * 1024 };
/**
 * The longest one read takes, start to end: kubeRequest's own limits are on silences (a body that
 * trickles a byte now and then never trips them), and a read that never ends would leave the
 * usage columns and :top stale for good, never asking again.
 */
export const METRICS_DEADLINE_MS = 60_000;

export class MetricsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsUnavailable';
  }
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A Kubernetes quantity as a number of its base unit (cores, bytes), or null when it is not one. */
export function parseQuantity(q: unknown): number | null {
  if (typeof q !== 'string' || q.length === 0 || q.length > 64) return null;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d{1,3}))?$/.exec(q);
  if (!m) return null;
  const n = Number(m[1]) * (m[3] !== undefined ? 10 ** Number(m[3]) : SUFFIX[m[2] ?? '']!);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function usageOf(u: unknown): Usage | null {
  if (!isRecord(u)) return null;
  const cpu = parseQuantity(u['cpu']);
  const memory = parseQuantity(u['memory']);
  return cpu === null || memory === null ? null : believable({ cpu: cpu * 1000, memory });
}

/** A usage whose numbers are finite (each quantity can be, their sum or the millicores not: `1e306` cores), else null. */
const believable = (u: Usage): Usage | null => (Number.isFinite(u.cpu) && Number.isFinite(u.memory) ? u : null);

/**
 * `signal`: the reader no longer wants the answer (a view switched namespace or closed): the request
 * is ended at once. Without it, each switch left a read of up to MAX_METRICS_BYTES running for up to
 * METRICS_DEADLINE_MS behind it — a script flipping namespaces piled up dozens of them.
 */
async function metricsGet(kc: KubeConfig, path: string, maxBytes: number, deadlineMs: number, signal?: AbortSignal): Promise<unknown[]> {
  let body: unknown;
  const ac = new AbortController();
  const deadline = setTimeout(() => ac.abort(), deadlineMs);
  const cancel = (): void => ac.abort();
  if (signal?.aborted) ac.abort();
  else signal?.addEventListener('abort', cancel, { once: true });
  try {
    body = await kubeRequest<unknown>(kc, { path, maxBytes, signal: ac.signal, onChunk: jsonBudgetCheck(`GET ${path}`, METRICS_JSON_BUDGET) });
  } catch (err) {
    if (signal?.aborted) throw new Error(`GET ${path}: not read (no longer wanted)`);
    if (ac.signal.aborted) throw new KubeApiError(`GET ${path}: the metrics API did not finish answering within ${Math.max(1, Math.round(deadlineMs / 1000))} s`, 0, 'ETIMEDOUT');
    if (err instanceof KubeApiError && err.status === 404) {
      throw new MetricsUnavailable('this cluster does not serve the metrics API (metrics.k8s.io): install metrics-server to see usage');
    }
    // 503: the API is registered (metrics-server is installed) but its backend is not answering —
    // metrics-server restarting, rolled, evicted. Not "install metrics-server", and not asked again
    // only minutes later: an error like a 500, read again soon.
    if (err instanceof KubeApiError && err.status === 503) {
      const e = new KubeApiError(`the metrics API (metrics.k8s.io) is not answering (HTTP 503: metrics-server down or restarting?): ${err.message}`, 503, err.reason);
      e.retryAfterMs = err.retryAfterMs;
      throw e;
    }
    throw err;
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', cancel);
  }
  const items = isRecord(body) && Array.isArray(body['items']) ? (body['items'] as unknown[]) : null;
  if (!items) throw new Error('the metrics API answered without items');
  return items;
}

/**
 * The longest name an object can have (a DNS subdomain): an item named longer is no pod or node of
 * the cluster, and its name went whole into :top's cells and row ids (1 MB in every frame).
 */
const MAX_NAME = 253;

/** A name an object can have (`namespace/name` keys and :top's rows split on `/`). */
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME && !v.includes('/');

/**
 * Each pod's usage (its containers summed), by `namespace/name`; `namespace` null: all. A
 * namespace's answer is taken for that namespace's pods only (another's would be shown as its own).
 */
export async function fetchPodUsage(kc: KubeConfig, namespace: string | null, maxBytes = MAX_METRICS_BYTES, deadlineMs = METRICS_DEADLINE_MS, signal?: AbortSignal): Promise<{ usage: Map<string, Usage>; total: number }> {
  const items = await metricsGet(kc, namespace === null ? '/apis/metrics.k8s.io/v1beta1/pods' : `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`, maxBytes, deadlineMs, signal);
  const usage = new Map<string, Usage>();
  for (const it of items.slice(0, MAX_METRICS_ITEMS)) {
    const md = isRecord(it) && isRecord(it['metadata']) ? it['metadata'] : null;
    const containers = isRecord(it) && Array.isArray(it['containers']) ? (it['containers'] as unknown[]) : null;
    if (!md || !isName(md['name']) || !isName(md['namespace']) || (namespace !== null && md['namespace'] !== namespace) || !containers) continue;
    const sum: Usage = { cpu: 0, memory: 0 };
    let ok = true;
    for (const c of containers) {
      const u = isRecord(c) ? usageOf(c['usage']) : null;
      if (!u) {
        ok = false;
        break;
      }
      sum.cpu += u.cpu;
      sum.memory += u.memory;
    }
    if (ok && believable(sum)) usage.set(`${md['namespace']}/${md['name']}`, sum);
  }
  return { usage, total: items.length };
}

/** Each node's usage, by name. */
export async function fetchNodeUsage(kc: KubeConfig, maxBytes = MAX_METRICS_BYTES, deadlineMs = METRICS_DEADLINE_MS, signal?: AbortSignal): Promise<{ usage: Map<string, Usage>; total: number }> {
  const items = await metricsGet(kc, '/apis/metrics.k8s.io/v1beta1/nodes', maxBytes, deadlineMs, signal);
  const usage = new Map<string, Usage>();
  for (const it of items.slice(0, MAX_METRICS_ITEMS)) {
    const md = isRecord(it) && isRecord(it['metadata']) ? it['metadata'] : null;
    const u = isRecord(it) ? usageOf(it['usage']) : null;
    if (md && isName(md['name']) && u) usage.set(md['name'], u);
  }
  return { usage, total: items.length };
}
