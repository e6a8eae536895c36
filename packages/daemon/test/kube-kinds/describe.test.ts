import { describe, expect, it } from 'vitest';
import { findKind, genericKind, type KindDef } from '../../src/kube/kinds/index.js';
import { renderDescribe } from '../../src/kube/render/index.js';
import type { KubeObject } from '../../src/kube/types.js';
import * as O from './fixtures/objects.js';
import * as P from './fixtures/pods.js';
import { ago, M, NOW } from './fixtures/time.js';
import { expectValidLines, styleAt, texts } from './lines-check.js';

const k = (id: string): KindDef => findKind(id) as KindDef;

/** The column where the value of `Key:` starts. */
function valueColumn(lines: string[], key: string): number {
  const l = lines.find((t) => t.startsWith(key));
  if (!l) throw new Error(`no ${key}`);
  return l.length - l.slice(key.length).trimStart().length;
}

describe('renderDescribe: pod', () => {
  const lines = renderDescribe(P.crashLoopPod, k('pods'), [], NOW);
  const t = texts(lines);

  it('starts like kubectl, with aligned values and one label per line', () => {
    expect(t[0]).toMatch(/^Name: +api-5f7b9-crash$/);
    expect(t[1]).toMatch(/^Namespace: +shop$/);
    const col = valueColumn(t, 'Name:');
    expect(valueColumn(t, 'Namespace:')).toBe(col);
    expect(valueColumn(t, 'Labels:')).toBe(col);
    const labels = t.findIndex((x) => x.startsWith('Labels:'));
    expect(t[labels]?.slice(col)).toBe('app=web');
    expect(t[labels + 1]).toBe(`${' '.repeat(col)}pod-template-hash=7c5ddbdf54`);
    expect(t).toContain(`Annotations:${' '.repeat(col - 'Annotations:'.length)}<none>`);
    expect(t.some((x) => /^Node: +node-a\/$/.test(x))).toBe(true);
    expect(t.some((x) => /^Controlled By: +ReplicaSet\/web-7c5ddbdf54$/.test(x))).toBe(true);
    expectValidLines(lines);
  });

  it('describes containers: image, port, state with reason, last state with exit code, restarts, env', () => {
    expect(t).toContain('Containers:');
    expect(t).toContain('  web:');
    expect(t.some((x) => /^ {4}Image: +nginx:1\.27$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {4}Port: +80\/TCP$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {4}State: +Waiting$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {6}Reason: +CrashLoopBackOff$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {4}Last State: +Terminated$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {6}Exit Code: +1$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {4}Ready: +False$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {4}Restart Count: +5$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {6}PASSWORD: +<set to the key 'password' in secret 'db'> +Optional: false$/.test(x))).toBe(true);
    expect(styleAt(lines, 'CrashLoopBackOff')).toBe('error');
  });

  it('has the Conditions table, volumes, QoS, and section headers styled header', () => {
    expect(t).toContain('Conditions:');
    expect(t.some((x) => /^ {2}Type +Status$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {2}Ready +False $/.test(x))).toBe(true);
    expect(t.some((x) => /^ {4}Type: +ConfigMap \(a volume populated by a ConfigMap\)$/.test(x))).toBe(true);
    expect(t.some((x) => /^QoS Class: +Burstable$/.test(x))).toBe(true);
    for (const h of ['Containers:', 'Conditions:', 'Volumes:']) expect(lines.find((l) => l.text === h)?.style).toBe('header');
  });

  it('ends with `Events:  <none>` when there are none', () => {
    expect(t[t.length - 1]).toMatch(/^Events: +<none>$/);
  });

  it('shows Terminating with the grace period for a pod being deleted', () => {
    const d = texts(renderDescribe(P.terminatingPod, k('pods'), [], NOW));
    expect(d.some((x) => /^Status: +Terminating \(lasts /.test(x))).toBe(true);
    expect(d.some((x) => /^Termination Grace Period: +30s$/.test(x))).toBe(true);
  });
});

describe('renderDescribe: events', () => {
  it('prints a Type/Reason/Age/From/Message table of this object’s events, oldest first', () => {
    const lines = renderDescribe(P.runningPod, k('pods'), O.events, NOW);
    const t = texts(lines);
    const at = t.indexOf('Events:');
    expect(at).toBeGreaterThan(0);
    expect(lines[at]?.style).toBe('header');
    expect(t[at + 1]).toMatch(/^ {2}Type +Reason +Age +From +Message$/);
    expect(lines[at + 1]?.style).toBe('header');
    expect(t[at + 2]).toMatch(/^ {2}---- +------ +---- +---- +-------$/);
    expect(t[at + 3]).toMatch(/^ {2}Normal +Scheduled +2d +default-scheduler +Successfully assigned shop\/web-7c5ddbdf54-abcde to node-a$/);
    expect(t[at + 4]).toMatch(/^ {2}Normal +Pulled +5m \(x3 over 2d\) +kubelet +Container image "nginx:1\.27" already present on machine$/);
    expect(t).toHaveLength(at + 5); // the other pod's BackOff event is not shown
    // columns line up
    const col = (s: string | undefined, word: string): number => (s ?? '').indexOf(word);
    expect(col(t[at + 3], 'Scheduled')).toBe(col(t[at + 1], 'Reason'));
    expect(col(t[at + 4], 'kubelet')).toBe(col(t[at + 1], 'From'));
    expectValidLines(lines);
  });

  it('accepts events.k8s.io events and marks warnings', () => {
    const ev: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'shop', uid: 'e' },
      regarding: { kind: 'Pod', name: 'api-5f7b9-crash', namespace: 'shop', uid: 'uid-api-5f7b9-crash' },
      type: 'Warning',
      reason: 'BackOff',
      note: 'Back-off restarting failed container web',
      reportingController: 'kubelet',
      eventTime: ago(1 * M),
    };
    const lines = renderDescribe(P.crashLoopPod, k('pods'), [ev], NOW);
    const t = texts(lines);
    expect(t[t.length - 1]).toMatch(/^ {2}Warning +BackOff +60s +kubelet +Back-off restarting failed container web$/);
    expect(styleAt(lines, 'Warning')).toBe('warn');
  });
});

