import { getHeapSpaceStatistics } from 'node:v8';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { IdleCompaction } from '../src/rpc/idle-compaction.js';
import { waitFor } from '../../../test/helpers/daemon-process.js';

const young = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

/** Short-lived objects, many of them surviving a scavenge or two: V8 grows the young generation. */
function churn(): number {
  let keep: Array<{ i: number; s: string }> = [];
  let n = 0;
  for (let i = 0; i < 3_000_000; i++) {
    keep.push({ i, s: `x${i}` });
    if (keep.length > 300_000) {
      n += keep.length;
      keep = [];
    }
  }
  return n;
}

describe('IdleCompaction', () => {
  it('gives the grown young generation back once idle, and not while busy', async () => {
    churn();
    const grown = young();
    expect(grown).toBeGreaterThan(8 * 1024 * 1024);
    const idle = new IdleCompaction(pino({ level: 'silent' }), 10);
    idle.idle();
    idle.busy(); // a connection arrived: nothing happens
    await new Promise((r) => setTimeout(r, 50));
    expect(idle.runs).toBe(0);
    idle.idle();
    await waitFor('the idle collection', () => idle.runs === 1);
    expect(young()).toBeLessThan(grown / 4);
  });
});
