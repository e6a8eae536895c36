import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../src/kube/object-store.js';
import type { KubeObject } from '../../src/kube/types.js';

/**
 * An API server that sends an object's uid again under another name (uids reused after a restore, a
 * broken aggregated API): the store keeps its namespace/name order, so every row stays findable and
 * none is replaced by an object of another name.
 */
const obj = (name: string, uid: string, ns = 'ns'): KubeObject => ({ metadata: { name, namespace: ns, uid, resourceVersion: '1' } });
const names = (s: ObjectStore): string[] => s.sorted.map((e) => `${e.obj.metadata.namespace}/${e.obj.metadata.name}`);

describe('a uid that comes back under another name', () => {
  it('moves the row to its place; a later object of the old name is added, the renamed one stays', () => {
    const s = new ObjectStore();
    for (const [n, u] of [['a', 'U1'], ['b', 'U2'], ['c', 'U3']] as const) s.upsert(obj(n, u));
    s.upsert(obj('z', 'U1'));
    expect(names(s)).toEqual(['ns/b', 'ns/c', 'ns/z']);
    s.upsert(obj('a', 'U4'));
    expect(names(s)).toEqual(['ns/a', 'ns/b', 'ns/c', 'ns/z']);
    expect(s.get('U1')!.obj.metadata.name).toBe('z');
    expect(s.size).toBe(4);
    s.remove(obj('z', 'U1'));
    expect(names(s)).toEqual(['ns/a', 'ns/b', 'ns/c']);
  });

  it('another namespace too, and incremental readers are told of the move', () => {
    const s = new ObjectStore();
    s.upsert(obj('a', 'U1', 'ns1'));
    s.upsert(obj('b', 'U2', 'ns1'));
    const at = s.seq;
    s.upsert(obj('a', 'U1', 'ns0'));
    expect(names(s)).toEqual(['ns0/a', 'ns1/b']);
    expect(s.changesSince(at)!.map((c) => `${c.removed ? '-' : '+'}${c.entry.key}`)).toEqual(['-ns1/a', '+ns0/a']);
  });
});
