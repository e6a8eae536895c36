import type { ApiConfig as KubeConfig } from './api-config.js';
import { randomBytes } from 'node:crypto';
import { KubeApiError } from './api-error.js';
import { kubeRequest } from './kube-http.js';
import type { KubeObject } from './types.js';

/**
 * Ephemeral debug containers, as `kubectl debug -it POD --image=IMAGE --target=CONTAINER` adds them: a strategic
 * merge patch of the pod's `ephemeralcontainers` subresource (Kubernetes 1.23+; 1.16–1.22 only with the
 * EphemeralContainers feature gate). Where the API server does not serve it, a clear message says so.
 */

export const DEFAULT_DEBUG_IMAGE = 'busybox:1.36';
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/;

export function badImage(image: string): string | null {
  return IMAGE.test(image) ? null : `'${image.slice(0, 80)}' is not an image reference (e.g. busybox:1.36, ghcr.io/org/tools@sha256:…)`;
}

/** Whether the API server serves pods/ephemeralcontainers (its core discovery document). */
export async function ephemeralContainersServed(kc: KubeConfig): Promise<boolean> {
  const list = await kubeRequest<{ resources?: Array<{ name?: unknown }> }>(kc, { path: '/api/v1' });
  return (list?.resources ?? []).some((r) => r?.name === 'pods/ephemeralcontainers');
}

export const UNSUPPORTED =
  'this API server does not serve pods/ephemeralcontainers (Kubernetes 1.23 and later do; 1.16–1.22 only with the EphemeralContainers feature gate), so no debug container can be added; try debug mode (ctrl+alt+d) or exec (e)';

export function debugContainerName(pod: KubeObject): string {
  const taken = new Set<string>();
  for (const f of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = pod.spec?.[f];
    if (Array.isArray(list)) for (const c of list) if (typeof (c as { name?: unknown })?.name === 'string') taken.add((c as { name: string }).name);
  }
  for (;;) {
    const name = `debugger-${randomBytes(3).toString('hex').slice(0, 5)}`;
    if (!taken.has(name)) return name;
  }
}

/** Adds the debug container to exactly the pod read (its uid checked by the caller); returns its name. */
export async function addDebugContainer(kc: KubeConfig, pod: KubeObject, image: string, target: string | null): Promise<string> {
  const ns = pod.metadata.namespace ?? '';
  const name = debugContainerName(pod);
  const container: Record<string, unknown> = { name, image, stdin: true, tty: true, terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' };
  if (target) container['targetContainerName'] = target;
  try {
    await kubeRequest(kc, {
      method: 'PATCH',
      path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod.metadata.name)}/ephemeralcontainers`,
      contentType: 'application/strategic-merge-patch+json',
      body: { metadata: { uid: pod.metadata.uid }, spec: { ephemeralContainers: [container] } },
    });
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 404 || err.status === 405) && !/pods? ".*" not found/i.test(err.message)) throw new KubeApiError(UNSUPPORTED, err.status, 'NotServed');
    throw err;
  }
  return name;
}
