import type { ApiConfig as KubeConfig } from './api-config.js';
import { KubeApiError } from './api-error.js';
import { kubeRequest } from './kube-http.js';
import { objectPath } from './mutations.js';
import { describeObject, type ObjectRef } from './object-ref.js';
import type { KubeObject } from './types.js';
import { describedKind, isBuiltinKind, isCorePod } from './builtin-target.js';
import { controllerRef } from './owner-refs.js';

/**
 * Debug mode as KubeTile does it (`ctrl+alt+d`; root debug mode `f5`): the workload's first container runs
 * `sleep infinity` instead of its command, so a shell can look around a pod that otherwise crashes; the original
 * command and args are kept in annotations on the workload and put back when debug mode is left. Root debug mode
 * also runs that container as root (its original securityContext kept the same way).
 *
 * Differences from KubeTile, on purpose: one confirmation (asked by the caller); StatefulSets and DaemonSets as well
 * as Deployments; the container is named in an annotation (restored even if containers were reordered); probes are
 * switched off while sleeping (a liveness probe would otherwise restart the sleeping container in a loop) and
 * restored; a missing command is restored as missing (not `[]`); the pod-level `runAsNonRoot` cannot block root
 * mode; every write carries the resourceVersion it read (a concurrent change is re-read, never overwritten).
 */

export const ANNOTATION_PREFIX = 'debug.kubetile.io/';
export const ANN = {
  originalCommand: `${ANNOTATION_PREFIX}original-command`,
  originalArgs: `${ANNOTATION_PREFIX}original-args`,
  originalSecurityContext: `${ANNOTATION_PREFIX}original-security-context`,
  originalProbes: `${ANNOTATION_PREFIX}original-probes`,
  container: `${ANNOTATION_PREFIX}container`,
  debugMode: `${ANNOTATION_PREFIX}debug-mode`,
  rootDebugMode: `${ANNOTATION_PREFIX}root-debug-mode`,
} as const;

export const DEBUG_COMMAND = ['sleep', 'infinity'];
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const WORKLOADS: Record<string, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
const ATTEMPTS = 5;

