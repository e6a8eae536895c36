import { describe, expect, it } from 'vitest';
import {
  BUILTIN_KINDS,
  columnsFor,
  findKind,
  type KindDef,
} from '../../src/kube/kinds/index.js';
import type { KubeObject } from '../../src/kube/types.js';
import * as O from './fixtures/objects.js';
import * as P from './fixtures/pods.js';
import { NOW } from './fixtures/time.js';

function kind(id: string): KindDef {
  const k = findKind(id);
  if (!k) throw new Error(`no kind ${id}`);
  return k;
}

/** The row a list would build: cells keyed by column id, never by position. */
function row(id: string, obj: KubeObject, allNamespaces = false): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const c of columnsFor(kind(id), undefined, allNamespaces)) cells[c.id] = c.cell(obj, NOW);
  return cells;
}

function styleOf(id: string, column: string, obj: KubeObject): string | undefined {
  const c = kind(id).columns.find((x) => x.id === column);
  return c?.style?.(obj, NOW);
}

describe('BUILTIN_KINDS', () => {
  it("lists KubeTile's 14 kinds with their short names, aliases and API groups", () => {
    expect(BUILTIN_KINDS.map((k) => [k.id, k.shortNames[0], k.alias, k.group, k.version, k.namespaced])).toEqual([
      ['pods', 'po', 'POD', '', 'v1', true],
      ['deployments', 'deploy', 'DEP', 'apps', 'v1', true],
      ['services', 'svc', 'SVC', '', 'v1', true],
      ['statefulsets', 'sts', 'STS', 'apps', 'v1', true],
      ['daemonsets', 'ds', 'DMS', 'apps', 'v1', true],
      ['jobs', 'job', 'JOB', 'batch', 'v1', true],
      ['cronjobs', 'cj', 'CRN', 'batch', 'v1', true],
      ['configmaps', 'cm', 'CFG', '', 'v1', true],
      ['secrets', 'secret', 'SEC', '', 'v1', true],
      ['ingresses', 'ing', 'ING', 'networking.k8s.io', 'v1', true],
      ['nodes', 'no', 'NOD', '', 'v1', false],
      ['namespaces', 'ns', 'NSP', '', 'v1', false],
      ['persistentvolumes', 'pv', 'PVS', '', 'v1', false],
      ['persistentvolumeclaims', 'pvc', 'PVC', '', 'v1', true],
    ]);
  });

  it('every default column exists, ids are unique, namespaced kinds have a namespace column and others do not', () => {
    for (const k of BUILTIN_KINDS) {
      const ids = k.columns.map((c) => c.id);
      expect(new Set(ids).size, k.id).toBe(ids.length);
      for (const d of k.defaultColumns) expect(ids, `${k.id}.${d}`).toContain(d);
      expect(k.defaultColumns, k.id).not.toContain('namespace');
      expect(ids.includes('namespace'), k.id).toBe(k.namespaced);
      expect(ids[0]).toBe('name');
    }
  });

  it('no cell throws on an empty object', () => {
    const empty = { metadata: { name: 'x', uid: 'u' } } as KubeObject;
    for (const k of BUILTIN_KINDS) {
      for (const c of k.columns) {
        expect(() => c.cell(empty, NOW), `${k.id}.${c.id}`).not.toThrow();
        expect(() => c.style?.(empty, NOW), `${k.id}.${c.id}`).not.toThrow();
      }
    }
  });
});

