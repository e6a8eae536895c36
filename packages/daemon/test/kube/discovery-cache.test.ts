import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { startSimWithConfig } from '../sim-config.js';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { DiscoveryCache } from '../../src/kube/discovery-cache.js';
import { resolvePlural } from '../../src/kube/aliases.js';
import { crd } from '../../../../test/helpers/crd.js';

/** The one discovery cache the `:` switcher and plugins' names share, against kube-sim's real discovery. */

let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  sim.createObject(crd({ plural: 'pods', group: 'evil.example.com', kind: 'Pod' }));
});
afterAll(async () => {
  await sim?.stop();
});

const discoveries = (since: number): number => sim.journalEntries({ path: '/apis', method: 'GET', sinceSeq: since }).filter((e) => e.path === '/apis').length;
const lastSeq = (): number => sim.journalEntries().at(-1)?.seq ?? 0;

describe('DiscoveryCache', () => {
  it('one discovery for callers at once and for a minute after; forget reads it again', async () => {
    const cache = new DiscoveryCache(() => kc);
    const seq = lastSeq();
    const [x, y] = await Promise.all([cache.get('ctx'), cache.get('ctx')]);
    expect(x).toBe(y);
    expect(await cache.get('ctx')).toBe(x);
    expect(cache.last('ctx')).toBe(x);
    expect(discoveries(seq)).toBe(1);
    cache.forget('ctx');
    expect(cache.last('ctx')).toBeUndefined();
    await cache.get('ctx');
    expect(discoveries(seq)).toBe(2);
  });

  it('a discovery running when the context is forgotten does not store the old cluster\'s list', async () => {
    const cache = new DiscoveryCache(() => kc);
    const p = cache.get('ctx');
    cache.forget('ctx');
    await p;
    expect(cache.last('ctx')).toBeUndefined();
  });

  it('a failure is given again for 5 s to callers that do not retry; a retry asks at once', async () => {
    let broken = true;
    const cache = new DiscoveryCache(() => {
      if (broken) throw new Error('no route to the API server');
      return kc;
    });
    await expect(cache.get('ctx')).rejects.toThrow('no route to the API server');
    broken = false;
    await expect(cache.get('ctx')).rejects.toThrow('no route to the API server');
    const list = await cache.get('ctx', { retry: true });
    expect(list.length).toBeGreaterThan(10);
    expect(cache.last('ctx')).toBe(list);
  });

  it("a plural served by a custom group too is the core one; the custom one is named with its group", async () => {
    const list = await new DiscoveryCache(() => kc).get('ctx');
    expect(resolvePlural('pods', list)).toMatchObject({ group: '', kind: 'Pod' });
    expect(resolvePlural('pods.evil.example.com', list)).toMatchObject({ group: 'evil.example.com', kind: 'Pod' });
    expect(resolvePlural('po', list)).toBeNull();
  });
});
