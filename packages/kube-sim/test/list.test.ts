import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { pod, raw, startSim, stopAll } from './helpers.js';

afterEach(stopAll);

interface ListBody {
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: Array<{ metadata: { name: string; namespace?: string } }>;
}

describe('list', () => {
  it('pages with limit/continue from one snapshot, even while objects change', async () => {
    const { sim, kc } = await startSim();
    for (let i = 0; i < 25; i++) sim.createObject(pod(`p-${String(i).padStart(2, '0')}`));
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.listNamespacedPod({ namespace: 'default', limit: 10 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual(Array.from({ length: 10 }, (_, i) => `p-${String(i).padStart(2, '0')}`));
    expect(first.metadata?.remainingItemCount).toBe(15);
    const rv = first.metadata?.resourceVersion;
    expect(rv).toBe(String(sim.store.rv));

    // Changes between pages do not show up: the token pins the snapshot.
    sim.deleteObject('v1', 'Pod', 'p-15');
    sim.createObject(pod('p-12a'));
    sim.patchObject('v1', 'Pod', 'p-20', 'default', { metadata: { labels: { changed: 'yes' } } });

    const second = await core.listNamespacedPod({ namespace: 'default', limit: 10, _continue: first.metadata?._continue });
    expect(second.metadata?.resourceVersion).toBe(rv);
    expect(second.items.map((p) => p.metadata?.name)).toEqual(Array.from({ length: 10 }, (_, i) => `p-${String(i + 10).padStart(2, '0')}`));
    expect(second.metadata?.remainingItemCount).toBe(5);
    const third = await core.listNamespacedPod({ namespace: 'default', limit: 10, _continue: second.metadata?._continue });
    expect(third.items).toHaveLength(5);
    const p20 = third.items.find((p) => p.metadata?.name === 'p-20');
    expect(p20).toBeDefined();
    expect(p20?.metadata?.labels?.['changed']).toBeUndefined();
    expect(third.metadata?._continue).toBeFalsy();
    expect(third.metadata?.remainingItemCount).toBeUndefined();

    const fresh = await core.listNamespacedPod({ namespace: 'default' });
    expect(fresh.items.map((p) => p.metadata?.name)).toContain('p-12a');
    expect(fresh.items.map((p) => p.metadata?.name)).not.toContain('p-15');
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(rv));
  });

  it('expires continue tokens with 410 and an inconsistent token that still works', async () => {
    const { sim } = await startSim();
    for (let i = 0; i < 6; i++) sim.createObject(pod(`p-${i}`));
    const first = (await raw(sim, 'GET', '/api/v1/namespaces/default/pods?limit=2')).json<ListBody>();
    sim.expireContinueTokens();
    const expired = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`);
    expect(expired.status).toBe(410);
    const st = expired.json<{ reason: string; code: number; message: string; metadata: { continue: string } }>();
    expect(st).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(st.message).toMatch(/^The provided continue parameter is too old/);
    const rest = (await raw(sim, 'GET', `/api/v1/namespaces/default/pods?limit=10&continue=${encodeURIComponent(st.metadata.continue)}`)).json<ListBody>();
    expect(rest.items.map((p) => p.metadata.name)).toEqual(['p-2', 'p-3', 'p-4', 'p-5']);
  });

  it('expires continue tokens after their TTL and after compaction', async () => {
    const { sim, kc } = await startSim({ config: { continueTtlMs: 0 } });
    for (let i = 0; i < 4; i++) sim.createObject(pod(`p-${i}`));
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.listNamespacedPod({ namespace: 'default', limit: 2 });
    await new Promise((r) => setTimeout(r, 5));
    const err = await core.listNamespacedPod({ namespace: 'default', limit: 2, _continue: first.metadata?._continue }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<string>).code).toBe(410);

    sim.configure({ continueTtlMs: 300_000 });
    const again = await core.listNamespacedPod({ namespace: 'default', limit: 2 });
    sim.createObject(pod('p-9'));
    sim.compact();
    const err2 = await core.listNamespacedPod({ namespace: 'default', limit: 2, _continue: again.metadata?._continue }).catch((e: unknown) => e);
    expect((err2 as ApiException<string>).code).toBe(410);
  });

  it('applies label and field selectors, and rejects unknown fields', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a', 'default', { app: 'web', tier: 'fe' }));
    sim.createObject(pod('b', 'default', { app: 'web', tier: 'be' }));
    sim.createObject(pod('c', 'default', { app: 'db' }));
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    sim.createObject(pod('d', 'other', { app: 'web' }));
    const core = kc.makeApiClient(CoreV1Api);
    const names = async (p: Promise<{ items: Array<{ metadata?: { name?: string } }> }>): Promise<string[]> => (await p).items.map((i) => i.metadata?.name ?? '');
    expect(await names(core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' }))).toEqual(['a', 'b']);
    expect(await names(core.listNamespacedPod({ namespace: 'default', labelSelector: 'app in (web,db),tier!=fe' }))).toEqual(['b', 'c']);
    expect(await names(core.listNamespacedPod({ namespace: 'default', labelSelector: '!tier' }))).toEqual(['c']);
    expect(await names(core.listNamespacedPod({ namespace: 'default', labelSelector: 'tier' }))).toEqual(['a', 'b']);
    expect(await names(core.listNamespacedPod({ namespace: 'default', labelSelector: 'tier notin (fe)' }))).toEqual(['b', 'c']);
    expect(await names(core.listPodForAllNamespaces({ labelSelector: 'app==web' }))).toEqual(['a', 'b', 'd']);
    expect(await names(core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace=other' }))).toEqual(['d']);
    expect(await names(core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending,metadata.name!=a' }))).toEqual(['b', 'c', 'd']);
    const bad = await core.listNamespacedPod({ namespace: 'default', fieldSelector: 'spec.bogus=1' }).catch((e: unknown) => e);
    expect((bad as ApiException<string>).code).toBe(400);
    expect(JSON.parse((bad as ApiException<string>).body).message).toContain('field label not supported: spec.bogus');
    // With selectors, pages carry no remainingItemCount.
    const page = await core.listPodForAllNamespaces({ labelSelector: 'app=web', limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.metadata?._continue).toBeTruthy();
    expect(page.metadata?.remainingItemCount).toBeUndefined();
  });

  it('follows resourceVersion semantics: Exact, too old, and continue with an RV', async () => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    const rv1 = sim.store.rv;
    sim.createObject(pod('b'));
    const exact = (await raw(sim, 'GET', `/api/v1/namespaces/default/pods?resourceVersion=${rv1}&resourceVersionMatch=Exact`)).json<ListBody>();
    expect(exact.metadata.resourceVersion).toBe(String(rv1));
    expect(exact.items.map((i) => i.metadata.name)).toEqual(['a']);
    // limit + RV without a match means Exact too.
    const limited = (await raw(sim, 'GET', `/api/v1/namespaces/default/pods?resourceVersion=${rv1}&limit=5`)).json<ListBody>();
    expect(limited.items.map((i) => i.metadata.name)).toEqual(['a']);
    // No limit: not older than, i.e. current.
    const nol = (await raw(sim, 'GET', `/api/v1/namespaces/default/pods?resourceVersion=${rv1}`)).json<ListBody>();
    expect(nol.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
    sim.compact();
    sim.createObject(pod('c'));
    const gone = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?resourceVersion=${rv1}&resourceVersionMatch=Exact`);
    expect(gone.status).toBe(410);
    const withCont = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?resourceVersion=${rv1}&continue=abc`);
    expect(withCont.status).toBe(400);
    const bad = await raw(sim, 'GET', '/api/v1/namespaces/default/pods?resourceVersionMatch=Exact');
    expect(bad.status).toBe(422);
  });

  it('answers 406 when only unsupported media types are acceptable', async () => {
    const { sim } = await startSim();
    const r = await raw(sim, 'GET', '/api/v1/pods', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect(r.status).toBe(406);
    expect(r.json()).toMatchObject({ reason: 'NotAcceptable' });
  });
});
