import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../src/api/resource-types.js';
import { tableRow } from '../src/table/table.js';
import type { KubeObject } from '../src/types.js';

/**
 * kube-sim's Table rows against what kubectl 1.32 prints for the same objects (pkg/printers/internalversion/
 * printers.go: printPod, printJob, formatEndpoints, formatHosts, loadBalancerStatusStringer, printEvent,
 * GetAccessModesAsString; metav1.FormatLabelSelector, labels.FormatLabels). kubectl prints the server's Table,
 * so tests that compare kubetile with kubectl read these.
 */

const NOW = Date.parse('2026-12-06T10:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const rt = (id: string) => BUILTIN_RESOURCES.find((r) => r.id === id)!;
const cells = (id: string, o: Record<string, unknown>): unknown[] => {
  const obj = { ...o, metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(60), ...(o['metadata'] as object) } } as unknown as KubeObject;
  return tableRow(rt(id), obj, 'None', NOW).cells;
};
const cs = (name: string, state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name, ready: false, restartCount: 0, state, ...extra });

describe('pods as printPod', () => {
  it('counts a started sidecar in READY and keeps its restarts; Init:N/M while a later init container runs', () => {
    const running = cells('/v1/pods', {
      spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
      status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }], initContainerStatuses: [cs('proxy', { running: {} }, { ready: true, started: true, restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } } })], containerStatuses: [cs('app', { running: {} }, { ready: true })] },
    });
    expect(running.slice(1, 4)).toEqual(['2/2', 'Running', '3 (10m ago)']);
    const starting = cells('/v1/pods', {
      spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'migrate' }], containers: [{ name: 'app' }] },
      status: { phase: 'Pending', initContainerStatuses: [cs('proxy', { running: {} }, { ready: true, started: true }), cs('migrate', { running: {} })] },
    });
    expect(starting.slice(1, 3)).toEqual(['1/2', 'Init:1/2']);
  });

  it('SchedulingGated, Init:Signal:9 with the init restarts "(… ago)", and the first of podIPs', () => {
    expect(cells('/v1/pods', { spec: { containers: [{ name: 'a' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } })[2]).toBe('SchedulingGated');
    const killed = cells('/v1/pods', { spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }] }, status: { phase: 'Pending', initContainerStatuses: [cs('i', { terminated: { exitCode: 137, signal: 9 } }, { restartCount: 2, lastState: { terminated: { exitCode: 137, finishedAt: ago(125) } } })] } });
    expect(killed.slice(2, 4)).toEqual(['Init:Signal:9', '2 (2m5s ago)']);
    expect(cells('/v1/pods', { spec: { containers: [{ name: 'a' }] }, status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: 'fd00::9' }, { ip: '10.0.0.9' }] } })[5]).toBe('fd00::9');
  });
});

describe('other kinds as kubectl', () => {
  it('Job: Terminating before Suspended/FailureTarget/SuccessCriteriaMet', () => {
    const cond = (...t: string[]) => ({ conditions: t.map((type) => ({ type, status: 'True' })) });
    expect(cells('batch/v1/jobs', { metadata: { deletionTimestamp: ago(1) }, spec: {}, status: cond('SuccessCriteriaMet') })[1]).toBe('Terminating');
    expect(cells('batch/v1/jobs', { spec: {}, status: cond('SuccessCriteriaMet', 'Suspended') })[1]).toBe('Suspended');
    expect(cells('batch/v1/jobs', { spec: {}, status: cond('SuccessCriteriaMet', 'FailureTarget') })[1]).toBe('FailureTarget');
  });

  it('selectors sorted by key, in-values sorted; node selectors sorted', () => {
    const sel = { matchLabels: { app: 'web', 'app-name': 'x', Zone: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'legacy', operator: 'DoesNotExist' }] };
    const d = cells('apps/v1/deployments', { spec: { replicas: 1, selector: sel, template: { spec: { containers: [{ name: 'a', image: 'i' }] } } }, status: {} });
    expect(d[7]).toBe('Zone=a,app=web,app-name=x,!legacy,tier in (a,b)');
    const ds = cells('apps/v1/daemonsets', { spec: { selector: sel, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' }, containers: [] } } }, status: {} });
    expect(ds[6]).toBe('disk=ssd,kubernetes.io/os=linux');
  });

  it('LoadBalancer addresses unique and sorted; ingress hosts clipped at three; [v6]:port endpoints, ports outer', () => {
    const svc = cells('/v1/services', { spec: { type: 'LoadBalancer', clusterIP: '10.96.0.1', ports: [] }, status: { loadBalancer: { ingress: [{ hostname: 'b.example' }, { ip: '1.2.3.4', hostname: 'z' }, { hostname: 'a.example' }, { ip: '1.2.3.4' }] } } });
    expect(svc[3]).toBe('1.2.3.4,a.example,b.example');
    const ing = cells('networking.k8s.io/v1/ingresses', { spec: { rules: [{ host: 'a' }, {}, { host: 'b' }, { host: 'c' }, { host: 'd' }] }, status: { loadBalancer: { ingress: [{ hostname: 'lb' }, { ip: '9.9.9.9' }] } } });
    expect(ing.slice(2, 4)).toEqual(['a,b,c + 2 more...', '9.9.9.9,lb']);
    const ep = cells('/v1/endpoints', { subsets: [{ addresses: [{ ip: 'fd00::1' }, { ip: 'fd00::2' }], ports: [{ port: 80 }, { port: 443 }] }] });
    expect(ep[1]).toBe('[fd00::1]:80,[fd00::2]:80,[fd00::1]:443 + 1 more...');
    expect(cells('/v1/endpoints', { subsets: [{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] })[1]).toBe('');
  });

  it('PV/PVC: Terminating, access modes in kubectl order, the beta storage-class annotation', () => {
    const pv = cells('/v1/persistentvolumes', { metadata: { deletionTimestamp: ago(1), annotations: { 'volume.beta.kubernetes.io/storage-class': 'beta' } }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], storageClassName: 'std' }, status: { phase: 'Released' } });
    expect([pv[2], pv[4], pv[6]]).toEqual(['RWO,RWX', 'Terminating', 'beta']);
    const pvc = cells('/v1/persistentvolumeclaims', { metadata: { deletionTimestamp: ago(1) }, spec: { volumeName: 'gone' }, status: { phase: 'Lost' } });
    expect(pvc.slice(1, 4)).toEqual(['Terminating', 'gone', '0']);
  });

  it('events: series last seen and count, reportingComponent as source, a kind alone without a name', () => {
    const e = cells('/v1/events', { type: 'Normal', reason: 'X', involvedObject: { kind: 'Node' }, reportingComponent: 'ctl', eventTime: ago(3600), series: { count: 4, lastObservedTime: ago(120) } });
    expect([e[0], e[3], e[5], e[8]]).toEqual(['2m', 'node', 'ctl', 4]);
  });
});