describe('default cells, keyed by column id', () => {
  it('pods', () => {
    expect(row('pods', P.crashLoopPod)).toEqual({
      name: 'api-5f7b9-crash',
      ready: '0/1',
      status: 'CrashLoopBackOff',
      restarts: '5 (3m ago)',
      age: '2d',
    });
    // NODE and IP are wide columns, as in `kubectl get pods -o wide`.
    expect(columnsFor(kind('pods'), undefined, false, true).map((c) => c.id)).toEqual(['name', 'ready', 'status', 'restarts', 'age', 'ip', 'node', 'nominated-node', 'readiness-gates']);
    expect(styleOf('pods', 'status', P.crashLoopPod)).toBe('error');
    expect(styleOf('pods', 'ready', P.crashLoopPod)).toBe('warn');
    expect(styleOf('pods', 'status', P.runningPod)).toBe('ok');
    expect(styleOf('pods', 'ready', P.runningPod)).toBeUndefined();
    expect(styleOf('pods', 'status', P.containerCreatingPod)).toBe('warn');
    expect(styleOf('pods', 'status', P.initPod)).toBe('warn');
    expect(styleOf('pods', 'status', P.initErrorPod)).toBe('error');
    expect(styleOf('pods', 'status', P.terminatingPod)).toBe('warn');
    expect(styleOf('pods', 'status', P.completedPod)).toBe('ok');
    expect(styleOf('pods', 'status', P.oomPod)).toBe('error');
    expect(styleOf('pods', 'status', P.imagePullPod)).toBe('error');
    const ip = kind('pods').columns.find((c) => c.id === 'ip');
    expect(ip?.cell(P.runningPod, NOW)).toBe('10.244.1.7');
    expect(ip?.cell(P.unscheduledPod, NOW)).toBe('<none>');
    expect(kind('pods').columns.find((c) => c.id === 'node')?.cell(P.unscheduledPod, NOW)).toBe('<none>');
  });

  it('deployments: READY 2/3 lands in the ready column (no KubeTile shift)', () => {
    expect(row('deployments', O.deployment)).toEqual({ name: 'web', ready: '2/3', 'up-to-date': '3', available: '2', age: '3d' });
    expect(row('deployments', O.deployment, true)).toEqual({ name: 'web', namespace: 'shop', ready: '2/3', 'up-to-date': '3', available: '2', age: '3d' });
    // `kubectl get -A`: NAMESPACE first.
    expect(columnsFor(kind('deployments'), undefined, true).map((c) => c.id)).toEqual(['namespace', 'name', 'ready', 'up-to-date', 'available', 'age']);
    expect(styleOf('deployments', 'ready', O.deployment)).toBe('warn');
  });

  it('services: ports present and formatted like kubectl', () => {
    expect(row('services', O.service)).toEqual({
      name: 'web',
      type: 'NodePort',
      'cluster-ip': '10.96.12.34',
      'external-ip': '<none>',
      ports: '80/TCP,443:30443/TCP',
      age: '3d',
    });
    expect(row('services', O.loadBalancerService)['external-ip']).toBe('<pending>');
    expect(columnsFor(kind('services'), undefined, false).find((c) => c.id === 'ports')?.title).toBe('PORT(S)');
  });

  it('statefulsets', () => {
    expect(row('statefulsets', O.statefulSet)).toEqual({ name: 'db', ready: '1/3', age: '3d' });
  });

  it("daemonsets: kubectl's columns (UP-TO-DATE, AVAILABLE, NODE SELECTOR)", () => {
    expect(row('daemonsets', O.daemonSet)).toEqual({ name: 'node-exporter', desired: '3', current: '3', ready: '2', 'up-to-date': '3', available: '2', 'node-selector': 'kubernetes.io/os=linux', age: '3d' });
    expect(columnsFor(kind('daemonsets'), undefined, false).map((c) => c.title)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    const all = Object.fromEntries(kind('daemonsets').columns.map((c) => [c.id, c.cell(O.daemonSet, NOW)]));
    expect(all).toMatchObject({ 'up-to-date': '3', available: '2', 'node-selector': 'kubernetes.io/os=linux' });
  });

  it('jobs', () => {
    expect(row('jobs', O.job)).toEqual({ name: 'report-28882020', status: 'Complete', completions: '1/1', duration: '45s', age: '3d' });
    expect(row('jobs', O.runningJob)).toMatchObject({ completions: '0/1 of 3', duration: '3h5m' });
    expect(kind('jobs').columns.find((c) => c.id === 'status')?.cell(O.job, NOW)).toBe('Complete');
  });

  it('cronjobs: last-schedule present', () => {
    expect(row('cronjobs', O.cronJob)).toEqual({
      name: 'report',
      schedule: '*/10 * * * *',
      timezone: '<none>',
      suspend: 'False',
      active: '1',
      'last-schedule': '5m',
      age: '3d',
    });
    expect(row('cronjobs', O.neverScheduledCronJob)).toMatchObject({ suspend: 'True', active: '0', 'last-schedule': '<none>' });
    expect(kind('cronjobs').columns.find((c) => c.id === 'last-schedule')?.title).toBe('LAST SCHEDULE');
  });

  it('configmaps and secrets', () => {
    expect(row('configmaps', O.configMap)).toEqual({ name: 'web-config', data: '3', age: '3d' });
    expect(row('secrets', O.secret)).toEqual({ name: 'db', type: 'Opaque', data: '2', age: '3d' });
  });

  it('ingresses', () => {
    expect(row('ingresses', O.ingress)).toEqual({
      name: 'web',
      class: 'nginx',
      hosts: 'shop.example.com,api.example.com',
      address: '203.0.113.10',
      ports: '80, 443',
      age: '3d',
    });
  });

  it('nodes', () => {
    expect(row('nodes', O.node)).toEqual({ name: 'node-a', status: 'Ready,SchedulingDisabled', roles: 'control-plane', age: '3d', version: 'v1.31.2' });
    expect(row('nodes', O.notReadyNode)).toMatchObject({ status: 'NotReady', roles: 'worker' });
    expect(row('nodes', O.node, true)).not.toHaveProperty('namespace');
    expect(styleOf('nodes', 'status', O.node)).toBe('warn');
    expect(styleOf('nodes', 'status', O.notReadyNode)).toBe('error');
  });

  it('namespaces', () => {
    expect(row('namespaces', O.namespace)).toEqual({ name: 'shop', status: 'Active', age: '3d' });
    expect(styleOf('namespaces', 'status', O.namespace)).toBe('ok');
  });

  it('persistent volumes and claims', () => {
    expect(row('pv', O.persistentVolume)).toEqual({
      name: 'pvc-1234',
      capacity: '10Gi',
      'access-modes': 'RWO,RWX',
      'reclaim-policy': 'Delete',
      status: 'Bound',
      claim: 'shop/data-db-0',
      storageclass: 'standard',
      volumeattributesclass: '<unset>',
      reason: '',
      age: '3d',
    });
    expect(styleOf('pv', 'status', O.persistentVolume)).toBe('ok');
    expect(row('pvc', O.persistentVolumeClaim)).toEqual({
      name: 'data-db-0',
      status: 'Bound',
      volume: 'pvc-1234',
      capacity: '10Gi',
      'access-modes': 'RWO',
      storageclass: 'standard',
      volumeattributesclass: '<unset>',
      age: '3d',
    });
    // Bound without a capacity: the zero quantity, as kubectl prints it.
    const noCapacity = { ...O.persistentVolumeClaim, status: { phase: 'Bound' } } as KubeObject;
    expect(row('pvc', noCapacity)['capacity']).toBe('0');
    expect(row('pvc', O.pendingClaim)).toMatchObject({ status: 'Pending', volume: '', capacity: '', 'access-modes': '', storageclass: 'fast' });
    expect(styleOf('pvc', 'status', O.pendingClaim)).toBe('warn');
  });
});
