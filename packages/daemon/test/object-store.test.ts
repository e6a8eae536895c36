import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../src/kube/object-store.js';
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
});
