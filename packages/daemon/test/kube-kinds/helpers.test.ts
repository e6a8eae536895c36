import { describe, expect, it } from 'vitest';
import { columnsFor, compareCells, findKind, formatAge, genericKind, parseAge, type KindDef } from '../../src/kube/kinds/index.js';
import { certificate } from './fixtures/objects.js';
import { D, H, M, NOW, S } from './fixtures/time.js';

function kind(id: string): KindDef {
  const k = findKind(id);
  if (!k) throw new Error(`no kind ${id}`);
  return k;
}

describe('formatAge (duration.HumanDuration)', () => {
  const cases: Array<[number, string]> = [
    [-1500, '0s'],
    [-5 * S, '<invalid>'],
    [0, '0s'],
    [45 * S, '45s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + 30 * S, '2m30s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [8 * H + 5 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [5 * D + 3 * H, '5d3h'],
    [8 * D + 3 * H, '8d'],
    [729 * D, '729d'],
    [2 * 365 * D + 45 * D, '2y45d'],
    [9 * 365 * D + 45 * D, '9y'],
  ];
  for (const [ms, want] of cases) it(`${ms} ms → ${want}`, () => expect(formatAge(ms)).toBe(want));

  it('parses back', () => {
    expect(parseAge('2m30s')).toBe(150 * S);
    expect(parseAge('5d3h')).toBe(5 * D + 3 * H);
    expect(parseAge('<none>')).toBeUndefined();
    expect(parseAge('')).toBeUndefined();
  });
});

describe('compareCells', () => {
  const sorted = (kind: 'age' | 'number' | 'ratio' | 'text', xs: string[], order: 'asc' | 'desc' = 'asc'): string[] =>
    [...xs].sort((a, b) => compareCells(kind, a, b, order));

  it('ages as durations', () => {
    expect(sorted('age', ['3d', '<unknown>', '2h', '5m', '45s', '2m30s'])).toEqual(['45s', '2m30s', '5m', '2h', '3d', '<unknown>']);
    expect(compareCells('age', '5m', '2h')).toBeLessThan(0);
    expect(compareCells('age', '2h', '3d')).toBeLessThan(0);
  });

  it('numbers numerically, restart suffixes ignored', () => {
    expect(sorted('number', ['10', '9', '5 (3m ago)', '0', ''])).toEqual(['0', '5 (3m ago)', '9', '10', '']);
  });

  it('ratios by numerator, then denominator', () => {
    expect(sorted('ratio', ['2/3', '10/10', '0/1', '2/2', '<none>'])).toEqual(['0/1', '2/2', '2/3', '10/10', '<none>']);
  });

  it('text case-insensitively with natural numbers; blanks last in both orders', () => {
    expect(sorted('text', ['web-10', 'Web-2', 'api', '<none>', ''])).toEqual(['api', 'Web-2', 'web-10', '', '<none>']);
    expect(sorted('text', ['b', '<none>', 'a'], 'desc')).toEqual(['b', 'a', '<none>']);
  });
});

describe('columnsFor', () => {
  it('uses the configured order and reports unknown ids', () => {
    const sel = columnsFor(kind('pods'), ['status', 'name', 'bogus', 'age'], false);
    expect(sel.map((c) => c.id)).toEqual(['status', 'name', 'age']);
    expect(sel.columns.map((c) => c.id)).toEqual(['status', 'name', 'age']);
    expect(sel.problems).toHaveLength(1);
    expect(sel.problems[0]).toContain('bogus');
  });

  it('accepts KubeTile ids `ports` and `last-schedule` (and kubectl headers)', () => {
    expect(columnsFor(kind('services'), ['name', 'type', 'cluster-ip', 'external-ip', 'ports', 'age'], false).map((c) => c.id)).toContain('ports');
    expect(columnsFor(kind('cronjobs'), ['name', 'last-schedule'], false).map((c) => c.id)).toEqual(['name', 'last-schedule']);
    expect(columnsFor(kind('services'), ['NAME', 'PORT(S)'], false).map((c) => c.id)).toEqual(['name', 'ports']);
    expect(columnsFor(kind('cronjobs'), ['last schedule'], false).map((c) => c.id)).toEqual(['last-schedule']);
  });

  it('falls back to the defaults when nothing is configured or nothing matches', () => {
    expect(columnsFor(kind('pods'), undefined, false).map((c) => c.id)).toEqual(['name', 'ready', 'status', 'restarts', 'age']);
    expect(columnsFor(kind('pods'), [], false).problems).toEqual([]);
    const none = columnsFor(kind('pods'), ['nope'], false);
    expect(none.map((c) => c.id)).toEqual(['name', 'ready', 'status', 'restarts', 'age']);
    expect(none.problems.length).toBe(2);
  });

  it('puts namespace first in all-namespaces mode (kubectl get -A), only for namespaced kinds', () => {
    expect(columnsFor(kind('pods'), undefined, true).map((c) => c.id).slice(0, 3)).toEqual(['namespace', 'name', 'ready']);
    expect(columnsFor(kind('pods'), ['age', 'name', 'namespace'], true).map((c) => c.id)).toEqual(['namespace', 'age', 'name']);
    expect(columnsFor(kind('nodes'), undefined, true).map((c) => c.id)).not.toContain('namespace');
    expect(columnsFor(kind('pods'), ['name', 'namespace'], false).map((c) => c.id)).toEqual(['name', 'namespace']);
  });
});

describe('findKind', () => {
  it('finds by id, short name, kind, singular and alias, case-insensitively', () => {
    expect(findKind('pods')?.id).toBe('pods');
    expect(findKind('po')?.id).toBe('pods');
    expect(findKind('Pod')?.id).toBe('pods');
    expect(findKind('POD')?.id).toBe('pods');
    expect(findKind('deploy')?.id).toBe('deployments');
    expect(findKind('DEP')?.id).toBe('deployments');
    expect(findKind('Deployment')?.id).toBe('deployments');
    expect(findKind('deployments.apps')?.id).toBe('deployments');
    expect(findKind('deployments.batch')).toBeUndefined();
    expect(findKind('svc')?.id).toBe('services');
    expect(findKind('cj')?.id).toBe('cronjobs');
    expect(findKind('CRN')?.id).toBe('cronjobs');
    expect(findKind('DMS')?.id).toBe('daemonsets');
    expect(findKind('ing')?.id).toBe('ingresses');
    expect(findKind('Ingress')?.id).toBe('ingresses');
    expect(findKind('ns')?.id).toBe('namespaces');
    expect(findKind('PVS')?.id).toBe('persistentvolumes');
    expect(findKind('pvc')?.id).toBe('persistentvolumeclaims');
    expect(findKind('  secret ')?.id).toBe('secrets');
    expect(findKind('nonsense')).toBeUndefined();
    expect(findKind('')).toBeUndefined();
  });

  it('searches discovered kinds when given', () => {
    const cert = genericKind({ name: 'certificates', kind: 'Certificate', group: 'cert-manager.io', version: 'v1', namespaced: true, shortNames: ['cert', 'certs'] });
    expect(findKind('cert', [cert])?.id).toBe('certificates');
    expect(findKind('certificate.cert-manager.io', [cert])?.id).toBe('certificates');
  });
});

describe('genericKind', () => {
  it('builds NAME, NAMESPACE, AGE for a namespaced custom resource', () => {
    const k = genericKind({ name: 'certificates', kind: 'Certificate', group: 'cert-manager.io', version: 'v1', namespaced: true, shortNames: ['cert'] });
    expect(k).toMatchObject({ id: 'certificates', kind: 'Certificate', group: 'cert-manager.io', version: 'v1', namespaced: true, shortNames: ['cert'], alias: 'CER', display: 'Certificates' });
    expect(k.columns.map((c) => c.id)).toEqual(['name', 'namespace', 'age']);
    expect(columnsFor(k, undefined, false).map((c) => c.cell(certificate, NOW))).toEqual(['shop-tls', '3d']);
    expect(columnsFor(k, undefined, true).map((c) => c.cell(certificate, NOW))).toEqual(['shop', 'shop-tls', '3d']);
  });

  it('leaves NAMESPACE out for cluster-scoped kinds and derives an alias from the kind', () => {
    const k = genericKind({ name: 'clusterissuers', kind: 'ClusterIssuer', group: 'cert-manager.io', version: 'v1', namespaced: false });
    expect(k.columns.map((c) => c.id)).toEqual(['name', 'age']);
    expect(k.alias).toBe('CIS');
    expect(k.shortNames).toEqual([]);
    expect(genericKind({ name: 'virtualmachineinstances', kind: 'VirtualMachineInstance', group: 'kubevirt.io', version: 'v1', namespaced: true }).alias).toBe('VMI');
  });
});

describe('the pods READY style', () => {
  const pods = findKind('pods')!;
  const ready = pods.columns.find((c) => c.id === 'ready')!;
  const pod = (phase: string, isReady: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '1' },
    spec: { containers: [{ name: 'c', image: 'x' }] },
    status: { phase, containerStatuses: [{ name: 'c', ready: isReady, restartCount: 0, image: 'x', imageID: '', state: isReady ? { running: {} } : { terminated: { reason: 'Completed', exitCode: 0 } } }] },
  });
  it('warns while a running pod is not all ready; a finished one (0/1 Completed) is not a warning', () => {
    expect(ready.style?.(pod('Running', false), NOW)).toBe('warn');
    expect(ready.style?.(pod('Running', true), NOW)).toBeUndefined();
    expect(ready.style?.(pod('Succeeded', false), NOW)).toBeUndefined();
    expect(ready.style?.(pod('Failed', false), NOW)).toBeUndefined();
  });
});
