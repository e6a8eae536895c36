import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { kubeRequest } from './kube-http.js';
import { escapeFieldValue } from './field-selector.js';
import { cordonNode, objectPath } from './mutations.js';
import { describeObject, type ObjectRef } from './object-ref.js';
import type { KubeObject } from './types.js';
import { isRecord } from '../util/is-record.js';
import { describedKind, isBuiltinKind } from './builtin-target.js';

/**
 * `kubectl drain` on exactly the Node chosen (k9s's `r` on a Node): cordon it (pinned by uid), then
 * evict its pods through the eviction API, so each pod's PodDisruptionBudget is asked first. What
 * kubectl refuses without flags is left and named rather than forced: pods no controller would
 * re-create (`--force`) and pods with emptyDir data (`--delete-emptydir-data`). DaemonSet pods (their
 * DaemonSet tolerates the cordon and keeps one there) and static pods (the kubelet runs them from a
 * file) are skipped, as `--ignore-daemonsets` does. A budget's refusal (429) is asked again every few
 * seconds until the time given runs out; the rest of the pods do not wait for it. Each eviction
 * carries the pod's uid, so a pod re-created under the same name meanwhile is not evicted instead.
 * Then, as kubectl, it waits for the evicted pods to be gone (their grace period runs on the node; a
 * pod of the same name with another uid is a replacement, and the evicted one is gone): a pod still
 * terminating when the time runs out means the Node is not drained yet.
 */

export interface DrainOptions {
  /** How long refusals by a disruption budget are asked again and evicted pods waited for, ms (0: once each). */
  timeoutMs: number;
  /**
   * Stops the drain (as ctrl+c stops `kubectl drain`): no pod is evicted after it fired; the Node
   * stays cordoned. A script that cancelled, or went away, had it evicting pods for up to an hour.
   */
  signal?: AbortSignal;
}

/** A drain stopped by its signal: what it had done by then. */
export class DrainStopped extends Error {}

export interface PodNote {
  /** `namespace/name`. */
  pod: string;
  why: string;
}

export interface DrainResult {
  evicted: string[];
  /** DaemonSet and static pods: a drain leaves them by design. */
  skipped: PodNote[];
  /** Pods kubectl would need --force or --delete-emptydir-data for: left running, named. */
  left: PodNote[];
  /** Refused by their disruption budget until the time ran out. */
  blocked: PodNote[];
  failed: PodNote[];
  /** Evicted, but still there (terminating) when the time ran out. */
  terminating: PodNote[];
  /**
   * Why the Node is not cordoned any more when the drain ends (uncordoned, deleted or replaced by
   * someone else meanwhile: pods may be scheduled on it again), or null while it is.
   */
  notCordoned?: string | null;
}

/** A drain that did not get every pod off that had to go (left, refused by a budget, failed): the node stays cordoned. */
export class DrainIncomplete extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrainIncomplete';
  }
}

/** At most this many pods are named per group in the summary. */
const NAMED = 4;
/** Between two rounds of asking again (as kubectl). */
const RETRY_MS = 5_000;
/** Between two looks at whether the evicted pods are gone (as kubectl). */
const GONE_POLL_MS = 1_000;

/** What a drain does with `pod`: evict it (null), skip it, or leave it and say why. */
export function drainVerdict(pod: KubeObject): { skip: string } | { leave: string } | null {
  const annotations = isRecord(pod.metadata.annotations) ? pod.metadata.annotations : {};
  if (typeof annotations['kubernetes.io/config.mirror'] === 'string') return { skip: 'static pod (the kubelet runs it from a file)' };
  const phase = isRecord(pod.status) ? pod.status['phase'] : undefined;
  // Finished pods go whatever made them (as kubectl: nothing is lost).
  if (phase === 'Succeeded' || phase === 'Failed') return null;
  const owners = Array.isArray(pod.metadata.ownerReferences) ? pod.metadata.ownerReferences : [];
  const controller = owners.find((o) => isRecord(o) && o.controller === true);
  if (controller?.kind === 'DaemonSet') return { skip: 'DaemonSet pod' };
  if (!controller) return { leave: 'no controller would re-create it (kubectl drain needs --force to delete it)' };
  const volumes = Array.isArray(pod.spec?.['volumes']) ? (pod.spec['volumes'] as unknown[]) : [];
  if (volumes.some((v) => isRecord(v) && v['emptyDir'] !== undefined)) return { leave: 'its emptyDir data would be lost (kubectl drain needs --delete-emptydir-data)' };
  return null;
}

interface PodId {
  namespace: string;
  name: string;
  uid: string;
}

const podName = (p: PodId): string => `${p.namespace}/${p.name}`;

