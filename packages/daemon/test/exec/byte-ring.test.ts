import { describe, expect, it } from 'vitest';
import { ByteRing } from '../../src/panes/exec/byte-ring.js';

const bytes = (from: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

/** Reads everything out in pieces of at most `max`, consuming each. */
function drain(r: ByteRing, max: number): number[] {
  const out: number[] = [];
  for (let p = r.peek(max); p.length > 0; p = r.peek(max)) {
    out.push(...p);
    r.consume(p.length);
  }
  return out;
}

describe('ByteRing', () => {
  it('gives back exactly the bytes pushed, in order, across the wrap and through growth', () => {
    // Random pushes and partial reads against a plain array as the model.
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const r = new ByteRing(64);
    const model: number[] = [];
    let next = 0;
    for (let step = 0; step < 5000; step++) {
      if (rnd(3) > 0) {
        const n = rnd(rnd(10) === 0 ? 300 : 40);
        const b = bytes(next, n);
        next += n;
        r.push(b);
        model.push(...b);
      } else {
        const p = r.peek(1 + rnd(50));
        expect([...p]).toEqual(model.slice(0, p.length));
        const k = rnd(p.length + 1);
        r.consume(k);
        model.splice(0, k);
      }
      expect(r.length).toBe(model.length);
    }
    expect(drain(r, 17)).toEqual(model);
    expect(r.length).toBe(0);
  });

  it('holds a copy: changing the pushed buffer afterwards changes nothing', () => {
    const r = new ByteRing(16);
    const b = bytes(1, 8);
    r.push(b);
    b.fill(0);
    expect([...r.peek(8)]).toEqual([...bytes(1, 8)]);
  });

  it('a piece being read stays intact while more is pushed and the buffer grows', () => {
    const r = new ByteRing(16);
    r.push(bytes(0, 12));
    const piece = r.peek(10);
    r.push(bytes(12, 100)); // grows
    expect([...piece]).toEqual([...bytes(0, 10)]);
    r.consume(piece.length);
    expect(drain(r, 1000)).toEqual([...bytes(10, 102)]);
  });

  it('returns to its usual size once a burst has drained', () => {
    const r = new ByteRing(16);
    r.push(bytes(0, 1000));
    expect(r.capacity).toBeGreaterThanOrEqual(1000);
    drain(r, 64);
    expect(r.capacity).toBe(16);
  });
});
