import type { ApiConfig as KubeConfig } from './api-config.js';
import { createHash, randomBytes } from 'node:crypto';
import { KubeApiError } from './api-error.js';
import { kubeRequest } from './kube-http.js';
import type { KubeObject } from './types.js';

/**
 * k9s's "node shell": a privileged pod pinned to the node (host PID, network and IPC namespaces, the node's `/` at
 * `/host`, every taint tolerated) that an exec pane opens a shell in. Its `zsh` and `bash` on the PATH are a small
 * wrapper that `chroot`s into `/host` (the node's own shell), so the exec pane's usual shell choice lands on the
 * node; `sh` stays the container's. The pod is deleted when the pane closes (and when the daemon stops).
 */

export const NODE_SHELL_LABEL = 'kubetile.io/node-shell';
/**
 * Which daemon made a node-shell pod (a hash of the host, the user and the daemon's state dir): a
 * daemon that died (kill -9, a crash) cannot delete its pods, so the next one on the same state
 * removes those it finds before it makes any, and never anyone else's.
 */
export const NODE_SHELL_OWNER_LABEL = 'kubetile.io/owner';
export const NODE_SHELL_CONTAINER = 'shell';

/** The script the container runs: the chroot wrappers, then sleep until it is told to stop. */
const SETUP = [
  'mkdir -p /kubetile/bin',
  `printf '%s\\n' '#!/bin/sh' 'for s in /bin/bash /usr/bin/bash /bin/sh /usr/bin/sh; do [ -x "/host$s" ] && exec chroot /host "$s" -l; done' 'echo "kubetile: no shell on the node; this is the node-shell container (the node is at /host)"' 'exec /bin/sh' > /kubetile/bin/node-shell`,
  'chmod 755 /kubetile/bin/node-shell',
  'ln -sf node-shell /kubetile/bin/zsh',
  'ln -sf node-shell /kubetile/bin/bash',
  "trap 'exit 0' TERM INT",
  'while :; do sleep 3600 & wait $!; done',
].join(' && ');

/** A pod name for `node`: `kubetile-node-shell-<node, cut>-<5 random>`, a valid DNS label. */
export function nodeShellPodName(node: string): string {
  return `${nodeShellPodPrefix(node)}${randomBytes(3).toString('hex').slice(0, 5)}`;
}

/** What every node-shell pod name for `node` starts with (the confirmation names it: the pod made must be the one it said). */
export function nodeShellPodPrefix(node: string): string {
  const stem = node.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '') || 'node';
  return `kubetile-node-shell-${stem}-`;
}

export function nodeShellPod(node: string, namespace: string, image: string, owner: string, name = nodeShellPodName(node)): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: '',
      labels: { [NODE_SHELL_LABEL]: 'true', [NODE_SHELL_OWNER_LABEL]: owner, 'app.kubernetes.io/managed-by': 'kubetile' },
      annotations: { 'kubetile.io/node': node },
    },
    spec: {
      nodeName: node,
      hostPID: true,
      hostNetwork: true,
      hostIPC: true,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: NODE_SHELL_CONTAINER,
          image,
          command: ['sh', '-c', SETUP],
          env: [{ name: 'PATH', value: '/kubetile/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }],
          stdin: true,
          tty: true,
          securityContext: { privileged: true, runAsUser: 0 },
          volumeMounts: [{ name: 'host', mountPath: '/host' }],
        },
      ],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    },
  };
}

/** What the confirmation says will be created. */
export function describeNodeShell(node: string, namespace: string, image: string): string {
  return (
    `Open a shell on node ${node}? This creates pod ${nodeShellPodPrefix(node)}… in namespace ${namespace}: ` +
    `image ${image}, privileged, host PID/network/IPC, the node's / at /host, scheduled on ${node} whatever its taints. ` +
    `The pod is deleted when the pane closes.`
  );
}

export async function createNodeShellPod(kc: KubeConfig, node: string, namespace: string, image: string, owner: string): Promise<KubeObject> {
  const body = nodeShellPod(node, namespace, image, owner);
  delete (body.metadata as { uid?: string }).uid;
  return kubeRequest<KubeObject>(kc, { method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, body });
}

/** Deletes the node-shell pod, only that very pod (uid precondition), at once; gone already is fine. */
export async function deleteNodeShellPod(kc: KubeConfig, namespace: string, name: string, uid: string): Promise<void> {
  try {
    await kubeRequest(kc, {
      method: 'DELETE',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid } },
    });
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 404 || err.status === 409)) return;
    throw err;
  }
}

