import { describe, expect, it } from 'vitest';
import { findKind, formatSelector } from '../../src/kube/kinds/index.js';
import type { KubeObject } from '../../src/kube/types.js';

/**
 * Cells that read differently from what kubectl prints for the same object (kubectl 1.32's printers,
 * pkg/printers/internalversion/printers.go, and apimachinery's label selector String()).
 */

const NOW = Date.parse('2026-01-10T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function cell(kindId: string, column: string, o: Record<string, unknown>): string {
  const k = findKind(kindId);
  if (!k) throw new Error(`no kind ${kindId}`);
  const c = k.columns.find((x) => x.id === column);
  if (!c) throw new Error(`no column ${column} in ${kindId}`);
  return c.cell(o as unknown as KubeObject, NOW);
}

const job = (name: string, status: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default', creationTimestamp: ago(900), ...metadata },
  spec: { completions: 5, parallelism: 5, template: { spec: { containers: [{ name: 'w', image: 'busybox' }] } } },
  status: { startTime: ago(600), ...status },
});

describe('Job STATUS as kubectl printJob', () => {
  it('a Job whose success policy is met (pods still being stopped) reads SuccessCriteriaMet, not Running', () => {
    const met = job('met', { succeeded: 2, active: 3, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'SuccessPolicy' }] });
    expect(cell('jobs', 'status', met)).toBe('SuccessCriteriaMet');
  });

  it('keeps kubectl precedence: Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, Running', () => {
    const cond = (...types: string[]) => types.map((type) => ({ type, status: 'True' }));
    expect(cell('jobs', 'status', job('a', { conditions: cond('SuccessCriteriaMet', 'Complete') }))).toBe('Complete');
    expect(cell('jobs', 'status', job('b', { conditions: cond('FailureTarget', 'Failed') }))).toBe('Failed');
    expect(cell('jobs', 'status', job('c', { conditions: cond('SuccessCriteriaMet') }, { deletionTimestamp: ago(1) }))).toBe('Terminating');
    expect(cell('jobs', 'status', job('d', { conditions: cond('SuccessCriteriaMet', 'Suspended') }))).toBe('Suspended');
    expect(cell('jobs', 'status', job('e', { conditions: cond('SuccessCriteriaMet', 'FailureTarget') }))).toBe('FailureTarget');
    expect(cell('jobs', 'status', job('f', { conditions: [{ type: 'SuccessCriteriaMet', status: 'False' }] }))).toBe('Running');
  });
});

describe('SELECTOR as metav1.FormatLabelSelector', () => {
  const selector = {
    matchLabels: { app: 'web', 'app-name': 'x', Zone: 'a' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'canary', operator: 'Exists' },
      { key: 'env', operator: 'NotIn', values: ['prod', 'dev'] },
    ],
  };

  it('orders requirements by key in byte order, as Go does (not by locale, not by the printed text)', () => {
    expect(formatSelector(selector)).toBe('Zone=a,app=web,app-name=x,canary,env notin (dev,prod),!legacy,tier in (a,b)');
  });

  it('reads the same in the wide SELECTOR column of a Deployment, ReplicaSet, Job and DaemonSet', () => {
    const want = 'Zone=a,app=web,app-name=x,canary,env notin (dev,prod),!legacy,tier in (a,b)';
    const o = { metadata: { name: 'w', creationTimestamp: ago(60) }, spec: { selector, template: { spec: { containers: [] } } } };
    for (const k of ['deployments', 'replicasets', 'jobs', 'daemonsets']) expect(cell(k, 'selector', o)).toBe(want);
    expect(formatSelector({})).toBe('<none>');
  });
});

describe('ENDPOINTS as kubectl formatEndpoints', () => {
  const ep = (subsets: unknown[]) => ({ metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(60) }, subsets });

  it('writes an IPv6 endpoint as [ip]:port (net.JoinHostPort), not the unreadable fd00::1:80', () => {
    expect(cell('endpoints', 'endpoints', ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]))).toBe('[fd00::1]:80');
  });

  it('lists each port with every address (ports outer), so the first three are the ones kubectl shows', () => {
    const two = ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }]);
    expect(cell('endpoints', 'endpoints', two)).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
  });

  it('is empty, as kubectl, when every address is not ready; <none> only without subsets', () => {
    expect(cell('endpoints', 'endpoints', ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]))).toBe('');
    expect(cell('endpoints', 'endpoints', ep([]))).toBe('<none>');
    expect(cell('endpoints', 'endpoints', ep([{ addresses: [{ ip: '10.0.0.9' }] }]))).toBe('10.0.0.9');
  });
});

describe('RoleBinding SERVICEACCOUNTS as kubectl rbac.SubjectsStrings', () => {
  it('prints a service account without a namespace by its name, not "/name"', () => {
    const rb = {
      metadata: { name: 'rb', namespace: 'ci', creationTimestamp: ago(60) },
      roleRef: { kind: 'Role', name: 'deployer' },
      subjects: [
        { kind: 'ServiceAccount', name: 'builder' },
        { kind: 'ServiceAccount', name: 'robot', namespace: 'ops' },
        { kind: 'User', name: 'alice' },
      ],
    };
    expect(cell('rolebindings', 'serviceaccounts', rb)).toBe('builder, ops/robot');
    expect(cell('rolebindings', 'users', rb)).toBe('alice');
  });
});
