import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { InformerPool } from '../../src/kube/informer-pool.js';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { createLogger } from '../../src/logging/logger.js';
import { simWithPod } from '../query/sim-pod.js';
import { waitFor } from '../../../../test/helpers/daemon-process.js';

/**
 * "Every namespace" and a namespace named `*` are two readers. The pool keyed the first as `*`: a
 * caller that passed the tab's `*` on as a namespace (a plugin host function did) made a reader that
 * fails — and every all-namespaces list then shared it and showed its error.
 */

let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await simWithPod('shop', { name: 'web', container: { name: 'main', image: 'nginx' } }));
});
afterAll(async () => {
  await sim?.stop();
});

const pods = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

describe('the informer pool', () => {
  it('keeps a reader of namespace "*" apart from the all-namespaces one', async () => {
    const pool = new InformerPool(() => kc, createLogger({ level: 'silent' }).logger);
    const star = pool.acquire('sim', pods, '*');
    const all = pool.acquire('sim', pods, null);
    try {
      expect(all.reflector).not.toBe(star.reflector);
      await waitFor('the all-namespaces reader synced', () => all.reflector.state === 'synced' && all.reflector.store.size === 1);
      expect(all.reflector.store.sorted.map((e) => e.obj.metadata.name)).toEqual(['web']);
    } finally {
      star.release();
      all.release();
      pool.stopAll();
    }
  });
});