/** The pods bound to the node (validated: what the server sent is not trusted to be shaped right). */
async function podsOn(kc: KubeConfig, node: string): Promise<{ pods: Array<PodId & { obj: KubeObject }>; bad: number }> {
  const list = await kubeRequest<unknown>(kc, { path: '/api/v1/pods', query: { fieldSelector: `spec.nodeName=${escapeFieldValue(node)}` } });
  const items = isRecord(list) && Array.isArray(list['items']) ? (list['items'] as unknown[]) : null;
  if (!items) throw new Error(`the API server's pod list for Node ${node} has no items; nothing was evicted`);
  const pods: Array<PodId & { obj: KubeObject }> = [];
  let bad = 0;
  for (const it of items) {
    const m = isRecord(it) && isRecord(it['metadata']) ? it['metadata'] : null;
    const spec = isRecord(it) && isRecord(it['spec']) ? it['spec'] : null;
    if (!m || typeof m['name'] !== 'string' || typeof m['namespace'] !== 'string' || typeof m['uid'] !== 'string' || m['uid'] === '') {
      bad++;
      continue;
    }
    // The field selector is the server's; a pod on another node is never evicted on its word.
    if (!spec || spec['nodeName'] !== node) continue;
    pods.push({ namespace: m['namespace'], name: m['name'], uid: m['uid'], obj: it as KubeObject });
  }
  return { pods, bad };
}

/**
 * The Eviction version the server takes, from its discovery of pods/eviction (as kubectl's
 * CheckEvictionSupport): policy/v1 from Kubernetes 1.22, policy/v1beta1 before. A server that does
 * not serve evictions cannot be drained (nothing is cordoned then).
 */
export async function evictionApiVersion(kc: KubeConfig): Promise<'policy/v1' | 'policy/v1beta1'> {
  const doc = await kubeRequest<unknown>(kc, { path: '/api/v1' });
  const resources = isRecord(doc) && Array.isArray(doc['resources']) ? (doc['resources'] as unknown[]) : [];
  const r = resources.find((x) => isRecord(x) && x['name'] === 'pods/eviction');
  if (!isRecord(r)) throw new Error('the API server does not serve pods/eviction, so its Nodes cannot be drained; nothing was cordoned');
  return r['group'] === 'policy' && r['version'] === 'v1' ? 'policy/v1' : 'policy/v1beta1';
}

type Outcome = { ok: true } | { ok: false; retry: boolean; why: string };