describe('renderDescribe: other kinds', () => {
  it('deployment: selector, replicas line, strategy, pod template, conditions', () => {
    const t = texts(renderDescribe(O.deployment, k('deploy'), [], NOW));
    expect(t.some((x) => /^Selector: +app=web$/.test(x))).toBe(true);
    expect(t.some((x) => /^Replicas: +3 desired \| 3 updated \| 3 total \| 2 available \| 1 unavailable$/.test(x))).toBe(true);
    expect(t.some((x) => /^StrategyType: +RollingUpdate$/.test(x))).toBe(true);
    expect(t.some((x) => /^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/.test(x))).toBe(true);
    expect(t).toContain('Pod Template:');
    expect(t).toContain('  Containers:');
    expect(t).toContain('   web:');
    expect(t.some((x) => /^ {2}Available +True +MinimumReplicasAvailable$/.test(x))).toBe(true);
  });

  it('service: type, IP, ports with target and node ports', () => {
    const t = texts(renderDescribe(O.service, k('svc'), [], NOW));
    expect(t.some((x) => /^Type: +NodePort$/.test(x))).toBe(true);
    expect(t.some((x) => /^IP: +10\.96\.12\.34$/.test(x))).toBe(true);
    expect(t.some((x) => /^Port: +http +80\/TCP$/.test(x))).toBe(true);
    expect(t.some((x) => /^TargetPort: +8080\/TCP$/.test(x))).toBe(true);
    expect(t.some((x) => /^NodePort: +https +30443\/TCP$/.test(x))).toBe(true);
    expect(t.some((x) => /^Selector: +app=web$/.test(x))).toBe(true);
  });

  it('node: roles, conditions, addresses, capacity, system info', () => {
    const t = texts(renderDescribe(O.node, k('no'), [], NOW));
    expect(t.some((x) => /^Roles: +control-plane$/.test(x))).toBe(true);
    expect(t.some((x) => /^Taints: +node\.kubernetes\.io\/unschedulable:NoSchedule$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {2}Ready +True +Mon, 24 Nov 2025 11:59:40 \+0000 +Fri, 21 Nov 2025 12:00:00 \+0000 +KubeletReady +kubelet is posting ready status$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {2}InternalIP: +10\.0\.0\.11$/.test(x))).toBe(true);
    expect(t).toContain('Capacity:');
    expect(t.some((x) => /^ {2}cpu: +8$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {2}Kubelet Version: +v1\.31\.2$/.test(x))).toBe(true);
  });

  it('custom resource: spec and status as indented key: value', () => {
    const cert = genericKind({ name: 'certificates', kind: 'Certificate', group: 'cert-manager.io', version: 'v1', namespaced: true });
    const lines = renderDescribe(O.certificate, cert, [], NOW);
    const t = texts(lines);
    expect(t.some((x) => /^API Version: +cert-manager\.io\/v1$/.test(x))).toBe(true);
    expect(t).toContain('Spec:');
    expect(lines.find((l) => l.text === 'Spec:')?.style).toBe('header');
    expect(t.some((x) => /^ {2}Secret Name: +shop-tls$/.test(x))).toBe(true);
    expect(t).toContain('  Issuer Ref:');
    expect(t.some((x) => /^ {4}Kind: +ClusterIssuer$/.test(x))).toBe(true);
    expect(t.some((x) => /^ {2}Dns Names:$/.test(x))).toBe(true);
    expect(t).toContain('    shop.example.com');
    expect(t.some((x) => /^ {2}Not After: +2026-02-01T00:00:00Z$/.test(x))).toBe(true);
    expect(t.some((x) => x.includes('Managed Fields'))).toBe(false);
  });

  it('a custom resource nested past 32 levels says where it stops (an API server takes 10,000)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const w: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'deep', namespace: 'shop', uid: 'w' }, spec: deep as Record<string, unknown> };
    const t = texts(renderDescribe(w, genericKind({ name: 'widgets', kind: 'Widget', group: 'example.com', version: 'v1', namespaced: true }), [], NOW));
    const spec = t.indexOf('Spec:');
    expect(t.slice(spec + 1, spec + 33).every((x) => x.trim() === 'N:')).toBe(true);
    expect(t[spec + 33]!.trim()).toBe('(nested more than 32 levels deep: the YAML pane shows more)');
  });

  it('a CRD called Service is not described as a core Service', () => {
    const ksvc: KubeObject = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'shop', uid: 'k' }, spec: { template: {} } };
    const t = texts(renderDescribe(ksvc, undefined, [], NOW));
    expect(t.some((x) => x.startsWith('Type:'))).toBe(false);
    expect(t).toContain('Spec:');
  });

  it('every built-in fixture renders without throwing, with valid lines', () => {
    const all: Array<[KubeObject, string]> = [
      [O.statefulSet, 'sts'],
      [O.daemonSet, 'ds'],
      [O.job, 'job'],
      [O.runningJob, 'job'],
      [O.cronJob, 'cj'],
      [O.neverScheduledCronJob, 'cj'],
      [O.configMap, 'cm'],
      [O.secret, 'secret'],
      [O.ingress, 'ing'],
      [O.notReadyNode, 'no'],
      [O.namespace, 'ns'],
      [O.persistentVolume, 'pv'],
      [O.persistentVolumeClaim, 'pvc'],
      [O.pendingClaim, 'pvc'],
      [O.loadBalancerService, 'svc'],
      ...Object.values(P).map((p): [KubeObject, string] => [p, 'pods']),
    ];
    for (const [o, id] of all) {
      const lines = renderDescribe(o, k(id), O.events, NOW);
      expect(lines[0]?.text, id).toMatch(/^Name: /);
      expectValidLines(lines);
    }
    const secret = texts(renderDescribe(O.secret, k('secret'), [], NOW));
    expect(secret.some((x) => /^password: +6 bytes$/.test(x))).toBe(true);
    expect(secret.join('\n')).not.toContain('c2VjcmV0');
    const cm = texts(renderDescribe(O.configMap, k('cm'), [], NOW));
    expect(cm).toEqual(expect.arrayContaining(['Data', '====', 'nginx.conf:', '----', '  listen 80;', 'BinaryData', 'logo.png: 8 bytes']));
    const job = texts(renderDescribe(O.job, k('job'), [], NOW));
    expect(job.some((x) => /^Duration: +45s$/.test(x))).toBe(true);
    expect(job.some((x) => /^Pods Statuses: +0 Active \/ 1 Succeeded \/ 0 Failed$/.test(x))).toBe(true);
    const ing = texts(renderDescribe(O.ingress, k('ing'), [], NOW));
    expect(ing.some((x) => /^ {2}shop-tls terminates shop\.example\.com$/.test(x))).toBe(true);
    expect(ing.some((x) => /^ +\/ +web:80$/.test(x))).toBe(true);
  });

  it('never throws on junk', () => {
    const junk: unknown[] = [null, undefined, 1, 'x', {}, { metadata: null }, { kind: 'Pod', metadata: { name: 'p' }, spec: 'bad', status: [] }, { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n' }, status: { conditions: 'no' } }];
    for (const j of junk) {
      const lines = renderDescribe(j as KubeObject, undefined, [null as unknown as KubeObject], NOW);
      expect(lines.length).toBeGreaterThan(0);
      expectValidLines(lines);
    }
  });
});
