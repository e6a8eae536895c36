import { describe, expect, it } from 'vitest';
import { resolveName } from '../../src/kube/aliases.js';
import type { DiscoveredResource } from '../../src/kube/discovery.js';
import { evaluateJsonPath } from '../../src/kube/kinds/jsonpath.js';
import { printerCell } from '../../src/kube/kinds/printer-columns.js';
import { refOf, resolveKind } from '../../src/panes/resource/kind-resolution.js';

/**
 * A hostile cluster's custom resources named like the built-ins: what `:` resolves a name to, which resource
 * a list made from discovery asks for, and printer-column paths into huge arrays.
 */

const r = (group: string, plural: string, kind: string, shortNames: string[] = []): DiscoveredResource => ({ group, version: 'v1', plural, kind, namespaced: true, shortNames });

// As a hostile server could list them: the custom group before `apps`.
const RESOURCES: DiscoveredResource[] = [
  r('', 'pods', 'Pod', ['po']),
  r('', 'services', 'Service', ['svc']),
  r('evil.example.com', 'evilpods', 'EvilPod', ['pods', 'deployments', 'service', 'deploy']),
  r('evil.example.com', 'po', 'Po'),
  r('evil.example.com', 'svcs', 'Svc'),
  r('apps', 'deployments', 'Deployment', ['deploy']),
  r('example.com', 'widgets', 'Widget', ['wg']),
  r('other.example.com', 'gadgets', 'Gadget', ['widgets']),
];

const hit = (q: string): string | null => {
  const h = resolveName(q, RESOURCES);
  return h ? `${h.resource.plural}.${h.resource.group || 'core'}/${h.via}` : null;
};

describe('`:` names a custom resource shares with the built-ins', () => {
  it('a short name that is a built-in plural or singular does not take the built-in', () => {
    expect(hit('pods')).toBe('pods.core/plural');
    expect(hit('service')).toBe('services.core/singular');
    expect(hit('deployments')).toBe('deployments.apps/plural');
  });
  it('a custom plural or kind that is a built-in short name does not take it either', () => {
    expect(hit('po')).toBe('pods.core/short');
    expect(hit('svc')).toBe('services.core/short');
    expect(hit('deploy')).toBe('deployments.apps/short');
  });
  it('the custom resources are reached by name.group, and a plural beats another custom short name', () => {
    expect(hit('po.evil.example.com')).toBe('po.evil.example.com/plural');
    expect(hit('pods.evil.example.com')).toBe('evilpods.evil.example.com/short');
    expect(hit('widgets')).toBe('widgets.example.com/plural');
    expect(hit('wg')).toBe('widgets.example.com/short');
  });
});

describe('the switcher naming 10,000 discovered resources', () => {
  it("resolves every resource's plural (as it does each time it opens) without scanning the list per name", () => {
    // Reads of the names counted: a scan per name read them 3,000 × 3,000 times (10 s of a stalled daemon at 10,000).
    let reads = 0;
    const counted = (group: string, plural: string, kind: string, shortNames: string[]): DiscoveredResource => {
      const base = r(group, plural, kind, shortNames);
      return Object.defineProperties({ ...base }, {
        plural: { get: () => (reads++, plural), enumerable: true },
        kind: { get: () => (reads++, kind), enumerable: true },
        shortNames: { get: () => (reads++, shortNames), enumerable: true },
      });
    };
    const N = 3000;
    const many = [counted('', 'pods', 'Pod', ['po'])];
    for (let i = 0; i < N; i++) many.push(counted(`g${i % 300}.example.com`, `things${i}`, `Thing${i}`, [`t${i}`]));
    many.push(counted('last.example.com', 'pods', 'Pod', ['lp']));
    const names = many.map((x) => x.plural);
    reads = 0;
    const owners = names.map((n) => resolveName(n, many)?.resource);
    expect(owners[0]).toBe(many[0]);
    expect(owners[N]).toBe(many[N]);
    expect(owners[N + 1]).toBe(many[0]); // `pods` is the core group's
    expect(resolveName('lp', many)?.resource).toBe(many[N + 1]);
    expect(resolveName('pods.last.example.com', many)?.resource).toBe(many[N + 1]);
    expect(reads).toBeLessThan(10 * many.length);
  });
});

describe('a list made from discovery of a custom resource whose plural is a built-in short name', () => {
  it('asks for that plural in its group, not the built-in plural', () => {
    // What the `:` switcher makes for `po.evil.example.com` (plural `po`, kind Po).
    expect(refOf(resolveKind({ kind: 'po', group: 'evil.example.com', version: 'v1', namespaced: true, kindName: 'Po' }))).toMatchObject({
      group: 'evil.example.com',
      version: 'v1',
      plural: 'po',
      kind: 'Po',
    });
    expect(refOf(resolveKind({ kind: 'deploy', group: 'evil.example.com', version: 'v2', namespaced: false, kindName: 'Deploy' }))).toMatchObject({
      group: 'evil.example.com',
      plural: 'deploy',
      kind: 'Deploy',
      namespaced: false,
    });
    // A built-in at another version of its own group keeps the built-in's plural.
    expect(refOf(resolveKind({ kind: 'deploy', group: 'apps', version: 'v1beta2' }))).toMatchObject({ group: 'apps', version: 'v1beta2', plural: 'deployments' });
  });
});

describe('printer-column paths into huge values', () => {
  it('[*] over a 300,000-element array selects its first values and the cell shows the first', () => {
    const items = Array.from({ length: 300_000 }, (_, i) => ({ name: `n${i}` }));
    const obj = { spec: { items, zeros: new Array<number>(300_000).fill(7) } };
    const all = evaluateJsonPath(obj, '.spec.items[*].name');
    expect(all.length).toBe(1000);
    expect(all[0]).toBe('n0');
    expect(evaluateJsonPath(obj, '.spec.zeros[*]')[0]).toBe(7);
    expect(printerCell(obj, { name: 'First', type: 'string', jsonPath: '.spec.items[*].name' }, Date.now())).toBe('n0');
    expect(printerCell(obj, { name: 'Z', type: 'integer', jsonPath: '.spec.zeros[*]' }, Date.now())).toBe('7');
  });
  it('[*] over an object of 300,000 keys, and a filter over a huge array, select their first values', () => {
    const map: Record<string, number> = {};
    for (let i = 0; i < 300_000; i++) map[`k${i}`] = i;
    expect(evaluateJsonPath({ m: map }, '.m[*]').slice(0, 2)).toEqual([0, 1]);
    const conds = Array.from({ length: 300_000 }, (_, i) => ({ type: 'Ready', status: String(i) }));
    const ready = evaluateJsonPath({ c: conds }, '.c[?(@.type=="Ready")].status');
    expect(ready.length).toBe(1000);
    expect(ready[0]).toBe('0');
  });
});