async function evict(kc: KubeConfig, p: PodId, apiVersion: string): Promise<Outcome> {
  try {
    await kubeRequest(kc, {
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}/eviction`,
      body: { apiVersion, kind: 'Eviction', metadata: { name: p.name, namespace: p.namespace }, deleteOptions: { preconditions: { uid: p.uid } } },
    });
    return { ok: true };
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    // Gone already: what a drain wants.
    if (err.status === 404) return { ok: true };
    if (err.status === 429) return { ok: false, retry: true, why: err.causes[0] ?? err.message };
    if (err.status === 409 && /precondition/i.test(err.message)) return { ok: false, retry: false, why: 'another pod of that name replaced it since the drain listed it; not evicted' };
    // A budget being updated by another eviction at the same moment: asked again, as a refusal.
    if (err.status === 409) return { ok: false, retry: true, why: err.message };
    return { ok: false, retry: false, why: err.message };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the evicted pod `p` is gone: true, or why it is still there (its grace period, or why it could not be read). */
async function goneYet(kc: KubeConfig, p: PodId): Promise<true | string> {
  let obj: unknown;
  try {
    obj = await kubeRequest<unknown>(kc, { path: `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}` });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return true;
    return `could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  const m = isRecord(obj) && isRecord(obj['metadata']) ? obj['metadata'] : null;
  // Another pod under the name (a StatefulSet's replacement) is not the one evicted.
  if (m && typeof m['uid'] === 'string' && m['uid'] !== p.uid) return true;
  const grace = m?.['deletionGracePeriodSeconds'];
  return typeof grace === 'number' && Number.isFinite(grace) ? `grace period ${grace} s` : 'terminating';
}

/** Waits until every pod of `evicted` is gone or `deadline` passed (each looked at at least once); what is left. */
async function awaitGone(kc: KubeConfig, evicted: PodId[], deadline: number): Promise<PodNote[]> {
  let waiting = evicted;
  for (;;) {
    const still: Array<PodId & { why: string }> = [];
    for (const p of waiting) {
      const r = await goneYet(kc, p);
      if (r !== true) still.push({ ...p, why: r });
    }
    const wait = Math.min(GONE_POLL_MS, deadline - Date.now());
    if (still.length === 0 || wait <= 0) return still.map((p) => ({ pod: podName(p), why: p.why }));
    await sleep(wait);
    waiting = still;
  }
}

/**
 * Whether the Node the drain cordoned still is, at its end: null, or what happened to it meanwhile
 * (another terminal, a script, kubectl uncordon). A drain racing an uncordon said "drained: cordoned"
 * of a Node that new pods were being scheduled on again. A Node that cannot be read is not judged.
 */
async function stillCordoned(kc: KubeConfig, node: ObjectRef): Promise<string | null> {
  let obj: unknown;
  try {
    obj = await kubeRequest<unknown>(kc, { path: objectPath(node) });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return 'it was deleted meanwhile';
    return null;
  }
  const m = isRecord(obj) && isRecord(obj['metadata']) ? obj['metadata'] : null;
  if (node.uid && m && m['uid'] !== node.uid) return 'it was replaced by another Node of the same name meanwhile';
  const spec = isRecord(obj) && isRecord(obj['spec']) ? obj['spec'] : null;
  return spec?.['unschedulable'] === true ? null : 'it was uncordoned meanwhile (by another terminal, a script or kubectl): new pods may be scheduled on it';
}

export async function drainNode(kc: KubeConfig, node: ObjectRef, opts: DrainOptions): Promise<DrainResult> {
  // By kind and group: a custom resource of kind Node named like a node would have its node's pods evicted.
  if (!isBuiltinKind(node, 'Node')) throw new Error(`only Nodes can be drained (${describedKind(node)} cannot)`);
  const apiVersion = await evictionApiVersion(kc);
  await cordonNode(kc, node, true);
  let listed: Awaited<ReturnType<typeof podsOn>>;
  try {
    listed = await podsOn(kc, node.name);
  } catch (err) {
    throw new Error(`${describeObject(node)} is cordoned, but its pods could not be listed, so none was evicted: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { pods, bad } = listed;
  const out: DrainResult = { evicted: [], skipped: [], left: [], blocked: [], failed: [], terminating: [] };
  const evicted: PodId[] = [];
  if (bad > 0) out.failed.push({ pod: `${bad} pod${bad === 1 ? '' : 's'}`, why: 'the API server sent them without a name, namespace or uid; not evicted' });
  let todo: PodId[] = [];
  for (const p of pods) {
    const v = drainVerdict(p.obj);
    if (v === null) todo.push(p);
    else if ('skip' in v) out.skipped.push({ pod: podName(p), why: v.skip });
    else out.left.push({ pod: podName(p), why: v.leave });
  }
  const deadline = Date.now() + Math.max(0, opts.timeoutMs);
  const stopIfAsked = (): void => {
    if (!opts.signal?.aborted) return;
    throw new DrainStopped(`the drain of ${describeObject(node)} was stopped (its caller cancelled or went away) after evicting ${out.evicted.length} pod${out.evicted.length === 1 ? '' : 's'}; the node stays cordoned`);
  };
  for (;;) {
    const again: Array<PodId & { why: string }> = [];
    for (const p of todo) {
      stopIfAsked();
      const r = await evict(kc, p, apiVersion);
      if (r.ok) {
        out.evicted.push(podName(p));
        evicted.push(p);
      } else if (r.retry) again.push({ ...p, why: r.why });
      else out.failed.push({ pod: podName(p), why: r.why });
    }
    const wait = Math.min(RETRY_MS, deadline - Date.now());
    if (again.length === 0 || wait <= 0) {
      for (const p of again) out.blocked.push({ pod: podName(p), why: p.why });
      out.terminating = await awaitGone(kc, evicted, deadline);
      out.notCordoned = await stillCordoned(kc, node);
      return out;
    }
    await sleep(wait);
    stopIfAsked();
    todo = again;
  }
}

function named(notes: readonly PodNote[]): string {
  const shown = notes.slice(0, NAMED).map((n) => `${n.pod} (${n.why})`);
  return `${shown.join(', ')}${notes.length > NAMED ? ` and ${notes.length - NAMED} more` : ''}`;
}

const pods = (n: number): string => `${n} pod${n === 1 ? '' : 's'}`;

/** One line for the user: whether it drained, what was evicted, skipped, left, refused and why. */
export function drainSummary(node: ObjectRef, r: DrainResult): string {
  const parts = [
    drained(r)
      ? `drained ${describeObject(node)}: cordoned, evicted ${pods(r.evicted.length)}`
      : r.notCordoned
        ? `${describeObject(node)} not drained: ${r.notCordoned}; evicted ${pods(r.evicted.length)}`
        : `${describeObject(node)} not drained: cordoned, evicted ${pods(r.evicted.length)}`,
  ];
  if (r.skipped.length > 0) parts.push(`skipped ${pods(r.skipped.length)} (DaemonSet and static pods stay)`);
  if (r.left.length > 0) parts.push(`left ${named(r.left)}`);
  if (r.blocked.length > 0) parts.push(`refused by a disruption budget: ${named(r.blocked)}`);
  if (r.failed.length > 0) parts.push(`failed: ${named(r.failed)}`);
  if (r.terminating.length > 0) parts.push(`still terminating when the time ran out: ${named(r.terminating)}`);
  return parts.join('; ');
}

/** Whether every pod that had to go went (what `kubectl drain` reports as drained). */
export function drained(r: DrainResult): boolean {
  return r.left.length === 0 && r.blocked.length === 0 && r.failed.length === 0 && r.terminating.length === 0 && !r.notCordoned;
}
