import { describe, expect, it } from 'vitest';
import { dottedPath, firstLeafAt } from '../src/json-bounds.js';

const isBig = (v: unknown): boolean => typeof v === 'number' && v > 100;

describe('firstLeafAt', () => {
  it('finds the first matching leaf depth first, in key order, with its path', () => {
    const v = { a: 1, spec: { containers: [{ port: 80 }, { port: 101, other: 999 }] }, z: 500 };
    expect(firstLeafAt(v, isBig)).toEqual(['spec', 'containers', 1, 'port']);
    expect(dottedPath(firstLeafAt(v, isBig)!, '')).toBe('spec.containers[1].port');
  });

  it('the value itself as a leaf, and no match', () => {
    expect(firstLeafAt(101, isBig)).toEqual([]);
    expect(dottedPath([], '(the object)')).toBe('(the object)');
    expect(firstLeafAt({ a: [1, 2, { b: 3 }] }, isBig)).toBeNull();
    expect(firstLeafAt([[], {}, null], isBig)).toBeNull();
  });

  it('walks any depth without recursion, and looks no deeper than maxDepth when told', () => {
    let deep: unknown = 1000;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(firstLeafAt(deep, isBig)).toHaveLength(200_000);
    expect(firstLeafAt(deep, isBig, 64)).toBeNull();
    expect(firstLeafAt([[[1000]]], isBig, 3)).toEqual([0, 0, 0]);
    expect(firstLeafAt([[[1000]]], isBig, 2)).toBeNull();
  });
});
