import { describe, expect, it } from 'vitest';
import { columnsFor, eventsKind, findKind, genericKind, loadBalancerAddresses, serviceExternalIP, type KindDef } from '../../src/kube/kinds/index.js';
import { evaluateJsonPath } from '../../src/kube/kinds/jsonpath.js';
import { printerCell, printerColumnsKind } from '../../src/kube/kinds/printer-columns.js';
import { serverTableKind } from '../../src/kube/kinds/server-table-kind.js';
import { parsePrinterColumns, parseTable } from '../../src/kube/server-table.js';
import type { KubeObject } from '../../src/kube/types.js';
import { ago, D, H, M, NOW, S } from './fixtures/time.js';

const certKind = genericKind({ name: 'certificates', kind: 'Certificate', group: 'cert-manager.io', version: 'v1', namespaced: true, shortNames: ['cert'] });

const cert = (ready: string, renewal: string | undefined, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'shop-tls', namespace: 'shop', uid: 'u-1', creationTimestamp: ago(3 * D) },
  spec: { secretName: 'shop-tls', dnsNames: ['shop.example.com', 'www.example.com'], replicas: 3, ...extra },
  status: { conditions: [{ type: 'Issuing', status: 'False' }, { type: 'Ready', status: ready }], ...(renewal ? { renewalTime: renewal } : {}) },
});

