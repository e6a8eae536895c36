import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { startSimWithConfig } from './sim-config.js';
import type { KubeConfig } from '../src/kube/kubeconfig.js';
import { listPages, metaFromHead } from '../src/kube/list-pages.js';

let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  await sim.addPods(2_500, 'pages');
});
afterAll(async () => {
  await sim?.stop();
});

describe('list pages', () => {
  it('reads the continue token from the head of an answer, before its items', () => {
    expect(metaFromHead('{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"abc","remainingItemCount":7},"items":[{"metadata":')).toEqual({
      resourceVersion: '12',
      continue: 'abc',
      remainingItemCount: 7,
    });
    expect(metaFromHead('{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12"},\n "items": [')).toEqual({ resourceVersion: '12' });
    expect(metaFromHead('{"kind":"PodList","metadata":{"resourceVersion":"1')).toBeNull();
    expect(metaFromHead('{"items":[],"metadata":{"continue":"x"}}')).toBeNull();
  });

  it('yields every item once, in order, each page asked for with the previous token', async () => {
    const seq0 = sim.journalEntries().reduce((m, e) => Math.max(m, e.seq), 0);
    const names: string[] = [];
    for await (const page of listPages(kc, '/api/v1/namespaces/pages/pods', { first: 500, limit: 1000, stopped: () => false })) {
      for (const it of page.items) names.push((it as { metadata: { name: string } }).metadata.name);
    }
    expect(names).toHaveLength(2_500);
    expect(names).toEqual([...names].sort());
    const asked = sim.journalEntries({ path: '/api/v1/namespaces/pages/pods', sinceSeq: seq0 }).map((e) => e.query.limit);
    expect(asked).toEqual(['500', '1000', '1000']);
  });

  it('stops when told, and a page fetched ahead is not left to fail unobserved', async () => {
    let pages = 0;
    for await (const page of listPages(kc, '/api/v1/namespaces/pages/pods', { first: 500, limit: 500, stopped: () => pages >= 1 })) {
      pages++;
      expect(page.items).toHaveLength(500);
    }
    expect(pages).toBe(1);
  });

  it('rejects with the API error of a page that fails', async () => {
    sim.injectError({ verb: 'list', resource: 'pods', status: 500, message: 'boom', count: 1 });
    const run = async (): Promise<void> => {
      for await (const _ of listPages(kc, '/api/v1/namespaces/pages/pods', { first: 500, limit: 500, stopped: () => false })) void _;
    };
    await expect(run()).rejects.toMatchObject({ status: 500, message: expect.stringContaining('boom') });
    sim.clearErrors();
  });
});
