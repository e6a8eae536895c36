import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '../src/kube/kubeconfig.js';
import type { KubeSim } from '@kubetile/kube-sim';
import { startSimWithConfig } from './sim-config.js';
import { Reflector } from '../src/kube/reflector.js';
import { createLogger } from '../src/logging/logger.js';

/**
 * A paged list whose continue tokens expire (410 Gone) while pods churn at 2,000 events/s: the
 * reflector starts the paged list over once, then lists without a limit, and converges. Before,
 * it started over once, failed, and did the same again after a backoff, for ever.
 */

const PODS = 6_000;
let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  await sim.addPods(PODS, 'churn');
});
afterAll(async () => {
  sim?.setEventRate(0);
  await sim?.stop();
});

function synced(r: Reflector, what: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (): boolean => r.state === 'synced' && !r.loading && r.stats.lists > 0;
    if (done()) return resolve();
    const t = setTimeout(() => {
      off();
      reject(new Error(`not synced within 90 s: ${what()}`));
    }, 90_000);
    const off = r.changed.subscribe(() => {
      if (!done()) return;
      clearTimeout(t);
      off();
      resolve();
    });
  });
}

describe('reflector list under churn', () => {
  it('falls back to a list without a limit when the paged list expires twice, and holds every pod', async () => {
    // Every continue token has expired by the time it is used (the list's snapshot fell out of the
    // server's history), as happens to a long paged list under heavy churn.
    sim.configure({ continueTtlMs: 1 });
    sim.setLatency({ ms: 5, verb: 'list' });
    sim.setEventRate(2000, 'churn');
    const seq0 = sim.journalEntries().reduce((m, e) => Math.max(m, e.seq), 0);
    const { logger } = createLogger({ level: 'error' });
    const r = new Reflector(kc, { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true }, 'churn', logger);
    r.start();
    const lists = () => sim.journalEntries({ path: '/api/v1/namespaces/churn/pods', method: 'GET', sinceSeq: seq0 }).filter((e) => e.query.watch === undefined);
    try {
      await synced(r, () => `state ${r.state} (${r.error}), ${r.store.size} objects, stats ${JSON.stringify(r.stats)}, lists ${JSON.stringify(lists().map((e) => [e.query, e.status]))}`);
      const names = new Set(r.store.sorted.map((e) => e.obj.metadata.name));
      const truth = sim.listObjects('v1', 'Pod', 'churn').map((o) => o.metadata.name);
      expect(names.size).toBe(truth.length);
      expect(truth.every((n) => names.has(n))).toBe(true);
      // What the server saw: a paged list expired, started over, expired again, then one list without a limit.
      const seen = lists();
      expect(seen.filter((e) => e.query.continue !== undefined && e.status === 410)).toHaveLength(2);
      expect(seen.filter((e) => e.query.limit === undefined)).toHaveLength(1);
      expect(r.stats.listsExpired).toBe(2);
    } finally {
      r.stop();
      sim.setEventRate(0);
      sim.setLatency(0);
      sim.configure({ continueTtlMs: 300_000 });
    }
  });
});
