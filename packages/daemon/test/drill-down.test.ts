import { describe, expect, it } from 'vitest';
import { findKind } from '../src/kube/kinds/index.js';
import type { KubeObject } from '../src/kube/types.js';
import { drillsToPods, podsOf } from '../src/panes/resource/drill-down.js';

const obj = (kind: string, spec: Record<string, unknown>, namespace: string | undefined = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}), uid: 'u', resourceVersion: '1' },
  spec,
});
const kind = (id: string) => findKind(id)!;

describe('podsOf (k9s enter on a workload or Service)', () => {
  it('takes matchLabels and every matchExpressions operator in kubectl syntax', () => {
    const d = podsOf(kind('deployments'), obj('Deployment', {
      selector: {
        matchLabels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['fe', 'be'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'track', operator: 'Exists' },
        ],
      },
    }));
    expect(d).toEqual({ namespace: 'shop', filter: '-l app=web,app.kubernetes.io/part-of=shop,tier in (fe,be),env notin (dev),!canary,track' });
  });

  it("a Service's selector map; none is said", () => {
    expect(podsOf(kind('services'), obj('Service', { selector: { app: 'db' } }))).toEqual({ namespace: 'shop', filter: '-l app=db' });
    expect(podsOf(kind('services'), obj('Service', { ports: [] }))).toEqual({ problem: 'Service shop/x has no selector (its endpoints are set by hand): no pods are its own' });
  });

  it('refuses what is not a label selector rather than show other pods (a value that would add terms, an unknown operator, an empty one)', () => {
    const cases: Array<Record<string, unknown>> = [
      { selector: { matchLabels: { app: 'web,!canary' } } },
      { selector: { matchLabels: { 'app in (a)': 'x' } } },
      { selector: { matchLabels: { app: 7 } } },
      { selector: { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] } },
      { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] } },
      { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a) ,x in (b'] }] } },
      { selector: { matchExpressions: 'tier' } },
      { selector: {} },
      {},
      { selector: { matchLabels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key-${i}-${'k'.repeat(40)}`, 'v'.repeat(40)])) } },
    ];
    for (const spec of cases) expect(podsOf(kind('deployments'), obj('Deployment', spec)), JSON.stringify(spec).slice(0, 80)).toMatchObject({ problem: expect.stringMatching(/^Deployment shop\/x: its selector /) });
    expect(podsOf(kind('services'), obj('Service', { selector: { app: 'a b' } }))).toMatchObject({ problem: expect.stringMatching(/not a label/) });
  });

  it('only workloads and Services drill to pods', () => {
    expect(['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'services'].every((k) => drillsToPods(kind(k)))).toBe(true);
    expect(['pods', 'configmaps', 'nodes', 'cronjobs', 'namespaces'].some((k) => drillsToPods(kind(k)))).toBe(false);
  });
});
