import { describe, expect, it } from 'vitest';
import { LOG_FLOOR, ObjectStore } from '../src/kube/object-store.js';
import type { KubeObject } from '../src/kube/types.js';

const obj = (name: string, uid = `uid-${name}`, rv = '1'): KubeObject => ({ metadata: { name, namespace: 'ns', uid, resourceVersion: rv } });

describe('ObjectStore', () => {
  it('keeps namespace/name order under inserts, updates and removals', () => {
    const s = new ObjectStore();
    for (const n of ['c', 'a', 'b']) s.upsert(obj(n));
    expect(s.sorted.map((e) => e.obj.metadata.name)).toEqual(['a', 'b', 'c']);
    s.remove(obj('b'));
    s.upsert(obj('c', 'uid-c', '2'));
    expect(s.sorted.map((e) => e.obj.metadata.name)).toEqual(['a', 'c']);
    expect(s.get('uid-c')!.obj.metadata.resourceVersion).toBe('2');
  });
  it('namespaces: each namespace its objects are in, however their names sort against each other; null past the cap', () => {
    const s = new ObjectStore();
    const inNs = (ns: string, name: string): KubeObject => ({ metadata: { name, namespace: ns, uid: `${ns}/${name}`, resourceVersion: '1' } });
    // 'a-b' sorts before 'a' ('-' < '/'), 'a0' after it; several objects in each.
    for (const [ns, names] of [['a', ['x', 'y', 'z']], ['a-b', ['p', 'q']], ['a0', ['k']], ['zz', ['m', 'n', 'o', 'p']]] as const) for (const n of names) s.upsert(inNs(ns, n));
    expect([...s.namespaces(16)!].sort()).toEqual(['a', 'a-b', 'a0', 'zz']);
    expect(s.namespaces(4)).not.toBeNull();
    expect(s.namespaces(3)).toBeNull();
    expect(new ObjectStore().namespaces(16)).toEqual(new Set());
  });
  it('logs changes for incremental readers, including the entry a recreated object replaces', () => {
    const s = new ObjectStore();
    s.upsert(obj('a'));
    const at = s.seq;
    s.upsert(obj('b'));
    s.upsert(obj('a', 'uid-a', '2'));
    s.upsert(obj('b', 'uid-b2')); // same name, new UID: the old b goes, the new b comes
    s.remove(obj('a'));
    const changes = s.changesSince(at)!;
    expect(changes.map((c) => `${c.removed ? '-' : '+'}${c.entry.obj.metadata.uid}`)).toEqual(['+uid-b', '+uid-a', '-uid-b', '+uid-b2', '-uid-a']);
    expect(s.changesSince(s.seq)).toEqual([]);
  });
  it('a relist (replace) tells incremental readers to start over', () => {
    const s = new ObjectStore();
    s.upsert(obj('a'));
    const at = s.seq;
    s.replace([obj('a'), obj('z')]);
    expect(s.changesSince(at)).toBeNull();
    expect(s.changesSince(s.seq)).toEqual([]);
    expect(s.sorted.map((e) => e.obj.metadata.name)).toEqual(['a', 'z']);
  });
  it('appendPage merges pages in any order into namespace/name order, skips objects it holds, and restarts readers', () => {
    const s = new ObjectStore();
    s.appendPage([obj('m'), obj('c')]);
    const at = s.seq;
    s.appendPage([obj('z'), obj('a'), obj('c'), obj('n')]);
    expect(s.sorted.map((e) => e.obj.metadata.name)).toEqual(['a', 'c', 'm', 'n', 'z']);
    expect(s.size).toBe(5);
    expect(s.changesSince(at)).toBeNull();
    const big = Array.from({ length: 150_000 }, (_, i) => obj(`p-${String(i).padStart(6, '0')}`));
    s.appendPage(big);
    expect(s.size).toBe(150_005);
    s.replace(big);
    expect(s.size).toBe(150_000);
  });
  it('keeps a change log as long as the store is big (at least LOG_FLOOR): a small list under churn holds no 50,000 deleted objects', () => {
    const churn = (s: ObjectStore, n: number): void => {
      for (let i = 0; i < n; i++) {
        s.upsert(obj(`churn-${i}`));
        s.remove(obj(`churn-${i}`));
      }
    };
    const small = new ObjectStore();
    for (let i = 0; i < 10; i++) small.upsert(obj(`p${i}`));
    churn(small, 15_000);
    // Before: every one of the last 50,000 changes (25,000 deleted objects) was held.
    expect(small.changesSince(small.seq - LOG_FLOOR - 1)).toBeNull();
    expect(small.changesSince(small.seq - LOG_FLOOR / 2)).toHaveLength(LOG_FLOOR / 2);

    const big = new ObjectStore();
    for (let i = 0; i < 20_000; i++) big.upsert(obj(`p${String(i).padStart(5, '0')}`));
    churn(big, 15_000);
    // A big store's readers keep as far back as half its size at least.
    expect(big.changesSince(big.seq - 10_000)).toHaveLength(10_000);
    expect(big.changesSince(big.seq - 20_001)).toBeNull();
  });
});
