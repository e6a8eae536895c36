import { afterEach, describe, expect, it } from 'vitest';
import { UsagePool } from '../../src/kube/usage-pool.js';
import { USAGE_MAX_NAMESPACES, UsageSet } from '../../src/kube/usage-set.js';

/**
 * Which namespaces' pollers a node's pods list holds, counted in the shared pool (the pollers' reads
 * fail at once here: no cluster; what is held is the point). Times are given, not waited for.
 */
describe("UsageSet: the namespaces a node's pods read usage from", () => {
  const pool = new UsagePool(() => {
    throw new Error('no cluster in this test');
  });
  afterEach(() => pool.stopAll());

  it('holds one poller per namespace, for as long as its pods are there; a namespace left behind lingers 15 s, then goes; back meanwhile, it is the same one', () => {
    const set = new UsageSet(pool, 'ctx', () => undefined);
    set.select(new Set(['shop', 'pay']), 0);
    expect(pool.size).toBe(2);
    const v = set.version;
    // pay's pod went: pay is still read a while (a pod that comes and goes is not a read each time).
    set.select(new Set(['shop']), 1_000);
    expect(pool.size).toBe(2);
    set.select(new Set(['shop', 'pay']), 5_000);
    expect(set.version).toBe(v);
    set.select(new Set(['shop']), 6_000);
    expect(set.prune(19_999)).toBe(false);
    expect(set.prune(20_000)).toBe(true);
    expect(pool.size).toBe(1);
    // Pods that stay where they are keep their namespace read, however long nothing changes.
    expect(set.prune(600_000)).toBe(false);
    expect(pool.size).toBe(1);
    set.release();
    expect(pool.size).toBe(0);
  });

  it(`more than ${USAGE_MAX_NAMESPACES} namespaces, lingering ones counted: one poller of every namespace, from then on`, () => {
    const set = new UsageSet(pool, 'ctx', () => undefined);
    // Pods passing through namespace after namespace, each gone before the next comes.
    for (let i = 0; i <= USAGE_MAX_NAMESPACES; i++) set.select(new Set([`ns-${i}`]), i * 100);
    expect(pool.size).toBe(1);
    set.select(new Set(['shop']), 60_000);
    expect(pool.size).toBe(1);
    set.release();
    expect(pool.size).toBe(0);
  });
});
