import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { kubeRequest } from '../../src/kube/kube-http.js';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { deleteObject, objectPath } from '../../src/kube/mutations.js';
import type { ObjectRef } from '../../src/kube/object-ref.js';
import { simWithPod } from '../query/sim-pod.js';

/**
 * An object named `..` (listed by a hostile or broken API server, or named by a script) is no
 * object: `…/pods/..` is the Namespace to anything that cleans paths — kube-sim does, as would a proxy
 * in front of a real API server. A delete of that "pod" deleted the namespace and everything in it.
 */

let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await simWithPod('shop', { name: 'web', container: { name: 'main', image: 'nginx' } }));
});
afterAll(async () => {
  await sim?.stop();
});

const pod = (name: string, namespace = 'shop'): ObjectRef => ({ kind: 'Pod', kindId: 'pods', group: '', version: 'v1', plural: 'pods', namespaced: true, name, namespace, context: 'sim' });
const namespaceThere = async (): Promise<boolean> => (await kubeRequest<{ metadata: { name: string } }>(kc, { path: '/api/v1/namespaces/shop' })).metadata.name === 'shop';

describe('names that are path segments of another object', () => {
  it('a delete of a pod named .. or . is refused before any request, and the namespace stays', async () => {
    for (const name of ['..', '.']) {
      await expect(deleteObject(kc, pod(name))).rejects.toThrow(`refusing to build a request: name ${JSON.stringify(name)} is not an object name`);
      expect(() => objectPath(pod(name))).toThrow('is not an object name');
    }
    expect(await namespaceThere()).toBe(true);
    expect((await kubeRequest<{ items: unknown[] }>(kc, { path: '/api/v1/namespaces/shop/pods' })).items).toHaveLength(1);
  });

  it('no request goes out with a . or .. segment, whatever built the path (subresources too)', async () => {
    for (const path of ['/api/v1/namespaces/shop/pods/../exec', '/api/v1/namespaces/shop/pods/..', '/api/v1/namespaces/./pods', '/api/v1/namespaces/shop/pods/web/..']) {
      await expect(kubeRequest(kc, { method: 'DELETE', path })).rejects.toThrow('has a "." or ".." path segment');
    }
    // Dots inside names and query values are fine.
    expect((await kubeRequest<{ metadata: { name: string } }>(kc, { path: '/api/v1/namespaces/shop/pods/web' })).metadata.name).toBe('web');
    expect((await kubeRequest<{ items: unknown[] }>(kc, { path: '/api/v1/namespaces/shop/pods', query: { labelSelector: 'app notin (a.b)' } })).items).toBeDefined();
    expect(await namespaceThere()).toBe(true);
  });
});