const PRINTER = parsePrinterColumns([
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
  { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
  { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name', priority: 1 },
  { name: 'Renewal', type: 'date', jsonPath: '.status.renewalTime' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
]);

const cells = (k: KindDef, o: KubeObject, allNs = false, wide = false, now = NOW): Record<string, string> =>
  Object.fromEntries(columnsFor(k, undefined, allNs, wide).map((c) => [c.title, c.cell(o, now)]));

describe('CRD columns from additionalPrinterColumns', () => {
  const k = printerColumnsKind(certKind, PRINTER);

  it('shows NAME then the priority-0 columns; priority > 0 are wide; NAMESPACE first with all namespaces', () => {
    expect(columnsFor(k, undefined, false).map((c) => c.title)).toEqual(['NAME', 'READY', 'SECRET', 'REPLICAS', 'RENEWAL', 'AGE']);
    expect(columnsFor(k, undefined, false, true).map((c) => c.title)).toEqual(['NAME', 'READY', 'SECRET', 'REPLICAS', 'RENEWAL', 'AGE', 'ISSUER']);
    expect(columnsFor(k, undefined, true).map((c) => c.title)[0]).toBe('NAMESPACE');
    expect(k.columnSource).toBe('printer-columns');
  });

  it('computes cells from each object as the API server does (first result, typed, <none> when missing)', () => {
    expect(cells(k, cert('True', ago(5 * H)), false, true)).toEqual({ NAME: 'shop-tls', READY: 'True', SECRET: 'shop-tls', REPLICAS: '3', RENEWAL: '5h', AGE: '3d', ISSUER: '<none>' });
    expect(cells(k, cert('False', undefined, { replicas: 'three' }))).toMatchObject({ READY: 'False', REPLICAS: '<none>', RENEWAL: '<none>' });
  });

  it('dates are ages that tick; numbers sort as numbers, dates as ages', () => {
    const o = cert('True', ago(90 * S));
    const renewal = k.columns.find((c) => c.title === 'RENEWAL')!;
    expect(renewal.cell(o, NOW)).toBe('90s');
    expect(renewal.cell(o, NOW + 60 * S)).toBe('2m30s');
    expect(renewal.sort).toBe('age');
    expect(k.columns.find((c) => c.title === 'REPLICAS')!.sort).toBe('number');
    expect(k.columns.find((c) => c.title === 'AGE')!.id).toBe('age');
  });

  it('no printer columns means Age, as the API server defaults', () => {
    expect(columnsFor(printerColumnsKind(certKind, []), undefined, false).map((c) => c.title)).toEqual(['NAME', 'AGE']);
  });

  it('column names lose C0 and C1 controls (U+009B is CSI, U+009D OSC to a terminal)', () => {
    const [c] = parsePrinterColumns([{ name: 'Ph\u009b2J\u001b[1mase\u009d52;c;eA==\u009c', type: 'string', jsonPath: '.status.phase' }]);
    expect(c?.name).toBe('Ph2J[1mase52;c;eA==');
    const t = parseTable({ kind: 'Table', columnDefinitions: [{ name: 'Own\u0085er\u0007', type: 'string' }], rows: [] });
    expect(t.columns[0]?.name).toBe('Owner');
  });
  it('drops malformed column definitions and bounds what it keeps', () => {
    const parsed = parsePrinterColumns([{ name: 'ok', type: 'string', jsonPath: '.a' }, { name: 5 }, null, { name: 'x', type: 'string' }, { name: 'p'.repeat(500), type: 'string', jsonPath: '.a' }]);
    expect(parsed.map((c) => c.name)).toEqual(['ok']);
    expect(parsePrinterColumns(Array.from({ length: 200 }, (_, i) => ({ name: `c${i}`, type: 'string', jsonPath: '.a' })))).toHaveLength(48);
    expect(parsePrinterColumns('nope')).toEqual([]);
  });

  it('cell types and odd values', () => {
    const o = { metadata: { name: 'x', uid: 'u' }, spec: { n: 1.5, big: 1e21, b: true, obj: { a: 1 }, list: ['a', 'b'], when: 'not a date' } } as unknown as KubeObject;
    expect(printerCell(o, { name: 'n', type: 'number', jsonPath: '.spec.n' }, NOW)).toBe('1.5');
    // Go's %v of a float64 (kubectl): exponent form below 1e-4 and from 1e6; whole numbers are int64s.
    const num = (n: number): string => printerCell({ spec: { n } }, { name: 'n', type: 'number', jsonPath: '.spec.n' }, NOW);
    expect([1234567.5, 0.00005, 0.0001, 123456.5, 1e21, 1e19, 12345678, -2.5e-7].map(num)).toEqual(['1.2345675e+06', '5e-05', '0.0001', '123456.5', '1e+21', '1e+19', '12345678', '-2.5e-07']);
    expect(printerCell(o, { name: 'n', type: 'integer', jsonPath: '.spec.n' }, NOW)).toBe('1');
    expect(printerCell(o, { name: 'b', type: 'boolean', jsonPath: '.spec.b' }, NOW)).toBe('true');
    expect(printerCell(o, { name: 'o', type: 'string', jsonPath: '.spec.obj' }, NOW)).toBe('{"a":1}');
    expect(printerCell(o, { name: 'l', type: 'string', jsonPath: '.spec.list' }, NOW)).toBe('["a","b"]');
    expect(printerCell(o, { name: 'l', type: 'string', jsonPath: '.spec.list[*]' }, NOW)).toBe('a');
    expect(printerCell(o, { name: 'w', type: 'date', jsonPath: '.spec.when' }, NOW)).toBe('<invalid>');
    expect(printerCell(o, { name: 'bad', type: 'string', jsonPath: '.spec[' }, NOW)).toBe('<none>');
  });
});

describe('JSONPath subset', () => {
  const o = { a: { 'dotted.key': 'v', list: [{ type: 'A', v: 1 }, { type: 'B', v: 2 }] } };
  it('keys, indexes, wildcards, filters, quoted keys', () => {
    expect(evaluateJsonPath(o, '.a.list[1].v')).toEqual([2]);
    expect(evaluateJsonPath(o, '.a.list[-1].type')).toEqual(['B']);
    expect(evaluateJsonPath(o, '.a.list[*].v')).toEqual([1, 2]);
    expect(evaluateJsonPath(o, ".a.list[?(@.type=='B')].v")).toEqual([2]);
    expect(evaluateJsonPath(o, ".a['dotted.key']")).toEqual(['v']);
    expect(evaluateJsonPath(o, '{.a.list[0].type}')).toEqual(['A']);
    expect(evaluateJsonPath(o, '.a.__proto__')).toEqual([]);
    expect(evaluateJsonPath(o, '.a.list[?(@.type=="B")')).toEqual([]);
  });
});

describe("the server's Table for kinds without a printer of ours", () => {
  const table = parseTable({
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '5' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', priority: 0 },
      { name: 'Reference', type: 'string', format: '', priority: 0 },
      { name: 'Replicas', type: 'integer', format: '', priority: 0 },
      { name: 'Age', type: 'string', format: '', priority: 0 },
      { name: 'Extra', type: 'string', format: '', priority: 1 },
    ],
    rows: [
      { cells: ['web', 'Deployment/web', 3, '5m', 'x'], object: { kind: 'PartialObjectMetadata', metadata: { uid: 'u-1', name: 'web' } } },
      { cells: ['api', 'Deployment/api', null, '1h', 'y'], object: { metadata: { uid: 'u-2' } } },
      { cells: ['ghost'] },
      'junk',
    ],
  });

  it('reads columns and cells by uid, skipping rows it cannot place', () => {
    expect(table.columns.map((c) => c.name)).toEqual(['Name', 'Reference', 'Replicas', 'Age', 'Extra']);
    expect([...table.rows.keys()]).toEqual(['u-1', 'u-2']);
    expect(() => parseTable({ kind: 'PodList', items: [] })).toThrow(/did not answer with a Table/);
  });

  it('NAME and AGE come from the object (AGE ticks), the rest from the server; nil is <none>; priority > 0 is wide', () => {
    const hpa = genericKind({ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', namespaced: true });
    const k = serverTableKind(hpa, table.columns, (uid) => table.rows.get(uid));
    const obj = (uid: string, name: string): KubeObject => ({ metadata: { name, namespace: 'shop', uid, creationTimestamp: ago(10 * M) } });
    expect(columnsFor(k, undefined, false).map((c) => c.title)).toEqual(['NAME', 'REFERENCE', 'REPLICAS', 'AGE']);
    expect(columnsFor(k, undefined, false, true).map((c) => c.title)).toEqual(['NAME', 'REFERENCE', 'REPLICAS', 'AGE', 'EXTRA']);
    expect(cells(k, obj('u-1', 'web'))).toEqual({ NAME: 'web', REFERENCE: 'Deployment/web', REPLICAS: '3', AGE: '10m' });
    expect(cells(k, obj('u-2', 'api'))).toMatchObject({ REPLICAS: '<none>' });
    expect(cells(k, obj('u-3', 'new'))).toMatchObject({ REFERENCE: '<none>' });
    expect(k.columns.find((c) => c.title === 'REPLICAS')!.sort).toBe('number');
  });
});

describe('events view', () => {
  const ev = (type: string, extra: Record<string, unknown>): KubeObject => ({
    metadata: { name: 'web-1.17f', namespace: 'shop', uid: `e-${type}`, creationTimestamp: ago(2 * H) },
    involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: 'Back-off restarting\nfailed container',
    type,
    source: { component: 'kubelet', host: 'node-a' },
    ...extra,
  } as KubeObject);

  it('LAST SEEN, TYPE, REASON, OBJECT, COUNT, MESSAGE; newest first; warnings highlighted', () => {
    const warning = ev('Warning', { firstTimestamp: ago(2 * H), lastTimestamp: ago(30 * S), count: 12 });
    expect(cells(eventsKind, warning)).toEqual({ 'LAST SEEN': '30s', TYPE: 'Warning', REASON: 'BackOff', OBJECT: 'pod/web-1', COUNT: '12', MESSAGE: 'Back-off restarting failed container' });
    expect(eventsKind.rowStyle?.(warning)).toBe('warn');
    expect(eventsKind.defaultSort).toEqual({ column: 'last-seen', desc: false });
    const normal = ev('Normal', { eventTime: ago(5 * M) });
    expect(cells(eventsKind, normal)).toMatchObject({ 'LAST SEEN': '5m', COUNT: '1' });
    expect(eventsKind.rowStyle?.(normal)).toBeUndefined();
    const series = ev('Normal', { eventTime: ago(1 * H), series: { count: 4, lastObservedTime: ago(10 * S) } });
    expect(cells(eventsKind, series)).toMatchObject({ 'LAST SEEN': '10s', COUNT: '4' });
    expect(columnsFor(eventsKind, undefined, false, true).map((c) => c.title)).toContain('SOURCE');
    expect(cells(eventsKind, warning, false, true)).toMatchObject({ SOURCE: 'kubelet, node-a', SUBOBJECT: 'spec.containers{web}' });
  });
});

describe('kinds beyond the 14', () => {
  it('ReplicaSets, RBAC and others are found by name and short name with their kubectl columns', () => {
    const rs = findKind('rs')!;
    expect(rs.id).toBe('replicasets');
    expect(columnsFor(rs, undefined, false).map((c) => c.title)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(findKind('ev')?.id).toBe('events');
    expect(findKind('sa')?.id).toBe('serviceaccounts');
    expect(findKind('crd')?.id).toBe('customresourcedefinitions');
    expect(columnsFor(findKind('rolebindings')!, undefined, false, true).map((c) => c.title)).toEqual(['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
  });
});

describe('no value cut where kubectl -o wide shows it whole', () => {
  it('load-balancer addresses are shown whole', () => {
    const status = { ingress: [{ hostname: 'a1b2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com' }, { ip: '203.0.113.10' }] };
    expect(loadBalancerAddresses(status)).toBe('203.0.113.10,a1b2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com');
    const svc = { metadata: { name: 's', uid: 'u' }, spec: { type: 'LoadBalancer' }, status: { loadBalancer: status } } as KubeObject;
    expect(serviceExternalIP(svc)).toBe('203.0.113.10,a1b2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com');
  });
});
