import { describe, expect, it } from 'vitest';
import { findKind } from '../src/kube/kinds/index.js';
import type { KubeObject } from '../src/kube/types.js';
import { drillsToPods, podsOf } from '../src/panes/resource/drill-down.js';
import { compileFilter, selectedBy } from '../src/panes/resource/row-filter.js';
import { backView, drillDownArgs, ownerListArgs, returningTab, tabNamespaceBack } from '../src/panes/resource/list-jump.js';

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

describe('the way back of a drill-down that moved the tab', () => {
  const from = { args: { kind: 'deployments' }, state: {}, selectedUid: 'dep-1' };
  const drilled = returningTab({ kind: 'pods', back: { kind: 'deployments', selectUid: 'dep-1' } }, '*', 'shop');

  it('moves the tab back only while it is where the drill put it', () => {
    expect(tabNamespaceBack(drilled['back'], 'shop')).toBe('*');
    expect(tabNamespaceBack(drilled['back'], 'default')).toBeNull();
    // The list it goes back to is not told about the move.
    expect(backView(drilled['back'])).toEqual({ key: 'resource-list', args: { kind: 'deployments', selectUid: 'dep-1' } });
  });

  it('keeps each step of a chain: its row and its move of the tab', () => {
    // pods (drilled) → shift+j → a ReplicaSet list: its way back is the pods list, whose own way back is the drill's.
    const rs = ownerListArgs({ ref: { plural: 'replicasets', group: 'apps', version: 'v1', namespaced: true, kind: 'ReplicaSet' }, name: 'web-1', namespace: 'shop', uid: 'rs-1' }, { args: drilled, state: {}, selectedUid: 'pod-1' });
    const podsBack = backView(rs['back']);
    expect(podsBack?.args['selectUid']).toBe('pod-1');
    const depsBack = (podsBack!.args['back'] ?? null) as Record<string, unknown> | null;
    expect(depsBack?.['selectUid']).toBe('dep-1');
    expect(tabNamespaceBack(depsBack, 'shop')).toBe('*');
    expect(drillDownArgs('pods', from)['back']).toEqual({ kind: 'deployments', selectUid: 'dep-1' });
  });

  it('a hostile move (pane/open args are anyone\'s) moves nothing', () => {
    for (const bad of [{ from: '../etc', to: 'shop' }, { from: '*', to: 'a'.repeat(64) }, { from: 7, to: 'shop' }, 'shop', null, [], { from: 'Shop', to: 'shop' }]) {
      expect(tabNamespaceBack({ kind: 'deployments', tabNamespace: bad }, 'shop')).toBeNull();
    }
    // Nor does the move ride into the list's args.
    expect(backView({ kind: 'deployments', tabNamespace: { from: '*', to: 'shop' } })?.args).toEqual({ kind: 'deployments' });
  });
});

describe("a drill-down's selector under a typed filter", () => {
  const pod = (name: string, app: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: name, resourceVersion: '1', labels: { app } } });
  const keeps = (f: ReturnType<typeof selectedBy>, o: KubeObject): boolean => (f.match ? f.match(o, () => o.metadata.name, () => []) : true);

  it('keeps the selected pods whatever is typed, and the typed filter narrows within them', () => {
    const f = selectedBy(compileFilter('1'), '-l app=web');
    expect([pod('web-1', 'web'), pod('web-2', 'web'), pod('api-1', 'api')].filter((o) => keeps(f, o)).map((o) => o.metadata.name)).toEqual(['web-1']);
    expect(selectedBy(compileFilter(''), '-l app=web').key).not.toBe(selectedBy(compileFilter(''), '-l app=api').key);
  });

  it('a drillFilter that is no selector (args are anyone\'s) keeps nothing and says why', () => {
    for (const bad of ['app=web', '-l app in (', '']) {
      const f = selectedBy(compileFilter(''), bad);
      expect(keeps(f, pod('web-1', 'web'))).toBe(false);
      expect(f.error).toMatch(/label selector/);
    }
  });
});
