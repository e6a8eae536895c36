/**
 * Builds seeded workloads the way the controllers would have left them: a Deployment with its
 * ReplicaSet and running pods, StatefulSets, DaemonSets, all backdated so ages look real.
 */
import { templateHash } from '../controller/workloads.js';
import { randomSuffix, rfc3339 } from '../store/object-store.js';
import type { ObjectStore } from '../store/object-store.js';
import type { KubeObject } from '../types.js';
import { podIP, runningPod } from './pod-factory.js';
import { putAt } from './put.js';

export interface NodeRef {
  name: string;
  ip: string;
}

export interface WorkloadSpec {
  namespace: string;
  name: string;
  image: string;
  replicas: number;
  ports?: number[];
  env?: Record<string, string>;
  /** Env from Secret keys (`valueFrom.secretKeyRef`), after the literal ones. */
  secretEnv?: Array<{ name: string; secret: string; key: string }>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  requests?: { cpu: string; memory: string };
  /** Age of the workload in ms. */
  age: number;
}

export class SeedContext {
  private ip = 20;
  private nodeTurn = 0;
  readonly now: number;

  constructor(readonly store: ObjectStore, readonly workers: NodeRef[]) {
    this.now = store.now();
  }

  at(ageMs: number): number {
    return this.now - ageMs;
  }

  nextNode(): NodeRef {
    return this.workers[this.nodeTurn++ % this.workers.length] as NodeRef;
  }

  nextIP(): string {
    return podIP(this.ip++);
  }

  put(obj: KubeObject, ageMs: number): KubeObject {
    return putAt(this.store, obj, this.at(ageMs));
  }
}

const secretEnv = (w: WorkloadSpec): Array<Record<string, unknown>> =>
  (w.secretEnv ?? []).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret, key: e.key } } }));

function podTemplate(w: WorkloadSpec, selector: Record<string, string>): Record<string, unknown> {
  const container: Record<string, unknown> = {
    name: w.name,
    image: w.image,
    ports: (w.ports ?? []).map((containerPort) => ({ containerPort, protocol: 'TCP' })),
    env: [...Object.entries(w.env ?? {}).map(([name, value]) => ({ name, value })), ...secretEnv(w)],
    resources: { requests: w.requests ?? { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  };
  return {
    metadata: { labels: { ...selector, ...w.labels }, annotations: { ...w.annotations } },
    spec: { containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 30 },
  };
}

function owner(o: KubeObject): { apiVersion: string; kind: string; name: string; uid: string } {
  return { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' };
}

/** A pod from a template, running on the next node (or as given). */
export function seedPod(ctx: SeedContext, w: WorkloadSpec, name: string, labels: Record<string, string>, own: KubeObject, ageMs: number, node?: NodeRef): KubeObject {
  const n = node ?? ctx.nextNode();
  const pod = runningPod({
    name,
    namespace: w.namespace,
    labels,
    nodeName: n.name,
    hostIP: n.ip,
    podIP: ctx.nextIP(),
    image: w.image,
    containerName: w.name,
    ports: w.ports ?? [],
    startTime: rfc3339(ctx.at(ageMs)),
    owner: owner(own),
    env: w.env ?? {},
  });
  Object.assign(pod.metadata.annotations ??= {}, w.annotations);
  const spec = pod['spec'] as Record<string, unknown>;
  const c = (spec['containers'] as Array<Record<string, unknown>>)[0];
  if (c && w.requests) c['resources'] = { requests: w.requests, limits: { memory: '256Mi' } };
  if (c && w.secretEnv) c['env'] = [...(Array.isArray(c['env']) ? (c['env'] as unknown[]) : []), ...secretEnv(w)];
  return pod;
}

export function deployment(ctx: SeedContext, w: WorkloadSpec, podHook?: (pod: KubeObject, i: number) => void): { deploy: KubeObject; rs: KubeObject; pods: KubeObject[] } {
  const selector = { app: w.name };
  const template = podTemplate(w, selector);
  const deploy = ctx.put({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace, labels: { app: w.name, ...w.labels }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: w.replicas, selector: { matchLabels: selector }, template },
  }, w.age);
  // Hash the template as stored (with server defaults), exactly as the controller will.
  const storedTemplate = (deploy['spec'] as Record<string, unknown>)['template'];
  const hash = templateHash(storedTemplate);
  const rsTemplate = structuredClone(storedTemplate) as Record<string, unknown>;
  (rsTemplate['metadata'] as { labels: Record<string, string> }).labels['pod-template-hash'] = hash;
  const rs = ctx.put({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${w.name}-${hash}`,
      namespace: w.namespace,
      labels: { ...selector, ...w.labels, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': String(w.replicas) },
      ownerReferences: [{ ...owner(deploy), controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: w.replicas, selector: { matchLabels: { ...selector, 'pod-template-hash': hash } }, template: rsTemplate },
  }, w.age);
  const pods: KubeObject[] = [];
  for (let i = 0; i < w.replicas; i++) {
    const pod = seedPod(ctx, w, `${rs.metadata.name ?? ''}-${randomSuffix()}`, { ...selector, ...w.labels, 'pod-template-hash': hash }, rs, w.age - i * 1500);
    podHook?.(pod, i);
    pods.push(ctx.put(pod, w.age - i * 1500));
  }
  return { deploy, rs, pods };
}

export function statefulSet(ctx: SeedContext, w: WorkloadSpec, serviceName: string, volumeClaim?: { name: string; size: string; storageClass: string }): KubeObject[] {
  const selector = { app: w.name };
  const template = podTemplate(w, selector);
  const spec: Record<string, unknown> = { replicas: w.replicas, serviceName, selector: { matchLabels: selector }, template, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } };
  if (volumeClaim) {
    spec['volumeClaimTemplates'] = [{ metadata: { name: volumeClaim.name }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: volumeClaim.storageClass, resources: { requests: { storage: volumeClaim.size } } } }];
  }
  const sts = ctx.put({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: w.name, namespace: w.namespace, labels: { app: w.name } }, spec }, w.age);
  const rev = `${w.name}-${templateHash((sts['spec'] as Record<string, unknown>)['template'])}`;
  const pods: KubeObject[] = [];
  for (let i = 0; i < w.replicas; i++) {
    const name = `${w.name}-${i}`;
    pods.push(ctx.put(seedPod(ctx, w, name, { ...selector, 'statefulset.kubernetes.io/pod-name': name, 'controller-revision-hash': rev, 'apps.kubernetes.io/pod-index': String(i) }, sts, w.age - i * 4000), w.age - i * 4000));
  }
  return pods;
}

export function daemonSet(ctx: SeedContext, w: WorkloadSpec, nodes: NodeRef[]): void {
  const selector = { 'k8s-app': w.name };
  const template = podTemplate(w, selector);
  (template['spec'] as Record<string, unknown>)['tolerations'] = [{ operator: 'Exists' }];
  const ds = ctx.put({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: w.name, namespace: w.namespace, labels: selector }, spec: { selector: { matchLabels: selector }, template } }, w.age);
  const rev = templateHash((ds['spec'] as Record<string, unknown>)['template']);
  for (const n of nodes) {
    ctx.put(seedPod(ctx, w, `${w.name}-${randomSuffix()}`, { ...selector, 'controller-revision-hash': rev }, ds, w.age, n), w.age);
  }
}
