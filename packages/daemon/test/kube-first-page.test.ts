import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '../src/kube/kubeconfig.js';
import type { KubeSim } from '@kubetile/kube-sim';
import { startSimWithConfig } from './sim-config.js';
import { Reflector } from '../src/kube/reflector.js';
import { createLogger } from '../src/logging/logger.js';

/** A first list is shown page by page: the first rows while the rest loads, with how far it got. */

let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  await sim.addPods(12_000, 'big');
});
afterAll(async () => {
  await sim?.stop();
});

describe('reflector first list', () => {
  it('fills the store page by page, says how many are loaded of how many, then watches', async () => {
    const { logger } = createLogger({ level: 'error' });
    const r = new Reflector(kc, { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true }, 'big', logger);
    const seen: Array<{ size: number; loading: { loaded: number; total: number | null } | null; state: string }> = [];
    r.changed.subscribe(() => seen.push({ size: r.store.size, loading: r.loading && { ...r.loading }, state: r.state }));
    r.start();
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`not synced: ${JSON.stringify(seen.slice(-3))}`)), 60_000);
        const off = r.changed.subscribe(() => {
          if (r.state === 'synced' && !r.loading) {
            clearTimeout(t);
            off();
            resolve();
          }
        });
      });
      // The first page is shown at once; later pages are told at most a few times a second (how
      // many depends on the machine's speed).
      const partial = seen.filter((s) => s.loading !== null);
      expect(partial.length).toBeGreaterThanOrEqual(1);
      expect(partial[0]!.size).toBe(500);
      expect(partial[0]!.loading).toEqual({ loaded: 500, total: 12_000 });
      expect(partial[0]!.state).not.toBe('synced');
      expect(r.store.size).toBe(12_000);
      const keys = r.store.sorted.map((e) => e.key);
      expect(keys).toEqual([...keys].sort());
      expect(new Set(keys).size).toBe(12_000);
    } finally {
      r.stop();
    }
  });
});