export type DebugRequest = 'debug' | 'root';
export type DebugState = 'off' | 'debug' | 'root';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The workload a debug-mode key acts on: the object itself, or a pod's controller (through its ReplicaSet). */
export async function debugWorkload(kc: KubeConfig, t: ObjectRef): Promise<ObjectRef> {
  if (WORKLOADS[t.kind] && isBuiltinKind(t)) return t;
  if (!isCorePod(t) || t.namespace === null) throw new KubeApiError(`debug mode applies to Deployments, StatefulSets, DaemonSets and their pods, not to ${describedKind(t)}`, 0, 'Invalid');
  const pod = await read(kc, t);
  let owner = controllerOf(pod);
  if (owner?.kind === 'ReplicaSet') {
    const rs = await read(kc, { ...t, kindId: 'replicasets', kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', name: owner.name, uid: owner.uid });
    owner = controllerOf(rs);
  }
  const plural = owner ? WORKLOADS[owner.kind] : undefined;
  if (!owner || !plural) {
    throw new KubeApiError(`pod ${t.namespace}/${t.name} is not run by a Deployment, StatefulSet or DaemonSet (debug mode changes the workload's pod template)`, 0, 'Invalid');
  }
  return { kindId: plural, kind: owner.kind, group: 'apps', version: 'v1', plural, namespaced: true, namespace: t.namespace, name: owner.name, uid: owner.uid, context: t.context };
}

function controllerOf(o: KubeObject): { kind: string; name: string; uid: string } | null {
  const ref = controllerRef(o);
  return ref ? { kind: ref.kind, name: ref.name, uid: ref.uid } : null;
}

async function read(kc: KubeConfig, t: ObjectRef): Promise<KubeObject> {
  try {
    const o = await kubeRequest<KubeObject>(kc, { path: objectPath(t) });
    if (!isRecord(o) || !isRecord(o.metadata)) throw new KubeApiError(`${describeObject(t)}: the API server sent no object`, 0);
    if (t.uid && o.metadata.uid !== t.uid) throw new KubeApiError(`${describeObject(t)} was replaced by another object of the same name; nothing was changed`, 409, 'Conflict');
    return o;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) throw new KubeApiError(`${describeObject(t)} no longer exists; nothing was changed`, 404, 'NotFound');
    throw err;
  }
}

/** Where a workload is now: off, debug or root debug mode (from its annotations). */
export function debugState(o: KubeObject): DebugState {
  const a = o.metadata.annotations ?? {};
  if (!(ANN.originalCommand in a)) return 'off';
  return a[ANN.rootDebugMode] === 'true' ? 'root' : 'debug';
}

const templateSpec = (o: KubeObject): Json => {
  const t = isRecord(o.spec) ? o.spec['template'] : undefined;
  return isRecord(t) && isRecord(t['spec']) ? t['spec'] : {};
};

function containersOf(o: KubeObject): Json[] {
  const c = templateSpec(o)['containers'];
  return Array.isArray(c) ? c.filter(isRecord).map((x) => ({ ...x })) : [];
}

/** A JSON list of strings (or null, for "absent") saved in an annotation; anything else is refused. */
function savedList(a: Record<string, string>, key: string, what: string): string[] | null {
  const raw = a[key];
  if (raw === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  if (v === null) return null;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new KubeApiError(`annotation ${key} (the original ${what}) is not a JSON list of strings; nothing was changed — restore the container by hand`, 0, 'Invalid');
}

function savedObject(a: Record<string, string>, key: string): Json | null {
  const raw = a[key];
  if (raw === undefined) return null;
  try {
    const v: unknown = JSON.parse(raw);
    return isRecord(v) ? v : null;
  } catch {
    throw new KubeApiError(`annotation ${key} is not JSON; nothing was changed — restore the container by hand`, 0, 'Invalid');
  }
}

export interface DebugPlan {
  /** The merge patch to send (without the resourceVersion). */
  patch: Json;
  from: DebugState;
  to: DebugState;
  container: string;
}

/**
 * What a key does to a workload in state `from`: `debug` (ctrl+alt+d) turns any debug mode off, or debug mode on;
 * `root` (f5) turns root debug mode off, or on (from plain debug mode too, keeping the saved command).
 */
export function planDebug(o: KubeObject, request: DebugRequest): DebugPlan {
  const from = debugState(o);
  const to: DebugState = request === 'debug' ? (from === 'off' ? 'debug' : 'off') : from === 'root' ? 'off' : 'root';
  const a = o.metadata.annotations ?? {};
  const containers = containersOf(o);
  if (containers.length === 0) throw new KubeApiError(`${o.kind ?? 'the workload'} ${o.metadata.name} has no containers in its pod template`, 0, 'Invalid');
  const name = from === 'off' ? String(containers[0]!['name'] ?? '') : (a[ANN.container] ?? String(containers[0]!['name'] ?? ''));
  const idx = containers.findIndex((c) => c['name'] === name);
  if (idx < 0) throw new KubeApiError(`container '${name}' (the one in debug mode) is no longer in the pod template; nothing was changed`, 0, 'Invalid');
  const c = containers[idx]!;
  const annotations: Record<string, string | null> = {};
  const templateAnnotations: Record<string, string | null> = {};

  if (to === 'off') {
    const command = savedList(a, ANN.originalCommand, 'command');
    const args = savedList(a, ANN.originalArgs, 'args');
    const probes = savedObject(a, ANN.originalProbes);
    delete c['command'];
    delete c['args'];
    if (command) c['command'] = command;
    if (args) c['args'] = args;
    for (const p of PROBES) if (probes && isRecord(probes[p])) c[p] = probes[p];
    if (from === 'root') restoreSecurityContext(c, a);
    for (const k of Object.values(ANN)) annotations[k] = null;
    templateAnnotations[ANN.debugMode] = null;
    templateAnnotations[ANN.rootDebugMode] = null;
  } else {
    if (from === 'off') {
      annotations[ANN.originalCommand] = JSON.stringify(Array.isArray(c['command']) ? c['command'] : null);
      annotations[ANN.originalArgs] = JSON.stringify(Array.isArray(c['args']) ? c['args'] : null);
      const probes: Json = {};
      for (const p of PROBES) if (isRecord(c[p])) probes[p] = c[p];
      annotations[ANN.originalProbes] = JSON.stringify(probes);
      annotations[ANN.container] = name;
      c['command'] = [...DEBUG_COMMAND];
      delete c['args'];
      for (const p of PROBES) delete c[p];
      templateAnnotations[ANN.debugMode] = 'true';
    }
    if (to === 'root') {
      annotations[ANN.originalSecurityContext] = JSON.stringify(isRecord(c['securityContext']) ? c['securityContext'] : null);
      annotations[ANN.rootDebugMode] = 'true';
      c['securityContext'] = { ...(isRecord(c['securityContext']) ? c['securityContext'] : {}), runAsUser: 0, runAsGroup: 0, runAsNonRoot: false };
      templateAnnotations[ANN.rootDebugMode] = 'true';
    }
  }
  containers[idx] = c;
  return {
    from,
    to,
    container: name,
    patch: {
      metadata: { annotations },
      spec: { template: { metadata: { annotations: templateAnnotations }, spec: { containers } } },
    },
  };
}

function restoreSecurityContext(c: Json, a: Record<string, string>): void {
  const raw = a[ANN.originalSecurityContext];
  if (raw === undefined) return;
  const saved = savedObject(a, ANN.originalSecurityContext);
  if (saved) c['securityContext'] = saved;
  else delete c['securityContext'];
}

export interface DebugResult {
  workload: ObjectRef;
  from: DebugState;
  to: DebugState;
  container: string;
}

/**
 * Toggles (root) debug mode on exactly `workload` (its uid, when known, is checked): read, plan, write with the
 * resourceVersion read; a conflict (someone else changed it meanwhile) is read again, up to 5 times.
 */
export async function toggleDebugMode(kc: KubeConfig, workload: ObjectRef, request: DebugRequest, expected?: DebugExpectation): Promise<DebugResult> {
  for (let attempt = 1; ; attempt++) {
    const o = await read(kc, workload);
    const rv = o.metadata.resourceVersion;
    if (typeof rv !== 'string' || rv === '') throw new KubeApiError(`${describeObject(workload)}: the API server sent no resourceVersion; nothing was changed`, 0);
    const plan = planDebug(o, request);
    if (expected) refuseChanged(workload, plan, expected);
    const patch = { ...plan.patch, metadata: { ...(plan.patch['metadata'] as Json), resourceVersion: rv } };
    try {
      await kubeRequest(kc, { method: 'PATCH', path: objectPath(workload), contentType: 'application/merge-patch+json', body: patch });
      return { workload, from: plan.from, to: plan.to, container: plan.container };
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409 && attempt < ATTEMPTS) continue;
      if (err instanceof KubeApiError && err.status === 404) throw new KubeApiError(`${describeObject(workload)} no longer exists; nothing was changed`, 404, 'NotFound');
      throw err;
    }
  }
}

/** What a confirmation described: the state it saw and the container it named. */
export interface DebugExpectation {
  from: DebugState;
  container: string;
}

const STATE_TEXT: Record<DebugState, string> = { off: 'not in debug mode', debug: 'in debug mode', root: 'in root debug mode' };

/**
 * A confirmed toggle acts only on the state the dialog described: a workload someone else put in (or out of)
 * debug mode meanwhile would otherwise get the opposite of what the user said yes to.
 */
function refuseChanged(workload: ObjectRef, plan: DebugPlan, expected: DebugExpectation): void {
  const name = describeObject(workload);
  if (plan.from !== expected.from) throw new KubeApiError(`${name} changed since you were asked: it is ${STATE_TEXT[plan.from]} now; nothing was changed`, 409, 'Conflict');
  if (plan.container !== expected.container) throw new KubeApiError(`${name} changed since you were asked: its container in debug mode is '${plan.container}' now; nothing was changed`, 409, 'Conflict');
}

/** Whether `x` is a DebugState (an expectation from a caller). */
export const isDebugState = (x: unknown): x is DebugState => x === 'off' || x === 'debug' || x === 'root';

/** What the confirmation says a key will do to a workload now, and what it saw (for toggleDebugMode's check). */
export async function describeDebugToggle(kc: KubeConfig, workload: ObjectRef, request: DebugRequest): Promise<{ text: string; expected: DebugExpectation }> {
  const o = await read(kc, workload);
  const plan = planDebug(o, request);
  return { text: debugQuestion(describeObject(workload), plan), expected: { from: plan.from, container: plan.container } };
}

function debugQuestion(name: string, plan: DebugPlan): string {
  if (plan.to === 'off') return `Leave ${plan.from === 'root' ? 'root ' : ''}debug mode on ${name}? Container '${plan.container}' gets its command${plan.from === 'root' ? ', security context' : ''} and probes back; its pods are replaced.`;
  if (plan.from === 'debug') return `Root debug mode on ${name}? Container '${plan.container}' (already sleeping) will run as root (uid 0); its pods are replaced.`;
  return `${plan.to === 'root' ? 'Root debug' : 'Debug'} mode on ${name}? Container '${plan.container}' will run '${DEBUG_COMMAND.join(' ')}' instead of its command${plan.to === 'root' ? ', as root (uid 0),' : ''} with its probes off, until you press the key again; its pods are replaced.`;
}