/**
 * Deletes the node-shell pods `owner` left in `namespace` (each pinned by its uid), but those in
 * `keep`; returns how many it deleted. Called before a daemon makes its first node shell in a
 * context, and when it restores one: any of its pods then is an orphan of a daemon that died.
 */
export async function deleteOrphanNodeShells(kc: KubeConfig, namespace: string, owner: string, keep: ReadonlySet<string>): Promise<number> {
  const selector = `${NODE_SHELL_LABEL}=true,${NODE_SHELL_OWNER_LABEL}=${owner}`;
  const list = await kubeRequest<{ items?: KubeObject[] }>(kc, {
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`,
  });
  let deleted = 0;
  for (const p of list.items ?? []) {
    // The server filtered already; checked again so a server that ignores the selector deletes nothing of anyone else's.
    if (p.metadata.labels?.[NODE_SHELL_OWNER_LABEL] !== owner || p.metadata.labels?.[NODE_SHELL_LABEL] !== 'true') continue;
    if (!p.metadata.uid || keep.has(p.metadata.uid)) continue;
    await deleteNodeShellPod(kc, namespace, p.metadata.name, p.metadata.uid);
    deleted++;
  }
  return deleted;
}

/** The owner label's value for a daemon: host, user and state dir, hashed (a valid label value). */
export function nodeShellOwner(host: string, uid: number, stateDir: string): string {
  return createHash('sha256').update(`${host}\0${uid}\0${stateDir}`).digest('hex').slice(0, 20);
}

/** Why a container will not start (image pull errors, bad config), from its waiting reason; null while it may. */
export function containerFailure(pod: KubeObject, container: string, field = 'containerStatuses'): string | null {
  const statuses = (pod.status?.[field] as Array<Record<string, unknown>> | undefined) ?? [];
  const cs = Array.isArray(statuses) ? statuses.find((s) => s?.['name'] === container) : undefined;
  const waiting = (cs?.['state'] as { waiting?: { reason?: unknown; message?: unknown } } | undefined)?.waiting;
  const reason = typeof waiting?.reason === 'string' ? waiting.reason : '';
  if (/^(ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError|ErrImageNeverPull)$/.test(reason)) {
    return `${reason}${typeof waiting?.message === 'string' ? `: ${waiting.message}` : ''}`;
  }
  const terminated = (cs?.['state'] as { terminated?: { reason?: unknown; exitCode?: unknown } } | undefined)?.terminated;
  if (terminated) return `the container ended (${typeof terminated.reason === 'string' ? terminated.reason : 'exit'} ${String(terminated.exitCode ?? '')})`.trim();
  const phase = pod.status?.['phase'];
  if (phase === 'Failed' || phase === 'Succeeded') return `the pod ended (phase ${String(phase)})`;
  return null;
}

export function containerRunning(pod: KubeObject, container: string, field = 'containerStatuses'): boolean {
  const statuses = pod.status?.[field];
  if (!Array.isArray(statuses)) return false;
  const cs = statuses.find((s: unknown) => (s as Record<string, unknown> | null)?.['name'] === container) as Record<string, unknown> | undefined;
  return typeof cs?.['state'] === 'object' && cs['state'] !== null && 'running' in (cs['state'] as object);
}

/**
 * Polls the pod until `container` runs (every 500 ms, within `timeoutMs`); throws with the reason when it cannot
 * (an image that cannot be pulled, the pod gone or ended, the deadline).
 */
export async function waitForContainer(
  kc: KubeConfig,
  namespace: string,
  name: string,
  container: string,
  opts: { timeoutMs: number; signal?: AbortSignal; field?: string },
): Promise<KubeObject> {
  const deadline = Date.now() + opts.timeoutMs;
  const field = opts.field ?? 'containerStatuses';
  for (;;) {
    if (opts.signal?.aborted) throw new KubeApiError('cancelled', 0, 'Cancelled');
    let pod: KubeObject;
    try {
      pod = await kubeRequest<KubeObject>(kc, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}` });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) throw new KubeApiError(`pod ${namespace}/${name} is gone`, 404, 'NotFound');
      throw err;
    }
    if (containerRunning(pod, container, field)) return pod;
    const failure = containerFailure(pod, container, field);
    if (failure) throw new KubeApiError(`container ${container} of pod ${namespace}/${name} cannot start: ${failure}`, 0, 'ContainerFailed');
    if (Date.now() > deadline) throw new KubeApiError(`container ${container} of pod ${namespace}/${name} did not start within ${Math.round(opts.timeoutMs / 1000)} s`, 0, 'Timeout');
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 500);
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }
}
